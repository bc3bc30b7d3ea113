/**
 * Browser side of the sign-digits benchmark (bench/train.bench.mjs). Bundled with esbuild
 * (platform browser, format esm) and loaded by a bare harness page served from 127.0.0.1 with
 * public/ (MobileNetV2 weights, tfjs wasm binaries) and the dataset images.
 *
 * It uses the app's own code: backend selection (lib/ml/backend), the MobileNetV2 feature extractor
 * (lib/ml/backbones/mobilenet), the stratified split (lib/ml/split), the head trainer
 * (lib/ml/image/train-head) and the predictor (lib/ml/predictor). It runs on the page's main
 * thread (the app runs the same code in a module worker).
 *
 * The Node side calls the steps one by one through page.evaluate (window.imageBench), so each step
 * has its own time budget; progress goes to console.log.
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend, type BackendChoice } from "../../lib/ml/backend";
import { loadMobileNetV2, MOBILENET_V2_URL, type MobileNetBackbone } from "../../lib/ml/backbones/mobilenet";
import { trainClassifierHead } from "../../lib/ml/image/train-head";
import { augmentImage } from "../../lib/ml/image/augment";
import { loadPredictor } from "../../lib/ml/predictor";
import { stratifiedSplit } from "../../lib/ml/split";
import type { RawImage, TfBackendName } from "../../lib/ml/types";

const SIZE = 224;

interface State {
  images: RawImage[];
  labels: string[];
  train: number[];
  heldOut: number[];
  backbone: MobileNetBackbone | null;
  trainFeatures: Float32Array[] | null;
  heldOutFeatures: Float32Array[] | null;
}

const state: State = { images: [], labels: [], train: [], heldOut: [], backbone: null, trainFeatures: null, heldOutFeatures: null };
/** Features of augmented training pictures by "sample:view" (sample = index into state.train), as the worker caches them. */
const augCache = new Map<string, Float32Array>();

/** The head's augment callback: views of the given training samples, from augCache or embedded (and cached). */
async function augmentFromCache(trainSamples: readonly number[], views: number, seed: number): Promise<{ features: Float32Array[]; source: number[]; embedded: number; ms: number }> {
  const backbone = state.backbone;
  if (!backbone) throw new Error("load the backbone first");
  const started = performance.now();
  const pairs = Array.from({ length: views }, (_, v) => trainSamples.map((s) => [s, v + 1] as const)).flat();
  const todo = pairs.filter(([s, v]) => !augCache.has(`${s}:${v}`));
  for (let i = 0; i < todo.length; i += 16) {
    const chunk = todo.slice(i, i + 16);
    // Sample s of the head's data is training picture state.train[s].
    const out = await backbone.embed(chunk.map(([s, v]) => augmentImage(state.images[state.train[s]], state.train[s], v, seed)));
    chunk.forEach(([s, v], k) => augCache.set(`${s}:${v}`, out[k]));
    if (i % 320 === 0) console.log(`[image-bench] augmented: ${i + chunk.length}/${todo.length} embedded, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return { features: pairs.map(([s, v]) => augCache.get(`${s}:${v}`)!), source: pairs.map(([s]) => s), embedded: todo.length, ms: performance.now() - started };
}

/** Same decoding as components/training/prepare-job.ts: EXIF orientation, centre crop, 224x224 RGBA. */
async function decodeImage(url: string): Promise<RawImage> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${url} (${res.status})`);
  const bitmap = await createImageBitmap(await res.blob(), { imageOrientation: "from-image" });
  try {
    const canvas = new OffscreenCanvas(SIZE, SIZE);
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2d context");
    const side = Math.min(bitmap.width, bitmap.height);
    ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, SIZE, SIZE);
    return { width: SIZE, height: SIZE, channels: 4, data: ctx.getImageData(0, 0, SIZE, SIZE).data };
  } finally {
    bitmap.close();
  }
}

/** The worker's embedAll() order of work: chunks of 16 images, the backbone batches by 8 inside. */
async function embedIndices(indices: readonly number[], label: string): Promise<{ features: Float32Array[]; ms: number }> {
  const backbone = state.backbone;
  if (!backbone) throw new Error("load the backbone first");
  const started = performance.now();
  const features: Float32Array[] = [];
  let lastLog = started;
  for (let i = 0; i < indices.length; i += 16) {
    const chunk = indices.slice(i, i + 16).map((j) => state.images[j]);
    features.push(...(await backbone.embed(chunk)));
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      console.log(`[image-bench] ${label}: ${features.length}/${indices.length} embedded, ${((lastLog - started) / 1000).toFixed(0)} s`);
    }
  }
  return { features, ms: performance.now() - started };
}

