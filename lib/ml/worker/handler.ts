/**
 * The worker's brain, separate from the Worker global so it runs (and is tested) in Node too:
 * createWorkerHandler(post) returns the function that handles one request.
 *
 * State kept between requests: the chosen backend, loaded backbones, an in-memory cache of
 * backbone features (per backbone and cache key), the running jobs (for "stop") and one loaded
 * predictor (the last trained or loaded model) for "predict".
 */
import { modelNeedsConvGradients, selectBackend, warmUpBackend, type BackendChoice, type SelectBackendOptions } from "../backend";
import { getBackboneLoader, registeredBackboneIds, type Backbone } from "../backbone";
import { BundleError, embedBackbone, readManifest, type BackboneRef } from "../bundle";
import { CustomBackboneError, loadCustomBackbone, probeCustomBackbone, type CustomImageBackbone } from "../backbones/custom";
import { customBackboneId } from "../backbones/custom-package";
import { saveCheckpoint } from "../checkpoint-store";
import { loadPredictor, PredictorError, type Predictor } from "../predictor";
import { trainTextClassifier } from "../text/train-text";
import { trainTabularModel } from "../tabular/train-tabular";
import { augmentImage, clampAugmentViews } from "../image/augment";
import { trainClassifierHead } from "../image/train-head";
import { trainSmallCnn } from "../image/train-small-cnn";
import { trainFineTunedMobileNet, type FineTunableBackbone } from "../image/train-finetune";
import { trainTagHead } from "../image/train-tags";
import { trainFaqRetriever } from "../faq/train-faq";
import { trainEntityTagger } from "../entities/train-tagger";
import { trainRecommender } from "../recommend/train-mf";
import { TrainingDataError } from "../errors";
import type { CommonTrainOptions, TrainedModel } from "../engine/finish";
import type { RawImage, TfBackendName, TrainingProgress } from "../types";
import type { AudioClip } from "../backbones/types";
import { BACKGROUND_LABEL, SPEECH_MODEL_TYPE, isAudioClip, withBackgroundClips } from "../voice/clip";
import type { Commands, ErrorCode, Predictions, TrainJob, WorkerRequest, WorkerResponse } from "./protocol";

export type Post = (message: WorkerResponse, transfer?: Transferable[]) => void;

export interface HandlerDeps {
  selectBackend?: (options: SelectBackendOptions) => Promise<BackendChoice>;
  saveCheckpoint?: typeof saveCheckpoint;
  /** Minimum milliseconds between two batch progress messages (epoch messages always go). */
  batchProgressIntervalMs?: number;
  /** onnxruntime-web WASM files for user-supplied ONNX backbones. Default "/vendor/ort/" (Node tests: ortDistDir()). */
  ortWasmPaths?: string;
}

class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function modelTypeOfJob(job: TrainJob): string {
  switch (job.kind) {
    case "text":
    case "tabular":
      return job.modelType;
    case "features":
      return job.modelType ?? "mobilenet-transfer";
    case "backbone-head":
      return job.modelType ?? (job.clips ? SPEECH_MODEL_TYPE : "mobilenet-transfer");
    case "small-cnn":
      return "small-cnn";
    case "finetune":
      return "mobilenet-finetune";
    case "faq":
    case "entities":
    case "ratings":
      return job.modelType;
    case "image-tags":
      return job.modelType ?? "mobilenet-multilabel";
  }
}

