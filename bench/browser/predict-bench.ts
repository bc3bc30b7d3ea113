/**
 * Browser side of the in-browser prediction benchmark (bench/predict.bench.mjs). Bundled with
 * esbuild and loaded by the harness page (bench/support/harness.mjs), which also serves the two
 * model bundles under /bundles/, public/ (MobileNetV2, tfjs wasm binaries) and the sign-digits
 * pictures under /data/.
 *
 * It runs the app's own code: selectBackend (lib/ml/backend) with the backend forced,
 * loadMobileNetV2 with multi-scale features (lib/ml/backbones/mobilenet) and loadPredictor
 * (lib/ml/predictor), on the page's main thread (the app runs the same code in a module worker).
 * The Node side calls the steps through page.evaluate (window.predictBench), each with its own budget.
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend, type BackendChoice } from "../../lib/ml/backend";
import { loadMobileNetV2, MOBILENET_V2_URL, type MobileNetBackbone } from "../../lib/ml/backbones/mobilenet";
import { loadPredictor, type ClassifierPredictor, type Predictor } from "../../lib/ml/predictor";
import type { RawImage, TfBackendName } from "../../lib/ml/types";

const SIZE = 224;

const state: { text: ClassifierPredictor | null; image: ClassifierPredictor | null; backbone: MobileNetBackbone | null; images: RawImage[] } = {
  text: null,
  image: null,
  backbone: null,
  images: [],
};

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

async function fetchBytes(url: string): Promise<{ bytes: Uint8Array; ms: number }> {
  const started = performance.now();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${url} (${res.status})`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), ms: performance.now() - started };
}

function classifier(p: Predictor): ClassifierPredictor {
  if (p.task !== "classification") {
    p.dispose();
    throw new Error(`expected a classifier, got ${p.task}`);
  }
  return p;
}

interface Loaded {
  fetchMs: number;
  bundleBytes: number;
  /** loadPredictor: bundle parse + weights into tensors. */
  loadPredictorMs: number;
  /** The first predict() call (kernel compilation / shader builds happen here). */
  firstPredictionMs: number;
  first: { label: string; confidence: number };
}

/** Single-input predictions, one after the other; returns each latency in ms. */
async function timeLoop(predictor: ClassifierPredictor, inputs: readonly (string | RawImage)[], n: number, offset: number) {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const input = inputs[(offset + i) % inputs.length];
    const t = performance.now();
    const [p] = await predictor.predict([input], { topK: 3 });
    latencies.push(performance.now() - t);
    if (!p) throw new Error("no prediction");
  }
  return latencies;
}

const api = {
  async init(backend: TfBackendName): Promise<{ choice: BackendChoice; active: string; webgpuAdapter: string | null; crossOriginIsolated: boolean }> {
    tf.env().set("PROD", true);
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
    return { choice, active: tf.getBackend(), webgpuAdapter, crossOriginIsolated: self.crossOriginIsolated };
  },

  async loadText(url: string, firstInput: string): Promise<Loaded> {
    const { bytes, ms: fetchMs } = await fetchBytes(url);
    let t = performance.now();
    state.text = classifier(await loadPredictor(bytes));
    const loadPredictorMs = performance.now() - t;
    t = performance.now();
    const [p] = await state.text.predict([firstInput], { topK: 3 });
    const firstPredictionMs = performance.now() - t;
    return { fetchMs, bundleBytes: bytes.length, loadPredictorMs, firstPredictionMs, first: { label: p.label, confidence: p.confidence } };
  },

  async timeText(inputs: string[], n: number, offset = 0): Promise<number[]> {
    if (!state.text) throw new Error("load the text model first");
    return timeLoop(state.text, inputs, n, offset);
  },

  disposeText(): void {
    state.text?.dispose();
    state.text = null;
  },

  /** Decodes the input pictures (not timed as part of a prediction: the widget hands over a RawImage). */
  async decodeImages(urls: string[]): Promise<{ n: number; ms: number }> {
    const started = performance.now();
    state.images = await Promise.all(urls.map(decodeImage));
    return { n: state.images.length, ms: performance.now() - started };
  },

  async loadImage(url: string): Promise<Loaded & { backboneLoadMs: number; backbone: string }> {
    let t = performance.now();
    // No warm-up on zeros: the first prediction below pays for kernel compilation, as a visitor does.
    state.backbone = await loadMobileNetV2({ url: MOBILENET_V2_URL }, { features: "multiscale" });
    const backboneLoadMs = performance.now() - t;
    const { bytes, ms: fetchMs } = await fetchBytes(url);
    t = performance.now();
    state.image = classifier(await loadPredictor(bytes, { backbone: state.backbone }));
    const loadPredictorMs = performance.now() - t;
    t = performance.now();
    const [p] = await state.image.predict([state.images[0]], { topK: 3 });
    const firstPredictionMs = performance.now() - t;
    const b = state.backbone;
    return {
      backboneLoadMs,
      backbone: `${b.id} (${b.featureDim}-d, ${b.package}@${b.version})`,
      fetchMs,
      bundleBytes: bytes.length,
      loadPredictorMs,
      firstPredictionMs,
      first: { label: p.label, confidence: p.confidence },
    };
  },

  async timeImages(n: number, offset = 0): Promise<number[]> {
    if (!state.image) throw new Error("load the image model first");
    return timeLoop(state.image, state.images, n, offset);
  },

  memory(): { numTensors: number; numBytes: number } {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },
};

declare global {
  interface Window {
    predictBench: typeof api;
  }
}

window.predictBench = api;
console.log("[predict-bench] ready");
