import "server-only";
import { db } from "./db";

export interface RateLimitResult {
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  count: number;
  limit: number;
  remaining: number;
  resetAt: Date;
  retryAfterSeconds: number;
}

/** How Prisma stores DateTime in SQLite (text, compared as text in the statement below). */
const sqliteTime = (d: Date) => d.toISOString().replace("Z", "+00:00");

/**
 * Fixed-window counter stored in the database, so replicas share it. `consume` counts one hit and
 * says in the same statement whether it was within the limit, so concurrent callers can never all
 * pass: count first, then do the expensive or sensitive work (a password check), and `release` the
 * hit if it should not count after all. `peek` only reads.
 * One upsert statement (one commit): the REST API calls this on every request.
 */
export async function consume(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
  const now = new Date();
  const nowText = sqliteTime(now);
  const rows = await db.$queryRaw<{ count: number | bigint; resetAt: Date | string }[]>`
    INSERT INTO "RateLimitBucket" ("key", "count", "resetAt", "updatedAt")
    VALUES (${key}, 1, ${sqliteTime(new Date(now.getTime() + windowMs))}, ${nowText})
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitBucket"."resetAt" <= ${nowText} THEN 1 ELSE "RateLimitBucket"."count" + 1 END,
      "resetAt" = CASE WHEN "RateLimitBucket"."resetAt" <= ${nowText} THEN excluded."resetAt" ELSE "RateLimitBucket"."resetAt" END,
      "updatedAt" = excluded."updatedAt"
    RETURNING "count", "resetAt"`;
  const row = rows[0];
  return toResult(Number(row.count), limit, new Date(row.resetAt), now);
}

export async function peek(key: string, limit: number): Promise<RateLimitResult> {
  const now = new Date();
  const bucket = await db.rateLimitBucket.findUnique({ where: { key } });
  if (!bucket || bucket.resetAt <= now) return toResult(0, limit, now, now);
  return toResult(bucket.count, limit, bucket.resetAt, now, true);
}

export async function reset(key: string): Promise<void> {
  await db.rateLimitBucket.deleteMany({ where: { key } });
}

/**
 * Gives back one hit that `consume` counted, for an attempt that turned out not to count (a
 * sign-in with the right password). `resetAt` is the window the hit was counted in: once that
 * window is over there is nothing to give back.
 */
export async function release(key: string, resetAt: Date): Promise<void> {
  await db.rateLimitBucket.updateMany({ where: { key, resetAt, count: { gt: 0 } }, data: { count: { decrement: 1 } } });
}

/** Refuses `key` until `until` (see `blockedUntil`); a later call replaces the time. */
export async function blockUntil(key: string, until: Date): Promise<void> {
  await db.rateLimitBucket.upsert({ where: { key }, create: { key, count: 1, resetAt: until }, update: { count: 1, resetAt: until } });
}

/** When a block set by `blockUntil` ends, or null when `key` is not blocked now. */
export async function blockedUntil(key: string): Promise<Date | null> {
  const bucket = await db.rateLimitBucket.findUnique({ where: { key } });
  return bucket && bucket.resetAt.getTime() > Date.now() ? bucket.resetAt : null;
}

function toResult(count: number, limit: number, resetAt: Date, now: Date, peeking = false): RateLimitResult {
  const allowed = peeking ? count < limit : count <= limit;
  return {
    allowed,
    count,
    limit,
    remaining: Math.max(0, limit - count),
    resetAt,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)),
  };
}
