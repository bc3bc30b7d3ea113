import "server-only";
import type Redis from "ioredis";
import { db, dbProvider } from "./db";
import { redis, redisKey } from "./redis";
import { sqliteTime } from "./sql-time";

export interface RateLimitResult {
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  count: number;
  limit: number;
  remaining: number;
  resetAt: Date;
  retryAfterSeconds: number;
}

/** A fixed-window counter: hits so far and when the window ends. */
export interface Bucket {
  count: number;
  resetAt: Date;
}

/**
 * Where counters live. Every operation is one atomic step in its store, so concurrent callers
 * (requests, replicas) can never all pass a limit.
 */
export interface RateLimitStore {
  readonly name: "database" | "redis" | "memory";
  /** Counts one hit (a new window starts when the last one ended) and returns the bucket after it. */
  hit(key: string, windowMs: number): Promise<Bucket>;
  /** The live bucket, or null when there is none or its window has ended. */
  read(key: string): Promise<Bucket | null>;
  remove(key: string): Promise<void>;
  /** Takes one hit off, only if the bucket is still the window that ends at `resetAt`; never below 0. */
  giveBack(key: string, resetAt: Date): Promise<void>;
  /** Replaces the bucket. */
  put(key: string, bucket: Bucket): Promise<void>;
}

/* ---------------------------------------------------------------------------------- database */


/**
 * Counters in the RateLimitBucket table: shared by every process on the database, kept across
 * restarts. One upsert statement (one commit) per hit.
 */
export const databaseStore: RateLimitStore = {
  name: "database",
  async hit(key, windowMs) {
    const now = new Date();
    const next = new Date(now.getTime() + windowMs);
    const rows =
      dbProvider === "postgresql"
        ? await db.$queryRaw<{ count: number | bigint; resetAt: Date | string }[]>`
            INSERT INTO "RateLimitBucket" ("key", "count", "resetAt", "updatedAt")
            VALUES (${key}, 1, ${next}, ${now})
            ON CONFLICT ("key") DO UPDATE SET
              "count" = CASE WHEN "RateLimitBucket"."resetAt" <= ${now} THEN 1 ELSE "RateLimitBucket"."count" + 1 END,
              "resetAt" = CASE WHEN "RateLimitBucket"."resetAt" <= ${now} THEN excluded."resetAt" ELSE "RateLimitBucket"."resetAt" END,
              "updatedAt" = excluded."updatedAt"
            RETURNING "count", "resetAt"`
        : await db.$queryRaw<{ count: number | bigint; resetAt: Date | string }[]>`
            INSERT INTO "RateLimitBucket" ("key", "count", "resetAt", "updatedAt")
            VALUES (${key}, 1, ${sqliteTime(next)}, ${sqliteTime(now)})
            ON CONFLICT ("key") DO UPDATE SET
              "count" = CASE WHEN "RateLimitBucket"."resetAt" <= ${sqliteTime(now)} THEN 1 ELSE "RateLimitBucket"."count" + 1 END,
              "resetAt" = CASE WHEN "RateLimitBucket"."resetAt" <= ${sqliteTime(now)} THEN excluded."resetAt" ELSE "RateLimitBucket"."resetAt" END,
              "updatedAt" = excluded."updatedAt"
            RETURNING "count", "resetAt"`;
    const row = rows[0];
    return { count: Number(row.count), resetAt: new Date(row.resetAt) };
  },
  async read(key) {
    const bucket = await db.rateLimitBucket.findUnique({ where: { key } });
    if (!bucket || bucket.resetAt.getTime() <= Date.now()) return null;
    return { count: bucket.count, resetAt: bucket.resetAt };
  },
  async remove(key) {
    await db.rateLimitBucket.deleteMany({ where: { key } });
  },
  async giveBack(key, resetAt) {
    await db.rateLimitBucket.updateMany({ where: { key, resetAt, count: { gt: 0 } }, data: { count: { decrement: 1 } } });
  },
  async put(key, { count, resetAt }) {
    await db.rateLimitBucket.upsert({ where: { key }, create: { key, count, resetAt }, update: { count, resetAt } });
  },
};

/* ------------------------------------------------------------------------------------- redis */

// A bucket is a hash {c: count, r: resetAt in ms} that expires with its window. Time comes from
// Redis (TIME), so replicas with slightly different clocks still share one window.
const HIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local r = tonumber(redis.call('HGET', KEYS[1], 'r'))
if (not r) or r <= now then
  r = now + tonumber(ARGV[1])
  redis.call('HSET', KEYS[1], 'c', 1, 'r', r)
  redis.call('PEXPIREAT', KEYS[1], r)
  return {1, r}
end
return {redis.call('HINCRBY', KEYS[1], 'c', 1), r}`;

const GIVE_BACK_SCRIPT = `
local v = redis.call('HMGET', KEYS[1], 'c', 'r')
if v[2] == ARGV[1] and tonumber(v[1]) and tonumber(v[1]) > 0 then
  redis.call('HINCRBY', KEYS[1], 'c', -1)