async function heldOutAccuracy(bundle: Uint8Array): Promise<number> {
  const features = state.heldOutFeatures;
  if (!features) throw new Error("embed the held-out images first");
  const predictor = await loadPredictor(bundle, { batchSize: 128 });
  try {
    if (predictor.task !== "classification") throw new Error("not a classifier");
    const predictions = await predictor.predict(features);
    let correct = 0;
    predictions.forEach((p, i) => {
      if (p.label === state.labels[state.heldOut[i]]) correct++;
    });
    return correct / features.length;
  } finally {
    predictor.dispose();
  }
}

/** augmentFromCache as the head's augment callback, remembering how long it took and how many it embedded. */
function trackedAugment(seed: number) {
  const t = {
    ms: 0,
    embedded: 0,
    augment: async (trainSamples: readonly number[], views: number) => {
      const r = await augmentFromCache(trainSamples, views, seed);
      t.ms = r.ms;
      t.embedded = r.embedded;
      return r;
    },
  };
  return t;
}

function headOptions(epochs: number, seed: number, augmentViews = 0) {
  // Fixed number of epochs: no early stopping, no inner validation split (the 20% held-out part is
  // the evaluation set); the rest of the "balanced" image-head preset as the app uses it, and the
  // backbone's feature blocks as the worker passes them.
  return {
    preset: "balanced" as const,
    hyperparams: { epochs, patience: 0, validationFraction: 0, augmentViews },
    seed,
    featureGroups: state.backbone?.featureGroups,
  };
}

