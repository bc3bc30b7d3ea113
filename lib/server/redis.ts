import "server-only";
import Redis from "ioredis";

/**
 * Redis, when REDIS_URL is set: the state replicas share (rate limits, the usage queue, cache
 * invalidation). Without it everything falls back to this process or the database, which is right
 * for one process (`npm start`) and wrong for several replicas (docs/DEPLOY.md).
 *
 * Two connections per process: one for commands, one subscribed to invalidations (a subscribed
 * connection cannot run commands). Created on first use, kept on globalThis across dev reloads.
 */
interface RedisState {
  client: Redis | null;
  subscriber: Redis | null;
}

const g = globalThis as unknown as { __studioRedis?: RedisState };
const state: RedisState = (g.__studioRedis ??= { client: null, subscriber: null });

export const redisConfigured = (): boolean => !!process.env.REDIS_URL;

/** Key prefix, so one Redis can serve several installs (STUDIO_REDIS_PREFIX, default "studio:"). */
export const redisKey = (key: string): string => `${process.env.STUDIO_REDIS_PREFIX ?? "studio:"}${key}`;

function connect(): Redis {
  const client = new Redis(process.env.REDIS_URL!, {
    // Fail a command after a short wait instead of queueing forever while Redis is down: a rate
    // limit that cannot be checked answers 503, it does not hang the request.
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  client.on("error", (e) => console.error("[redis]", e.message));
  return client;
}

/** The command connection, or null when REDIS_URL is not set. */
export function redis(): Redis | null {
  if (!redisConfigured()) return null;
  return (state.client ??= connect());
}

/** A second connection for SUBSCRIBE, or null when REDIS_URL is not set. */
export function redisSubscriber(): Redis | null {
  if (!redisConfigured()) return null;
  return (state.subscriber ??= connect());
}

/** Readiness: Redis answers PING (true when Redis is not configured: nothing to wait for). */
export async function redisReady(): Promise<boolean> {
  const r = redis();
  if (!r) return true;
  try {
    return (await Promise.race([r.ping(), new Promise<string>((_, reject) => setTimeout(() => reject(new Error("timeout")), 2_000))])) === "PONG";
  } catch {
    return false;
  }
}

/** Closes the connections (tests, shutdown). */
export async function closeRedis(): Promise<void> {
  const { client, subscriber } = state;
  state.client = state.subscriber = null;
  await Promise.all([client?.quit().catch(() => {}), subscriber?.quit().catch(() => {})]);
}
