import "server-only";
import { blobBackend } from "./blob-backends";
import { db, dbProvider } from "./db";
import { redisConfigured, redisReady } from "./redis";

export type CheckState = "ok" | "down" | "not-configured";

export interface Readiness {
  ready: boolean;
  checks: { database: CheckState; redis: CheckState; storage: CheckState };
  /** Which kinds are in use (no addresses, no credentials). */
  using: { database: "sqlite" | "postgresql"; storage: "disk" | "s3"; redis: boolean };
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);

async function state(check: () => Promise<unknown>): Promise<CheckState> {
  try {
    await within(check(), 3_000);
    return "ok";
  } catch {
    return "down";
  }
}

/**
 * Readiness for a load balancer: the database answers, Redis answers (when configured), and blob
 * storage can be written (disk) or its bucket reached (S3). Says which is down, never why (no
 * addresses or error texts leave the server).
 */
export async function readiness(): Promise<Readiness> {
  const backend = blobBackend();
  const [database, redis, storage] = await Promise.all([
    state(() => db.$queryRawUnsafe("SELECT 1")),
    redisConfigured() ? redisReady().then((ok): CheckState => (ok ? "ok" : "down")) : Promise.resolve<CheckState>("not-configured"),
    state(() => backend.check()),
  ]);
  return {
    ready: database === "ok" && redis !== "down" && storage === "ok",
    checks: { database, redis, storage },
    using: { database: dbProvider, storage: backend.kind, redis: redisConfigured() },
  };
}