const api = {
  async init(backend: TfBackendName): Promise<{ choice: BackendChoice; active: string; userAgent: string; webgpuAdapter: string | null }> {
    const choice = await selectBackend({ forced: backend });
    let webgpuAdapter: string | null = null;
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
    if (gpu) {
      try {
        const adapter = await gpu.requestAdapter();
        const info = adapter?.info;
        webgpuAdapter = adapter ? [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(" / ") || "adapter (no info)" : null;
      } catch {
        webgpuAdapter = null;
      }
    }
    return { choice, active: tf.getBackend(), userAgent: navigator.userAgent, webgpuAdapter };
  },

  /** Decodes every image (list from the harness server) and makes the seeded stratified 80/20 split. */
  async loadImages(list: { url: string; label: string }[], seed: number): Promise<{ ms: number; n: number; train: number; heldOut: number }> {
    const started = performance.now();
    state.images = [];
    for (let i = 0; i < list.length; i += 32) {
      state.images.push(...(await Promise.all(list.slice(i, i + 32).map((x) => decodeImage(x.url)))));
    }
    state.labels = list.map((x) => x.label);
    const split = stratifiedSplit(state.labels, { validationFraction: 0.2, seed });
    state.train = split.train;
    state.heldOut = split.validation;
    return { ms: performance.now() - started, n: list.length, train: split.train.length, heldOut: split.validation.length };
  },

  async loadBackbone(features: "pooled" | "multiscale" | "midlevel" = "midlevel"): Promise<{ ms: number; version: string; id: string; featureDim: number }> {
    const started = performance.now();
    state.backbone = await loadMobileNetV2({ url: MOBILENET_V2_URL }, { warmUp: true, features });
    return { ms: performance.now() - started, version: `${state.backbone.package}@${state.backbone.version}`, id: state.backbone.id, featureDim: state.backbone.featureDim };
  },

  /** Embeds the first n training images (a speed probe, features discarded). */
  async probe(n: number): Promise<{ ms: number; n: number }> {
    const { features, ms } = await embedIndices(state.train.slice(0, n), "probe");
    return { ms, n: features.length };
  },

  async embedHeldOut(): Promise<{ ms: number; n: number }> {
    const { features, ms } = await embedIndices(state.heldOut, "held-out");
    state.heldOutFeatures = features;
    return { ms, n: features.length };
  },

  /** (a) the feature cache: embed the training images once, then train the head for `epochs` epochs. */
  async cached(
    epochs: number,
    seed: number,
  ): Promise<{ embedMs: number; n: number; headMs: number; epochsRun: number; accuracy: number; finalTrainAcc: number | null; finalTrainLoss: number | null }> {
    const { features, ms: embedMs } = await embedIndices(state.train, "train (cached run)");
    state.trainFeatures = features;
    const started = performance.now();
    const trained = await trainClassifierHead({ features, labels: state.train.map((i) => state.labels[i]) }, headOptions(epochs, seed));
    const headMs = performance.now() - started;
    const last = trained.history[trained.history.length - 1];
    return {
      embedMs,
      n: features.length,
      headMs,
      epochsRun: trained.history.length,
      accuracy: await heldOutAccuracy(trained.bundle),
      finalTrainAcc: last?.acc ?? null,
      finalTrainLoss: last?.loss ?? null,
    };
  },

  /**
   * (a') the feature cache with augmentation, as the Best accuracy preset does: the training
   * features from cached() plus `views` augmented copies of every training picture (augmentImage,
   * embedded once like the worker does, 16 at a time), then the head for `epochs` epochs.
   */
  async augmented(
    epochs: number,
    seed: number,
    views: number,
  ): Promise<{ views: number; augmentMs: number; copies: number; headMs: number; epochsRun: number; accuracy: number }> {
    const features = state.trainFeatures;
    const backbone = state.backbone;
    if (!features || !backbone) throw new Error("run cached() first");
    const aug = trackedAugment(seed);
    const started = performance.now();
    const trained = await trainClassifierHead({ features, labels: state.train.map((i) => state.labels[i]), augment: aug.augment }, headOptions(epochs, seed, views));
    const headMs = performance.now() - started - aug.ms;
    return { views, augmentMs: aug.ms, copies: aug.embedded, headMs, epochsRun: trained.history.length, accuracy: await heldOutAccuracy(trained.bundle) };
  },

  /**
   * (a'') a preset exactly as the Train tab runs it (its validation split, early stopping and
   * augmentation), on the cached training features; augmented copies come from augCache when
   * augmented() made them already (the worker caches them the same way).
   */
  async preset(preset: "fast" | "balanced" | "best", seed: number): Promise<{ preset: string; headMs: number; augmentMs: number; embedded: number; epochsRun: number; augmentViews: number; accuracy: number }> {
    const features = state.trainFeatures;
    if (!features) throw new Error("run cached() first");
    const aug = trackedAugment(seed);
    const started = performance.now();
    const trained = await trainClassifierHead({ features, labels: state.train.map((i) => state.labels[i]), augment: aug.augment }, { preset, seed, featureGroups: state.backbone?.featureGroups });
    return {
      preset,
      headMs: performance.now() - started - aug.ms,
      augmentMs: aug.ms,
      embedded: aug.embedded,
      epochsRun: trained.history.length,
      augmentViews: trained.manifest.training?.hyperparams.augmentViews ?? 0,
      accuracy: await heldOutAccuracy(trained.bundle),
    };
  },

  /**
   * (b) naive: every epoch embeds every training image again, then trains the head one epoch
   * (continuing from the previous epoch's weights through the trainer's resumeFrom). Runs `epochs`
   * epochs, or fewer when the next one would end after `budgetMs`.
   */
  async naive(epochs: number, seed: number, budgetMs: number): Promise<{ perEpoch: { embedMs: number; headMs: number }[]; accuracy: number | null }> {
    const started = performance.now();
    const perEpoch: { embedMs: number; headMs: number }[] = [];
    const labels = state.train.map((i) => state.labels[i]);
    let bundle: Uint8Array | undefined;
    for (let e = 1; e <= epochs; e++) {
      if (perEpoch.length) {
        const last = perEpoch[perEpoch.length - 1];
        if (performance.now() - started + last.embedMs + last.headMs > budgetMs) break;
      }
      const { features, ms: embedMs } = await embedIndices(state.train, `naive epoch ${e}`);
      const t = performance.now();
      const trained = await trainClassifierHead({ features, labels }, { ...headOptions(1, seed + e), resumeFrom: bundle });
      bundle = trained.bundle;
      perEpoch.push({ embedMs, headMs: performance.now() - t });
      console.log(`[image-bench] naive epoch ${e}: embed ${(embedMs / 1000).toFixed(1)} s, head ${(perEpoch[perEpoch.length - 1].headMs / 1000).toFixed(2)} s`);
    }
    return { perEpoch, accuracy: bundle ? await heldOutAccuracy(bundle) : null };
  },

  /** Diagnostics (not used by the benchmark tables): another head on the cached training features. */
  async head(options: {
    preset?: "fast" | "balanced" | "best";
    hyperparams?: Record<string, number>;
    architecture?: { hiddenUnits?: number; inputDropout?: number; dropout?: number };
    seed?: number;
  }): Promise<{ ms: number; epochsRun: number; bestEpoch: number | null; accuracy: number }> {
    const features = state.trainFeatures;
    if (!features) throw new Error("run cached() first");
    const started = performance.now();
    const trained = await trainClassifierHead({ features, labels: state.train.map((i) => state.labels[i]) }, { ...options, seed: options.seed ?? 42 });
    return { ms: performance.now() - started, epochsRun: trained.history.length, bestEpoch: trained.bestEpoch, accuracy: await heldOutAccuracy(trained.bundle) };
  },

  memory(): { numTensors: number; numBytes: number } {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },
};

declare global {
  interface Window {
    imageBench: typeof api;
  }
}

window.imageBench = api;
console.log("[image-bench] ready");
