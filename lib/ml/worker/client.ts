/**
 * TrainerClient: the page's handle on the training worker. The UI builds on this class only.
 *
 * API (all methods return promises; errors reject with TrainerError {code, message}):
 *
 *   const client = new TrainerClient();               // starts the module worker
 *   await client.checkBackend({ modelType });         // → BackendChoice {backend, fallbackReason, attempts}
 *   await client.loadBackbone(id, (p) => ...);        // image/voice scenes; p = {loadedBytes, totalBytes, stage}
 *   await client.loadBackbone(id, onP, {package, spec}); // a user-supplied backbone (custom-backbone)
 *   await client.probeBackbone(pkg, hash, settings?); // its inputs, feature size and test-run time
 *   await client.warmUp(modelType);                   // compiles kernels; → {ms, backend}
 *   const run = await client.train(job, {             // job: TrainJob (protocol.ts)
 *     onProgress: (p) => ...,                         // batch / epoch / features progress
 *     onCheckpoint: (c) => ...,                       // best-so-far saved to IndexedDB (job.checkpointKey)
 *     signal,                                         // AbortSignal: abort = stop, keeps the best epoch
 *   });                                               // → TrainResult {bundle, manifest, history, ...}
 *   client.stop();                                    // stops every running job (same as aborting)
 *   await client.predict(["text"], { topK: 3 });      // uses the last trained or loaded model
 *                                                     // FAQ: questions → RetrievalPrediction (topK = related)
 *                                                     // entities: texts → EntityPrediction
 *                                                     // ratings: [{user}] | [{ratings}] → Recommendation (topK = items)
 *                                                     // image-tags: features | images → TagPrediction
 *   await client.loadModel(bundleBytes);              // → manifest; e.g. a saved version or a checkpoint
 *   client.on("progress", listener) / client.off(...) // progress of any job, for global indicators
 *   client.dispose();                                 // terminates the worker; pending calls reject "disposed"
 *
 * Create one client per page (or per training view) and dispose it on unmount. Inputs are copied
 * to the worker (structured clone); the caller's arrays stay usable.
 */
import type { BackendChoice } from "../backend";
import type { BackboneLoadProgress } from "../backbone";
import type { BundleManifest } from "../bundle";
import type { CustomBackboneSettings, CustomBackboneSpec } from "../backbones/custom-package";
import type { CustomBackboneProbe } from "../backbones/custom";
import type { PredictorInput } from "../predictor";
import type { TfBackendName } from "../types";
import type { BackboneInfo, CommandType, Commands, ErrorCode, JobProgress, Predictions, TrainJob, TrainResult, WorkerRequest, WorkerResponse } from "./protocol";

/** The part of Worker the client uses; tests pass an in-process fake. */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export class TrainerError extends Error {
  constructor(
    readonly code: ErrorCode | "worker-crashed",
    message: string,
  ) {
    super(message);
    this.name = "TrainerError";
  }
}

export interface CheckpointEvent {
  epoch: number;
  valAcc: number | null;
  saved: boolean;
  error?: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: TrainerError) => void;
  onProgress?: (p: JobProgress) => void;
  onBackboneProgress?: (p: BackboneLoadProgress) => void;
  onCheckpoint?: (c: CheckpointEvent) => void;
}

export function createTrainWorker(): WorkerLike {
  return new Worker(new URL("./train.worker.ts", import.meta.url), { type: "module", name: "ai-mass-studio-trainer" }) as unknown as WorkerLike;
}

export class TrainerClient {
  private readonly worker: WorkerLike;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(p: JobProgress, requestId: number) => void>();
  private nextId = 1;
  private disposed = false;

  constructor(options: { worker?: WorkerLike } = {}) {
    this.worker = options.worker ?? createTrainWorker();
    this.worker.onmessage = (event: MessageEvent) => this.receive(event.data as WorkerResponse);
    this.worker.onerror = (event: ErrorEvent) => this.failAll(new TrainerError("worker-crashed", event.message || "The training worker crashed."));
  }

