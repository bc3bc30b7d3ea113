import "server-only";
import { db } from "./db";

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAt: Date;
  retryAfterSeconds: number;
}

/** How Prisma stores DateTime in SQLite (text, compared as text in the statement below). */
const sqliteTime = (d: Date) => d.toISOString().replace("Z", "+00:00");

/**
 * Fixed-window counter stored in the database, so replicas share it. `consume` counts one hit;
 * `peek` only reads (used to refuse before doing expensive work such as password hashing).
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

function toResult(count: number, limit: number, resetAt: Date, now: Date, peeking = false): RateLimitResult {
  const allowed = peeking ? count < limit : count <= limit;
  return {
    allowed,
    limit,
    remaining: Math.max(0, limit - count),
    resetAt,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)),
  };
}
