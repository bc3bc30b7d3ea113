import "server-only";
import { db } from "./db";

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAt: Date;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counter stored in the database, so replicas share it. `consume` counts one hit;
 * `peek` only reads (used to refuse before doing expensive work such as password hashing).
 */
export async function consume(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
  const now = new Date();
  const bucket = await db.$transaction(async (tx) => {
    const existing = await tx.rateLimitBucket.findUnique({ where: { key } });
    if (!existing || existing.resetAt <= now) {
      return tx.rateLimitBucket.upsert({
        where: { key },
        create: { key, count: 1, resetAt: new Date(now.getTime() + windowMs) },
        update: { count: 1, resetAt: new Date(now.getTime() + windowMs) },
      });
    }
    return tx.rateLimitBucket.update({ where: { key }, data: { count: { increment: 1 } } });
  });
  return toResult(bucket.count, limit, bucket.resetAt, now);
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