  checkBackend(options: { forced?: TfBackendName; modelType?: string } = {}): Promise<BackendChoice> {
    return this.request("check-backend", options);
  }

  /** A registered backbone by id, or a user-supplied one from its package (`custom`). */
  loadBackbone(backboneId: string, onProgress?: (p: BackboneLoadProgress) => void, custom?: { package: Uint8Array; spec: CustomBackboneSpec }): Promise<BackboneInfo> {
    return this.request("load-backbone", custom ? { backboneId, custom } : { backboneId }, { onBackboneProgress: onProgress });
  }

  /** Inputs, feature size and speed of a user-supplied backbone package, with these settings or its defaults. */
  probeBackbone(pkg: Uint8Array, contentHash: string, settings?: CustomBackboneSettings): Promise<CustomBackboneProbe> {
    return this.request("probe-backbone", settings ? { package: pkg, contentHash, settings } : { package: pkg, contentHash });
  }

  warmUp(modelType?: string): Promise<{ ms: number; backend: string }> {
    return this.request("warm-up", { modelType });
  }

  /** Trains a model. Aborting the signal (or stop()) ends training early with the best epoch so far. */
  train(
    job: TrainJob,
    options: { onProgress?: (p: JobProgress) => void; onCheckpoint?: (c: CheckpointEvent) => void; signal?: AbortSignal } = {},
  ): Promise<TrainResult> {
    const { signal } = options;
    const promise = this.request("train", { job }, { onProgress: options.onProgress, onCheckpoint: options.onCheckpoint });
    const id = this.nextId - 1;
    if (signal) {
      const onAbort = () => void this.request("stop", { jobId: id }).catch(() => undefined);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      void promise.finally(() => signal.removeEventListener("abort", onAbort)).catch(() => undefined);
    }
    return promise;
  }

  /** Stops every running training job; each resolves with its best epoch so far. */
  async stop(): Promise<number> {
    return (await this.request("stop", {})).stopped;
  }

  async loadModel(bundle: Uint8Array): Promise<BundleManifest> {
    return (await this.request("load-model", { bundle })).manifest;
  }

  async predict(inputs: PredictorInput[], options: { topK?: number } = {}): Promise<Predictions> {
    return (await this.request("predict", { inputs, topK: options.topK })).predictions;
  }

  async unloadModel(): Promise<boolean> {
    return (await this.request("unload-model", {})).unloaded;
  }

  on(event: "progress", listener: (p: JobProgress, requestId: number) => void): void {
    if (event === "progress") this.listeners.add(listener);
  }

  off(event: "progress", listener: (p: JobProgress, requestId: number) => void): void {
    if (event === "progress") this.listeners.delete(listener);
  }

  /** Terminates the worker. Pending calls reject with code "disposed". Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.worker.terminate();
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.failAll(new TrainerError("disposed", "The trainer was disposed."));
    this.listeners.clear();
  }

  private request<K extends CommandType>(type: K, payload: Commands[K]["req"], hooks: Omit<Pending, "resolve" | "reject"> = {}): Promise<Commands[K]["res"]> {
    if (this.disposed) return Promise.reject(new TrainerError("disposed", "The trainer was disposed."));
    const id = this.nextId++;
    return new Promise<Commands[K]["res"]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...hooks });
      this.worker.postMessage({ id, type, ...payload } as WorkerRequest);
    });
  }

  private receive(message: WorkerResponse): void {
    const pending = this.pending.get(message.id);
    switch (message.type) {
      case "progress":
        pending?.onProgress?.(message.progress);
        for (const l of this.listeners) l(message.progress, message.id);
        return;
      case "backbone-progress":
        pending?.onBackboneProgress?.(message.progress);
        return;
      case "checkpoint":
        pending?.onCheckpoint?.({ epoch: message.epoch, valAcc: message.valAcc, saved: message.saved, error: message.error });
        return;
      case "result":
        this.pending.delete(message.id);
        pending?.resolve(message.result);
        return;
      case "error":
        this.pending.delete(message.id);
        pending?.reject(new TrainerError(message.error.code, message.error.message));
        return;
    }
  }

  private failAll(error: TrainerError): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
