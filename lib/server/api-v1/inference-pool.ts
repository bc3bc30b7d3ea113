import "server-only";
import { Worker } from "node:worker_threads";
import { intFromEnv, JobFailedError, PoolBusyError, poolSizeFromEnv, WorkerJobError, WorkerPool } from "../worker-pool";
import { ApiError, type ApiErrorCode, API_ERROR_STATUS } from "./errors";
import type { InferenceJobs, PredictJob } from "./inference-jobs";
import { brokenModel, type Answers } from "./model-tasks";

/*
 * Threads that run the REST API's picture and voice predictions (decoding included), sized to the
 * cores, so text answers on the request thread stay fast while pictures are scored. Sizes:
 *   STUDIO_INFERENCE_WORKERS        threads, default cores − 1 (1 to 4)
 *   STUDIO_INFERENCE_QUEUE          calls waiting for a thread before 503 "busy", default 64
 *   STUDIO_INFERENCE_JOB_TIMEOUT_MS one call at most, default 60000
 *   STUDIO_INFERENCE_WORKER_HEAP_MB one thread's JavaScript heap at most, default 1024
 *   STUDIO_INFERENCE_WORKER_NICE    the threads' Linux nice value, default 5 (0: as the server)
 */

let pool: WorkerPool | null = null;

export function inferencePool(): WorkerPool {
  pool ??= new WorkerPool({
    name: "inference",
    spawn: (options) => new Worker(new URL("./inference-worker.ts", import.meta.url), { ...options }),
    size: poolSizeFromEnv("STUDIO_INFERENCE_WORKERS"),
    maxQueue: intFromEnv("STUDIO_INFERENCE_QUEUE", 64),
    jobTimeoutMs: intFromEnv("STUDIO_INFERENCE_JOB_TIMEOUT_MS", 60_000),
    // Loaded models stay in the thread between calls.
    idleMs: 10 * 60_000,
    resourceLimits: { maxOldGenerationSizeMb: intFromEnv("STUDIO_INFERENCE_WORKER_HEAP_MB", 1024) },
    retryAfterSeconds: 2,
    // Below the request thread (Linux nice): when the cores are busy, a text answer is not queued
    // behind a picture being scored; pictures take the time the request thread leaves.
    nice: intFromEnv("STUDIO_INFERENCE_WORKER_NICE", 5),
  });
  return pool;
}

/** Bundles handed to the threads, per version, in shared memory (bounded: least recently used go). */
const MAX_SHARED_BYTES = 512 * 1024 * 1024;
const shared = new Map<string, SharedArrayBuffer>();

function sharedBundle(versionId: string, bytes: Uint8Array): SharedArrayBuffer {
  let sab = shared.get(versionId);
  if (sab) {
    shared.delete(versionId);
    shared.set(versionId, sab);
    return sab;
  }
  sab = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(sab).set(bytes);
  shared.set(versionId, sab);
  let total = 0;
  for (const b of shared.values()) total += b.byteLength;
  for (const [id, b] of shared) {
    if (total <= MAX_SHARED_BYTES || id === versionId) break;
    shared.delete(id);
    total -= b.byteLength;
  }
  return sab;
}

/** Whether this version's bundle is already held for the threads (no blob read needed). */
export const hasSharedBundle = (versionId: string) => shared.has(versionId);

/**
 * Answers picture or clip inputs on an inference thread. A full queue is 503 with Retry-After; an
 * input problem keeps its ApiError (400 for one input); a thread that crashed or ran past its time
 * is a 500 for this call only.
 */
export async function predictOnThread(job: Omit<PredictJob, "bundle">, readBundle: () => Promise<Uint8Array>): Promise<Answers> {
  const bundle = shared.get(job.versionId) ?? sharedBundle(job.versionId, await readBundle());
  try {
    return await inferencePool().run<Awaited<ReturnType<InferenceJobs["predict"]>>>("predict", { ...job, bundle } satisfies PredictJob);
  } catch (e) {
    if (e instanceof PoolBusyError) {
      throw new ApiError("server_busy", `The server is busy with other pictures or clips. Try again in ${e.retryAfterSeconds} seconds.`, { "Retry-After": String(e.retryAfterSeconds) });
    }
    if (e instanceof JobFailedError && (e.data.name === "ModelShapeError" || e.data.name === "BundleError")) throw brokenModel();
    if (e instanceof JobFailedError && e.data.name === "ApiError" && e.data.code && e.data.code in API_ERROR_STATUS) {
      throw new ApiError(e.data.code as ApiErrorCode, e.data.message);
    }
    if (e instanceof WorkerJobError && e.reason === "timeout") {
      throw new ApiError("server_busy", "The prediction took too long. Try again with fewer or smaller inputs.", { "Retry-After": "2" });
    }
    throw e;
  }
}

/** What an inference thread runs on and holds (tests, benchmarks): its tfjs backend and loaded versions. */
export function inferenceThreadInfo(): Promise<Awaited<ReturnType<InferenceJobs["info"]>>> {
  return inferencePool().run("info", null);
}

/** Stops the threads (tests; the next call starts new ones). */
export async function resetInferencePool(): Promise<void> {
  const old = pool;
  pool = null;
  await old?.close();
}