export function createWorkerHandler(post: Post, deps: HandlerDeps = {}): (request: WorkerRequest) => Promise<void> {
  const choose = deps.selectBackend ?? ((o: SelectBackendOptions) => selectBackend(o));
  const save = deps.saveCheckpoint ?? saveCheckpoint;
  const interval = deps.batchProgressIntervalMs ?? 100;
  const wasmPaths = deps.ortWasmPaths;
  let backend: BackendChoice | null = null;
  let forced: TfBackendName | undefined;
  const backbones = new Map<string, Backbone<unknown>>();
  const featureCache = new Map<string, Float32Array>();
  const jobs = new Map<number, AbortController>();
  let predictor: Predictor | null = null;

  const ensureBackend = async (modelType?: string): Promise<BackendChoice> => {
    const conv = modelType ? modelNeedsConvGradients(modelType) : false;
    if (!backend || (conv && backend.backend === "wasm")) backend = await choose({ forced, needsConvGradients: conv });
    return backend;
  };

  const setPredictor = async (bundle: Uint8Array): Promise<Predictor> => {
    predictor?.dispose();
    predictor = null;
    // A loaded backbone is shared; otherwise a bundle that embeds its (user-supplied) backbone
    // brings it along, and one on a built-in backbone predicts from features until it is loaded.
    const ref = readManifest(bundle).backbone;
    const backbone = ref ? backbones.get(ref.id) : undefined;
    predictor = await loadPredictor(bundle, backbone ? { backbone } : { ortWasmPaths: wasmPaths });
    return predictor;
  };

  /**
   * A user-supplied backbone from its package. Other uploaded backbones (e.g. of earlier settings)
   * are released when no job runs and the loaded model does not use them: they can be large.
   */
  const loadCustom = async (id: number, backboneId: string, custom: NonNullable<Extract<WorkerRequest, { type: "load-backbone" }>["custom"]>) => {
    if (customBackboneId(custom.spec) !== backboneId) throw new RequestError("bad-request", `The backbone id "${backboneId}" does not match its settings.`);
    const loaded = await loadCustomBackbone(custom.package, {
      contentHash: custom.spec.contentHash,
      settings: custom.spec,
      expect: custom.spec,
      wasmPaths,
      onProgress: (progress) => post({ id, type: "backbone-progress", progress }),
    });
    if (jobs.size === 0) {
      const inUse = predictor?.manifest.backbone?.id;
      for (const [key, b] of backbones) {
        if (isCustomBackbone(b) && key !== inUse) {
          b.dispose();
          backbones.delete(key);
        }
      }
    }
    return loaded;
  };

  /** Embeds images or audio clips with the loaded backbone, 16 at a time, through the feature cache. */
  const embedAll = async (id: number, job: { backboneId: string; images: readonly (RawImage | AudioClip)[]; cacheKeys?: readonly (string | undefined)[] }): Promise<Float32Array[]> => {
    const backbone = backbones.get(job.backboneId);
    if (!backbone) throw new RequestError("backbone-not-loaded", `Load the "${job.backboneId}" backbone first (load-backbone).`);
    const start = performance.now();
    const features: (Float32Array | undefined)[] = job.images.map((_, i) => {
      const key = job.cacheKeys?.[i];
      return key === undefined ? undefined : featureCache.get(`${job.backboneId}\u0000${key}`);
    });
    const missing = features.flatMap((f, i) => (f ? [] : [i]));
    let done = job.images.length - missing.length;
    for (let i = 0; i < missing.length; i += 16) {
      const chunk = missing.slice(i, i + 16);
      const vectors = await backbone.embed(chunk.map((j) => job.images[j]));
      chunk.forEach((j, k) => {
        features[j] = vectors[k];
        const key = job.cacheKeys?.[j];
        if (key !== undefined) featureCache.set(`${job.backboneId}\u0000${key}`, vectors[k]);
      });
      done += chunk.length;
      post({ id, type: "progress", progress: { phase: "features", done, total: job.images.length, elapsedMs: performance.now() - start } });
    }
    return features as Float32Array[];
  };

  /**
   * The audio side of "backbone-head": clips embedded by an audio backbone (cached like pictures),
   * synthetic background clips added when no class is a background class, then the same head
   * trainer as for images (no augmentation).
   */
  const trainVoiceHead = async (
    id: number,
    job: Extract<TrainJob, { kind: "backbone-head" }>,
    clips: AudioClip[],
    common: CommonTrainOptions,
  ): Promise<TrainedModel & { syntheticBackground: number }> => {
    const b = backbones.get(job.backboneId) as (Backbone<unknown> & { kind?: string; sampleRate?: number }) | undefined;
    if (!b) throw new RequestError("backbone-not-loaded", `Load the "${job.backboneId}" backbone first (load-backbone).`);
    if (b.kind !== "audio") throw new RequestError("bad-request", `The "${job.backboneId}" backbone does not take audio clips.`);
    if (job.images) throw new RequestError("bad-request", "A backbone-head job takes images or clips, not both.");
    if (clips.length !== job.labels.length) throw new RequestError("bad-request", `Got ${clips.length} clips and ${job.labels.length} labels.`);
    clips.forEach((c, i) => {
      if (!isAudioClip(c)) throw new RequestError("bad-request", `Clip ${i} is not mono audio {samples: Float32Array, sampleRate}.`);
      if (c.samples.length === 0) throw new TrainingDataError("bad-shape", `Clip ${i} is empty: it holds no audio. Remove it or record it again.`);
    });
    const seed = job.seed ?? 42;
    const withBg = job.addBackground === false ? { clips, labels: job.labels, added: 0 } : withBackgroundClips(clips, job.labels, { seed, sampleRate: b.sampleRate });
    const keys = withBg.clips.map((_, i) => (i < clips.length ? job.cacheKeys?.[i] : `${BACKGROUND_LABEL}:${seed}:${i - clips.length}`));
    const features = await embedAll(id, { backboneId: job.backboneId, images: withBg.clips, cacheKeys: keys });
    const sampleIds = common.sampleIds && withBg.added ? [...common.sampleIds, ...Array.from({ length: withBg.added }, (_, j) => clips.length + j)] : common.sampleIds;
    const trained = await trainClassifierHead(
      { features, labels: withBg.labels },
      {
        ...common,
        sampleIds,
        scene: job.scene ?? "voice-commands",
        modelType: job.modelType ?? SPEECH_MODEL_TYPE,
        backbone: { id: b.id, package: b.package, version: b.version },
        architecture: job.architecture,
      },
    );
    return { ...trained, syntheticBackground: withBg.added };
  };

  const train = async (id: number, job: TrainJob): Promise<TrainedModel & { syntheticBackground?: number }> => {
    const controller = new AbortController();
    jobs.set(id, controller);
    try {
      await ensureBackend(modelTypeOfJob(job));
      let lastBatch = -Infinity;
      const onProgress = (progress: TrainingProgress) => {
        if (progress.phase === "batch") {
          const now = performance.now();
          if (now - lastBatch < interval && progress.batch !== progress.batchesPerEpoch) return;
          lastBatch = now;
        }
        post({ id, type: "progress", progress });
      };
      const checkpointKey = job.checkpointKey;
      const common: CommonTrainOptions = {
        scene: job.scene,
        preset: job.preset,
        hyperparams: job.hyperparams,
        seed: job.seed,
        datasetVersion: job.datasetVersion,
        sampleIds: job.sampleIds,
        resumeFrom: job.resumeFrom,
        signal: controller.signal,
        onProgress,
        onCheckpoint: checkpointKey
          ? async (bundle, info) => {
              try {
                await save({ key: checkpointKey, bundle, epoch: info.epoch, valAcc: info.valAcc });
                post({ id, type: "checkpoint", epoch: info.epoch, valAcc: info.valAcc, saved: true });
              } catch (e) {
                post({ id, type: "checkpoint", epoch: info.epoch, valAcc: info.valAcc, saved: false, error: String(e instanceof Error ? e.message : e) });
              }
            }
          : undefined,
      };
      switch (job.kind) {
        case "text":
          return await trainTextClassifier({ texts: job.texts, labels: job.labels }, { ...common, modelType: job.modelType, tokenizer: job.tokenizer, architecture: job.architecture });
        case "tabular":
          return await trainTabularModel(job.rows, { ...common, modelType: job.modelType, target: job.target, task: job.task, columns: job.columns, architecture: job.architecture });
        case "features":
          return await trainClassifierHead({ features: job.features, labels: job.labels }, { ...common, modelType: job.modelType, backbone: job.backbone, architecture: job.architecture });
        case "backbone-head": {
          if (job.clips) return await trainVoiceHead(id, job, job.clips, common);
          if (!job.images) throw new RequestError("bad-request", "A backbone-head job needs images (image backbone) or clips (audio backbone).");
          const images = job.images;
          const features = await embedAll(id, { backboneId: job.backboneId, images, cacheKeys: job.cacheKeys });
          const b = backbones.get(job.backboneId)!;
          const ref: BackboneRef = { id: b.id, package: b.package, version: b.version };
          // A user-supplied backbone goes inside every bundle (final and checkpoints), recorded with
          // how it ran; the head itself is trained on plain features as for MobileNetV2.
          const custom = isCustomBackbone(b) ? b : null;
          const embed = (bundle: Uint8Array) => embedBackbone(bundle, { ...ref, custom: custom!.spec }, custom!.packageBytes);
          const onCheckpoint = custom && common.onCheckpoint ? (bundle: Uint8Array, info: Parameters<NonNullable<CommonTrainOptions["onCheckpoint"]>>[1]) => common.onCheckpoint!(embed(bundle).bundle, info) : common.onCheckpoint;
          // Augmented views are embedded once too (cached like the originals), 16 pictures at a
          // time so at most 16 augmented pictures exist at once.
          const augment = async (trainSamples: readonly number[], views: number) => {
            const seed = job.seed ?? 42;
            const pairs = Array.from({ length: clampAugmentViews(views) }, (_, v) => trainSamples.map((s) => [s, v + 1] as const)).flat();
            const keyOf = (s: number, v: number) => (job.cacheKeys ? `${job.backboneId}\u0000${job.cacheKeys[s]}\u0000aug${v}:${seed}` : undefined);
            const vectors: Float32Array[] = new Array(pairs.length);
            const start = performance.now();
            for (let i = 0; i < pairs.length; i += 16) {
              const chunk = pairs.slice(i, i + 16).map(([s, v], k) => ({ s, v, at: i + k, key: keyOf(s, v) }));
              const todo = chunk.filter((c) => {
                const hit = c.key ? featureCache.get(c.key) : undefined;
                if (hit) vectors[c.at] = hit;
                return !hit;
              });
              if (todo.length) {
                const out = await b.embed(todo.map((c) => augmentImage(images[c.s], c.s, c.v, seed)));
                todo.forEach((c, k) => {
                  vectors[c.at] = out[k];
                  if (c.key) featureCache.set(c.key, out[k]);
                });
              }
              const done = Math.min(pairs.length, i + 16);
              post({ id, type: "progress", progress: { phase: "features", done, total: pairs.length, elapsedMs: performance.now() - start, augmented: true } });
            }
            return { features: vectors, source: pairs.map(([s]) => s) };
          };
          const trained = await trainClassifierHead(
            { features, labels: job.labels, augment },
            { ...common, onCheckpoint, modelType: job.modelType, backbone: ref, architecture: job.architecture, featureGroups: b.featureGroups },
          );
          if (!custom) return trained;
          const embedded = embed(trained.bundle);
          return { ...trained, bundle: embedded.bundle, manifest: embedded.manifest };
        }
        case "finetune": {
          const b = backbones.get(job.backboneId) as (Backbone<unknown> & Partial<FineTunableBackbone>) | undefined;
          if (!b) throw new RequestError("backbone-not-loaded", `Load the "${job.backboneId}" backbone first (load-backbone).`);
          if (typeof b.createFineTuneModel !== "function") throw new RequestError("bad-input", `The "${job.backboneId}" backbone cannot be fine-tuned.`);
          return await trainFineTunedMobileNet(
            { images: job.images, labels: job.labels },
            { ...common, backbone: b as FineTunableBackbone, architecture: job.architecture },
          );
        }
        case "small-cnn":
          return await trainSmallCnn({ images: job.images, labels: job.labels }, { ...common, imageSize: job.imageSize, channels: job.channels, architecture: job.architecture });
        case "faq":
          return await trainFaqRetriever(job.entries, { ...common, modelType: job.modelType, architecture: job.architecture, embeddingWeight: job.embeddingWeight });
        case "entities":
          return await trainEntityTagger(job.samples, { ...common, modelType: job.modelType, architecture: job.architecture });
        case "ratings":
          return await trainRecommender(job.ratings, { ...common, modelType: job.modelType, implicit: job.implicit, architecture: job.architecture });
        case "image-tags": {
          if (job.features) {
            return await trainTagHead({ features: job.features, tags: job.tags }, { ...common, modelType: job.modelType, backbone: job.backbone, architecture: job.architecture });
          }
          if (!job.backboneId || !job.images) throw new RequestError("bad-request", "An image-tags job needs either features or backboneId + images.");
          const features = await embedAll(id, { backboneId: job.backboneId, images: job.images, cacheKeys: job.cacheKeys });
          const b = backbones.get(job.backboneId)!;
          return await trainTagHead(
            { features, tags: job.tags },
            { ...common, modelType: job.modelType, backbone: { id: b.id, package: b.package, version: b.version }, architecture: job.architecture },
          );
        }
      }
    } finally {
      jobs.delete(id);
    }
  };

  const run = async (req: WorkerRequest): Promise<{ result: Commands[keyof Commands]["res"]; transfer?: Transferable[] }> => {
    switch (req.type) {
      case "check-backend": {
        forced = req.forced;
        backend = await choose({ forced, needsConvGradients: req.modelType ? modelNeedsConvGradients(req.modelType) : false });
        return { result: backend };
      }
      case "load-backbone": {
        const loader = getBackboneLoader(req.backboneId);
        if (!loader && !req.custom) {
          const known = registeredBackboneIds();
          throw new RequestError("backbone-not-registered", `No backbone "${req.backboneId}" is registered (registered: ${known.length ? known.join(", ") : "none"}).`);
        }
        await ensureBackend();
        const start = performance.now();
        const backbone =
          backbones.get(req.backboneId) ??
          (req.custom ? await loadCustom(req.id, req.backboneId, req.custom) : await loader!((progress) => post({ id: req.id, type: "backbone-progress", progress })));
        backbones.set(req.backboneId, backbone);
        return { result: { id: backbone.id, package: backbone.package, version: backbone.version, featureDim: backbone.featureDim, loadMs: performance.now() - start } };
      }
      case "probe-backbone": {
        await ensureBackend();
        return { result: await probeCustomBackbone(req.package, { contentHash: req.contentHash, settings: req.settings, wasmPaths }) };
      }
      case "warm-up": {
        const choice = await ensureBackend(req.modelType);
        const ms = await warmUpBackend({ conv: req.modelType ? modelNeedsConvGradients(req.modelType) : false });
        return { result: { ms, backend: choice.backend } };
      }
      case "train": {
        const trained = await train(req.id, req.job);
        await setPredictor(trained.bundle);
        const { bundle, manifest, history, bestEpoch, stoppedReason, trainingMs, split, syntheticBackground } = trained;
        return {
          result: { bundle, manifest, history, bestEpoch, stoppedReason, trainingMs, split, ...(syntheticBackground !== undefined ? { syntheticBackground } : {}) },
          transfer: [bundle.buffer],
        };
      }
      case "stop": {
        let stopped = 0;
        for (const [jobId, controller] of jobs) {
          if (req.jobId === undefined || req.jobId === jobId) {
            controller.abort();
            stopped++;
          }
        }
        return { result: { stopped } };
      }
      case "load-model": {
        await ensureBackend();
        const p = await setPredictor(req.bundle);
        return { result: { manifest: p.manifest } };
      }
      case "predict": {
        if (!predictor) throw new RequestError("no-model", "No model is loaded: train one or send load-model first.");
        const p = predictor;
        let predictions: Predictions;
        switch (p.task) {
          case "classification":
          case "retrieval":
          case "ranking":
            predictions = await p.predict(req.inputs, { topK: req.topK });
            break;
          default:
            predictions = await p.predict(req.inputs);
        }
        return { result: { predictions } };
      }
      case "unload-model": {
        const had = predictor !== null;
        predictor?.dispose();
        predictor = null;
        return { result: { unloaded: had } };
      }
      default:
        throw new RequestError("bad-request", `Unknown request type "${(req as { type: string }).type}".`);
    }
  };

  return async (req: WorkerRequest) => {
    if (typeof req !== "object" || req === null || typeof req.id !== "number" || typeof req.type !== "string") {
      post({ id: -1, type: "error", error: { code: "bad-request", message: "Malformed request." } });
      return;
    }
    try {
      const { result, transfer } = await run(req);
      post({ id: req.id, type: "result", result }, transfer);
    } catch (e) {
      post({ id: req.id, type: "error", error: toError(e) });
    }
  };
}

function toError(e: unknown): { code: ErrorCode; message: string } {
  if (e instanceof RequestError) return { code: e.code, message: e.message };
  if (e instanceof BundleError) return { code: "invalid-bundle", message: e.message };
  if (e instanceof CustomBackboneError) return { code: "bad-backbone", message: e.message };
  if (e instanceof TrainingDataError) return { code: "bad-data", message: e.message };
  if (e instanceof PredictorError) return { code: e.code === "disposed" ? "no-model" : e.code === "unknown-user" ? "unknown-user" : "bad-input", message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: "failed", message };
}

function isCustomBackbone(b: Backbone<unknown>): b is CustomImageBackbone {
  return "spec" in b && "packageBytes" in b;
}
