import { answerInputs, type Answers } from "./model-tasks";
import { apiBackend, predictorCacheStats, withPredictor } from "./predictor-cache";

/*
 * The REST API's heavy predictions, run in the inference worker threads (inference-worker.ts via
 * inference-pool.ts): decoding pictures and WAV clips and running MobileNetV2 / the speech models,
 * so a picture being scored never delays a text answer on the request thread. Each thread keeps
 * its own loaded models (predictor-cache.ts, per version). No database, no "server-only".
 */

export interface PredictJob {
  versionId: string;
  /** The version's bundle; shared memory, so handing it to a thread copies nothing. */
  bundle: SharedArrayBuffer;
  inputs: unknown[];
  batch: boolean;
  topK: number;
}

export const INFERENCE_JOBS = {
  predict: async (job: PredictJob): Promise<Answers> =>
    withPredictor(
      job.versionId,
      async () => new Uint8Array(job.bundle).slice(),
      (p) => answerInputs(p, job.inputs, job.batch, job.topK),
    ),
  /** The thread's tfjs backend and the versions it holds loaded (tests, benchmarks). */
  info: async (): Promise<{ backend: string; loads: number; versions: string[] }> => ({ backend: apiBackend(), ...predictorCacheStats() }),
};

export type InferenceJobs = typeof INFERENCE_JOBS;