end
return 0`;

type ScriptedRedis = Redis & {
  studioRateHit(key: string, windowMs: number): Promise<[number, number]>;
  studioRateGiveBack(key: string, resetAtMs: string): Promise<number>;
};

function scripted(client: Redis): ScriptedRedis {
  const c = client as ScriptedRedis;
  // defineCommand sends EVALSHA and falls back to EVAL once per connection.
  if (typeof c.studioRateHit !== "function") {
    client.defineCommand("studioRateHit", { numberOfKeys: 1, lua: HIT_SCRIPT });
    client.defineCommand("studioRateGiveBack", { numberOfKeys: 1, lua: GIVE_BACK_SCRIPT });
  }
  return c;
}

/** Counters in Redis (REDIS_URL): shared by every replica, one round trip per hit. */
export function redisStore(client: Redis): RateLimitStore {
  const k = (key: string) => redisKey(`rl:${key}`);
  const r = scripted(client);
  return {
    name: "redis",
    async hit(key, windowMs) {
      const [count, resetAt] = await r.studioRateHit(k(key), Math.max(1, Math.round(windowMs)));
      return { count: Number(count), resetAt: new Date(Number(resetAt)) };
    },
    async read(key) {
      const [c, resetMs] = await client.hmget(k(key), "c", "r");
      if (c === null || resetMs === null || Number(resetMs) <= Date.now()) return null;
      return { count: Number(c), resetAt: new Date(Number(resetMs)) };
    },
    async remove(key) {
      await client.del(k(key));
    },
    async giveBack(key, resetAt) {
      await r.studioRateGiveBack(k(key), String(resetAt.getTime()));
    },
    async put(key, { count, resetAt }) {
      await client.multi().hset(k(key), "c", count, "r", resetAt.getTime()).pexpireat(k(key), resetAt.getTime()).exec();
    },
  };
}

/* ------------------------------------------------------------------------------------ memory */

/**
 * Counters in this process: no round trip at all, for the REST API's per-key limit when one
 * process serves (the embedded SQLite default). Lost on restart; several replicas need Redis.
 */
export function memoryStore(maxKeys = 100_000): RateLimitStore {
  const buckets = new Map<string, Bucket>();
  const live = (key: string) => {
    const b = buckets.get(key);
    if (b && b.resetAt.getTime() <= Date.now()) {
      buckets.delete(key);
      return undefined;
    }
    return b;
  };
  const sweep = () => {
    if (buckets.size < maxKeys) return;
    const now = Date.now();
    for (const [key, b] of buckets) if (b.resetAt.getTime() <= now) buckets.delete(key);
    // Still full of live windows (a flood of distinct keys): drop the oldest entries.
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  };
  return {
    name: "memory",
    async hit(key, windowMs) {
      const b = live(key);
      if (b) {
        b.count++;
        return { ...b };
      }
      sweep();
      const fresh = { count: 1, resetAt: new Date(Date.now() + windowMs) };
      buckets.set(key, fresh);
      return { ...fresh };
    },
    async read(key) {
      const b = live(key);
      return b ? { ...b } : null;
    },
    async remove(key) {
      buckets.delete(key);
    },
    async giveBack(key, resetAt) {
      const b = live(key);
      if (b && b.resetAt.getTime() === resetAt.getTime() && b.count > 0) b.count--;
    },
    async put(key, bucket) {
      sweep();
      buckets.set(key, { ...bucket });
    },
  };
}

/* ----------------------------------------------------------------------------------- choices */

const g = globalThis as unknown as { __studioHotLimits?: RateLimitStore };

/**
 * Limits that must hold across restarts and replicas (sign-in, sign-up, visitor events): Redis
 * when configured, else the database.
 */
export function sharedStore(): RateLimitStore {
  const client = redis();
  return client ? redisStore(client) : databaseStore;
}

/**
 * Limits on the hot path (the REST API's per-key limit, checked on every call): Redis when
 * configured; else this process's memory for the embedded SQLite (one process), or the database
 * for PostgreSQL without Redis (replicas then share the table).
 */
export function hotPathStore(): RateLimitStore {
  const client = redis();
  if (client) return redisStore(client);
  if (dbProvider === "postgresql") return databaseStore;
  return (g.__studioHotLimits ??= memoryStore());
}

/* ------------------------------------------------------------------------------- the limiter */

/**
 * Counts one hit and says in the same step whether it was within the limit, so concurrent callers
 * can never all pass: count first, then do the expensive or sensitive work (a password check), and
 * `release` the hit if it should not count after all.
 */
export async function consume(key: string, limit: number, windowMs: number, store = sharedStore()): Promise<RateLimitResult> {
  const b = await store.hit(key, windowMs);
  // "now" is read after the hit: a call that started before another call opened the window would
  // otherwise wait longer than the window itself. The database's clock may also run a little ahead
  // of this process's, so the wait is capped at the window.
  const r = toResult(b.count, limit, b.resetAt, new Date());
  r.retryAfterSeconds = Math.min(r.retryAfterSeconds, Math.max(1, Math.ceil(windowMs / 1000)));
  return r;
}

/** Reads without counting. */
export async function peek(key: string, limit: number, store = sharedStore()): Promise<RateLimitResult> {
  const now = new Date();
  const b = await store.read(key);
  if (!b) return toResult(0, limit, now, now);
  return toResult(b.count, limit, b.resetAt, now, true);
}

export async function reset(key: string, store = sharedStore()): Promise<void> {
  await store.remove(key);
}

/**
 * Gives back one hit that `consume` counted, for an attempt that turned out not to count (a
 * sign-in with the right password). `resetAt` is the window the hit was counted in: once that
 * window is over there is nothing to give back.
 */
export async function release(key: string, resetAt: Date, store = sharedStore()): Promise<void> {
  await store.giveBack(key, resetAt);
}

/** Refuses `key` until `until` (see `blockedUntil`); a later call replaces the time. */
export async function blockUntil(key: string, until: Date, store = sharedStore()): Promise<void> {
  await store.put(key, { count: 1, resetAt: until });
}

/** When a block set by `blockUntil` ends, or null when `key` is not blocked now. */
export async function blockedUntil(key: string, store = sharedStore()): Promise<Date | null> {
  const b = await store.read(key);
  return b ? b.resetAt : null;
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
