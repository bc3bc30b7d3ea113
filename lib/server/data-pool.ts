import "server-only";
import { type TransferListItem, Worker } from "node:worker_threads";
import type { DataJobs } from "./data-jobs";
import { AppError, type ErrorCode, ERROR_STATUS } from "./errors";
import { intFromEnv, JobFailedError, PoolBusyError, poolSizeFromEnv, WorkerPool } from "./worker-pool";

/*
 * The pool of threads that parse uploads (tables, entity files, ZIP archives, pictures, clips),
 * so a large or hostile file never stalls other requests. Sizes (environment variables):
 *   STUDIO_DATA_WORKERS        threads, default cores − 1 (1 to 4)
 *   STUDIO_DATA_QUEUE          uploads waiting for a thread before "busy, try again" (503), default 8
 *   STUDIO_DATA_JOB_TIMEOUT_MS one file's parse at most, default 120000
 *   STUDIO_DATA_WORKER_HEAP_MB one thread's JavaScript heap at most, default 512
 *   STUDIO_DATA_WORKER_NICE    the threads' CPU priority on Linux (0–19, higher yields more), default 10
 */

let pool: WorkerPool | null = null;

export function dataPool(): WorkerPool {
  pool ??= new WorkerPool({
    name: "data",
    spawn: (options) => new Worker(new URL("./data-worker.ts", import.meta.url), { ...options }),
    size: poolSizeFromEnv("STUDIO_DATA_WORKERS"),
    maxQueue: intFromEnv("STUDIO_DATA_QUEUE", 8),
    jobTimeoutMs: intFromEnv("STUDIO_DATA_JOB_TIMEOUT_MS", 120_000),
    resourceLimits: { maxOldGenerationSizeMb: intFromEnv("STUDIO_DATA_WORKER_HEAP_MB", 512) },
    retryAfterSeconds: 5,
    // a thread that parsed a large file holds its heap until it exits: let it go soon
    idleMs: 10_000,
    // parsing yields the CPU to the request thread (other users' requests come first)
    nice: intFromEnv("STUDIO_DATA_WORKER_NICE", 10),
  });
  return pool;
}

/** What one thread may use for one file, for the "file-too-complex" message. */
export function dataJobLimitLabel(): string {
  const o = dataPool().options;
  return `${o.resourceLimits?.maxOldGenerationSizeMb ?? 0} MB, ${Math.round(o.jobTimeoutMs / 1000)} s`;
}

/**
 * Runs a data job on the pool. A full queue becomes AppError "unavailable" (503 with Retry-After
 * and a "busy, try again in a moment" message); an AppError the job threw keeps its code and
 * message; a job that ran out of memory or time throws WorkerJobError (callers turn that into a
 * "file-too-complex" rejection).
 */
export async function runDataJob<K extends keyof DataJobs>(
  kind: K,
  payload: Parameters<DataJobs[K]>[0],
  opts: { transfer?: TransferListItem[]; signal?: AbortSignal } = {},
): Promise<Awaited<ReturnType<DataJobs[K]>>> {
  try {
    return await dataPool().run<Awaited<ReturnType<DataJobs[K]>>>(kind, payload, opts);
  } catch (e) {
    if (e instanceof PoolBusyError) {
      throw new AppError("unavailable", "errors.serverBusy", { params: { seconds: e.retryAfterSeconds }, headers: { "Retry-After": String(e.retryAfterSeconds) } });
    }
    if (e instanceof JobFailedError && e.data.messageKey && e.data.code && e.data.code in ERROR_STATUS) {
      throw new AppError(e.data.code as ErrorCode, e.data.messageKey, { params: e.data.params, fields: e.data.fields, headers: e.data.headers });
    }
    throw e;
  }
}

/** Stops the pool; the next job starts a new one sized from the environment as it is then (tests). */
export async function resetDataPool(): Promise<void> {
  const old = pool;
  pool = null;
  await old?.close();
}
