/**
 * A user-supplied image backbone (model type "custom-backbone"): a tfjs layers or graph model, or
 * an ONNX model run with onnxruntime-web (WASM), whose output is used as features for a trained
 * head. Browser, worker and Node safe (no DOM or Node imports).
 *
 *   picture → RGB 0..255 → bilinear resize to the input size → (x / 255 − mean) / std per channel
 *   (a preset, see PIXEL_NORMALIZATIONS) → [n, h, w, 3] (tfjs, ONNX NHWC) or [n, 3, h, w] (ONNX
 *   NCHW) → the model's first output: [n, D] is used as it is; [n, h, w, C] (tfjs; ONNX with NHWC
 *   input) or [n, C, h, w] (ONNX with NCHW input) is averaged over its spatial axes → D features.
 *
 * The package (custom-package.ts) is loaded from bytes only; the spec recorded in bundles says how
 * it was run (input size, layout, normalisation, pooling, feature size), and loading with an
 * expected spec checks that the model still gives features of that shape.
 */
import * as tf from "@tensorflow/tfjs";
import { loadLayersModelGuarded } from "../guarded-load";
import { imageToTensor } from "./mobilenet";
import { getOrt, ORT_WASM_PATH, type OrtSession } from "./ort";
import {
  CUSTOM_BACKBONE_PACKAGE,
  DEFAULT_INPUT_SIDE,
  MAX_FEATURE_DIM,
  MAX_INPUT_SIDE,
  MIN_INPUT_SIDE,
  PIXEL_NORMALIZATIONS,
  customBackboneId,
  defaultNormalization,
  unpackBackbonePackage,
  type CustomBackboneFormat,
  type CustomBackboneSettings,
  type CustomBackboneSpec,
  type UnpackedBackbone,
} from "./custom-package";
import type { ImageBackbone, ImageLike, ProgressCallback } from "./types";

export type CustomBackboneProblemCode =
  | "load-failed"
  | "inputs-count"
  | "input-rank"
  | "input-channels"
  | "input-dtype"
  | "input-size"
  | "output-rank"
  | "feature-dim"
  | "run-failed"
  | "spec-mismatch";

/** Why a backbone cannot be used; `code` names the i18n message (backbone.problems.*). */
export class CustomBackboneError extends Error {
  constructor(
    readonly code: CustomBackboneProblemCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ""}`);
    this.name = "CustomBackboneError";
  }
}

export interface TensorSummary {
  name: string;
  /** null = dynamic (unknown until run). */
  shape: (number | null)[] | null;
  dtype: string;
}

export interface CustomBackboneInspection {
  format: CustomBackboneFormat;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  layout: "nhwc" | "nchw";
  /** The model's own input size; null where it is dynamic (the owner chooses it). */
  fixedHeight: number | null;
  fixedWidth: number | null;
  /** A fixed batch size (batches are padded to it), or null when any batch size runs. */
  fixedBatch: number | null;
  /** Input size and normalisation to start from. */
  defaults: CustomBackboneSettings;
}

export interface CustomImageBackbone extends ImageBackbone {
  readonly spec: CustomBackboneSpec;
  /** The package the backbone was loaded from (embedded in the bundles trained on it). */
  readonly packageBytes: Uint8Array;
  readonly inspection: CustomBackboneInspection;
}

export interface LoadCustomBackboneOptions {
  /** SHA-256 (hex) of the package: the server's blob id, or the bundle's record. */
  contentHash: string;
  /** Input size (when the model's is dynamic) and normalisation. */
  settings: CustomBackboneSettings;
  /** The spec a bundle recorded: loading fails unless the model still matches it. */
  expect?: CustomBackboneSpec;
  /** onnxruntime-web WASM files. Default "/vendor/ort/" (Node: ortDistDir()). */
  wasmPaths?: string;
  /** Images per forward pass (when the model's batch size is dynamic). Default 8. */
  batchSize?: number;
  onProgress?: ProgressCallback;
}

/* ------------------------------------------------------------------------------------------ */
/* Runners: one interface over tfjs layers, tfjs graph and ONNX models                        */

interface Runner {
  format: CustomBackboneFormat;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  /** Runs the first output on normalised NHWC input; returns the output and its shape. The caller keeps x. */
  run(x: tf.Tensor4D, layout: "nhwc" | "nchw"): Promise<{ data: Float32Array; shape: number[] }>;
  dispose(): void;
}

const dim = (d: unknown): number | null => (typeof d === "number" && Number.isInteger(d) && d > 0 ? d : null);
const shapeOf = (s: readonly unknown[] | null | undefined): (number | null)[] | null => (s ? s.map(dim) : null);

async function readFirst(out: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap): Promise<{ data: Float32Array; shape: number[] }> {
  const all = out instanceof tf.Tensor ? [out] : Array.isArray(out) ? out : Object.values(out);
  try {
    const y = all[0];
    if (!y) throw new Error("the model returned no output");
    return { data: Float32Array.from((await y.data()) as ArrayLike<number>), shape: y.shape.slice() };
  } finally {
    for (const t of all) t.dispose();
  }
}

type TfjsUnpacked = Exclude<UnpackedBackbone, { format: "onnx" }>;

function tfjsArtifacts(u: TfjsUnpacked): tf.io.ModelArtifacts {
  return { ...(u.model as unknown as tf.io.ModelArtifacts), weightSpecs: u.model.weightSpecs as unknown as tf.io.WeightsManifestEntry[], weightData: u.weightData };
}

async function openLayers(u: TfjsUnpacked): Promise<Runner> {
  const model = await loadLayersModelGuarded(tfjsArtifacts(u));
  return {
    format: "tfjs-layers",
    inputs: model.inputs.map((t) => ({ name: t.name, shape: shapeOf(t.shape), dtype: t.dtype })),
    outputs: model.outputs.map((t) => ({ name: t.name, shape: shapeOf(t.shape), dtype: t.dtype })),
    run: (x) => readFirst(model.predict(x)),
    dispose: () => model.dispose(),
  };
}

async function openGraph(u: TfjsUnpacked): Promise<Runner> {
  const model = await tf.loadGraphModel(tf.io.fromMemory(tfjsArtifacts(u)));
  // execute() refuses graphs with control flow or dynamic shapes; those need executeAsync().
  let useAsync = false;
  return {
    format: "tfjs-graph",
    inputs: model.inputs.map((t) => ({ name: t.name, shape: shapeOf(t.shape), dtype: t.dtype })),
    outputs: model.outputs.map((t) => ({ name: t.name, shape: shapeOf(t.shape), dtype: t.dtype })),
    async run(x) {
      if (!useAsync) {
        try {
          return await readFirst(model.execute(x));
        } catch (e) {
          if (!/executeAsync/.test(String(e instanceof Error ? e.message : e))) throw e;
          useAsync = true;
        }
      }
      return readFirst(await model.executeAsync(x));
    },
    dispose: () => model.dispose(),
  };
}

async function openOnnx(u: Extract<UnpackedBackbone, { format: "onnx" }>, wasmPaths: string): Promise<Runner> {
  const ort = await getOrt(wasmPaths);
  const session: OrtSession = await ort.InferenceSession.create(u.onnx, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  const meta = (list: readonly unknown[] | undefined, names: readonly string[]): TensorSummary[] =>
    names.map((name, i) => {
      const m = list?.[i] as { isTensor?: boolean; type?: string; shape?: readonly (number | string)[] } | undefined;
      return { name, shape: m?.isTensor && m.shape && m.shape.length ? shapeOf(m.shape) : null, dtype: m?.isTensor ? String(m.type) : "unknown" };
    });
  const s = session as OrtSession & { inputMetadata?: readonly unknown[]; outputMetadata?: readonly unknown[] };
  // onnxruntime sessions are not re-entrant: runs are serialised.
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  return {
    format: "onnx",
    inputs: meta(s.inputMetadata, session.inputNames),
    outputs: meta(s.outputMetadata, session.outputNames),
    async run(x, layout) {
      const input = layout === "nchw" ? tf.transpose(x, [0, 3, 1, 2]) : x;
      const data = Float32Array.from((await input.data()) as ArrayLike<number>);
      const dims = input.shape.slice();
      if (input !== x) input.dispose();
      const job = async () => {
        if (disposed) throw new Error("The backbone is disposed");
        const out = (await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", data, dims) }))[session.outputNames[0]];
        try {
          if (out.type !== "float32") throw new Error(`its output is ${out.type}, not float32`);
          return { data: Float32Array.from(out.data as Float32Array), shape: out.dims.map(Number) };
        } finally {
          out.dispose();
        }
      };
      const next = queue.then(job, job);
      queue = next.catch(() => undefined);
      return next;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      void queue.finally(() => session.release()).catch(() => undefined);
    },
  };
}

async function openRunner(pkg: Uint8Array, wasmPaths: string): Promise<Runner> {
  let u: UnpackedBackbone;
  try {
    u = unpackBackbonePackage(pkg);
  } catch (e) {
    throw new CustomBackboneError("load-failed", { reason: (e as Error).message });
  }
  try {
    if (u.format === "onnx") return await openOnnx(u, wasmPaths);
    if (u.format === "tfjs-graph") return await openGraph(u);
    return await openLayers(u);
  } catch (e) {
    throw new CustomBackboneError("load-failed", { reason: String(e instanceof Error ? e.message : e).slice(0, 300) });
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Inspection: input layout, fixed sizes                                                       */

function inspect(runner: Runner): CustomBackboneInspection {
  const { inputs, outputs, format } = runner;
  if (inputs.length !== 1) throw new CustomBackboneError("inputs-count", { count: inputs.length });
  const input = inputs[0];
  if (input.dtype !== "float32" && input.dtype !== "unknown") throw new CustomBackboneError("input-dtype", { dtype: input.dtype });
  const shape = input.shape;
  if (shape && shape.length !== 4) throw new CustomBackboneError("input-rank", { shape: `[${shape.map((d) => d ?? "?").join(", ")}]` });
  const s = shape ?? [null, null, null, null];
  let layout: "nhwc" | "nchw";
  if (format !== "onnx") {
    // tfjs models are channels-last.
    if (s[3] !== null && s[3] !== 3) throw new CustomBackboneError("input-channels", { shape: `[${s.map((d) => d ?? "?").join(", ")}]` });
    layout = "nhwc";
  } else if (s[3] === 3 && s[1] !== 3) layout = "nhwc";
  else if (s[1] === 3 || s[1] === null) layout = "nchw"; // ONNX's convention when it cannot be told
  else throw new CustomBackboneError("input-channels", { shape: `[${s.map((d) => d ?? "?").join(", ")}]` });
  const [fixedHeight, fixedWidth] = layout === "nhwc" ? [s[1], s[2]] : [s[2], s[3]];
  return {
    format,
    inputs,
    outputs,
    layout,
    fixedHeight,
    fixedWidth,
    fixedBatch: s[0],
    defaults: {
      inputHeight: fixedHeight ?? fixedWidth ?? DEFAULT_INPUT_SIDE,
      inputWidth: fixedWidth ?? fixedHeight ?? DEFAULT_INPUT_SIDE,
      normalization: defaultNormalization(format),
    },
  };
}

/** Checks the owner's settings against the model (fixed sides must be kept; sides within limits). */
function checkSettings(inspection: CustomBackboneInspection, settings: CustomBackboneSettings): void {
  const { inputHeight: h, inputWidth: w } = settings;
  const ok = (v: number) => Number.isInteger(v) && v >= MIN_INPUT_SIDE && v <= MAX_INPUT_SIDE;
  if (!ok(h) || !ok(w) || (inspection.fixedHeight !== null && inspection.fixedHeight !== h) || (inspection.fixedWidth !== null && inspection.fixedWidth !== w)) {
    throw new CustomBackboneError("input-size", {
      height: h,
      width: w,
      fixedHeight: inspection.fixedHeight ?? "?",
      fixedWidth: inspection.fixedWidth ?? "?",
      min: MIN_INPUT_SIDE,
      max: MAX_INPUT_SIDE,
    });
  }
  if (!(settings.normalization in PIXEL_NORMALIZATIONS)) throw new CustomBackboneError("spec-mismatch", { reason: `unknown normalisation ${settings.normalization}` });
}

/** Output [n, D] → rows; [n, h, w, C] / [n, C, h, w] → spatial means. */
function poolOutput(data: Float32Array, shape: readonly number[], layout: "nhwc" | "nchw"): { vectors: Float32Array[]; pooling: CustomBackboneSpec["pooling"] } {
  const n = shape[0];
  if (shape.length === 2) {
    const d = shape[1];
    return { pooling: "none", vectors: Array.from({ length: n }, (_, i) => data.slice(i * d, (i + 1) * d)) };
  }
  if (shape.length === 4) {
    const [h, w, c] = layout === "nhwc" ? [shape[1], shape[2], shape[3]] : [shape[2], shape[3], shape[1]];
    const per = h * w * c;
    const vectors = Array.from({ length: n }, (_, i) => {
      const out = new Float32Array(c);
      const base = i * per;
      if (layout === "nhwc") {
        for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) out[k] += data[base + p * c + k];
      } else {
        for (let k = 0; k < c; k++) {
          let sum = 0;
          for (let p = 0; p < h * w; p++) sum += data[base + k * h * w + p];
          out[k] = sum;
        }
      }
      for (let k = 0; k < c; k++) out[k] /= h * w;
      return out;
    });
    return { pooling: "global-average", vectors };
  }
  throw new CustomBackboneError("output-rank", { shape: `[${shape.join(", ")}]` });
}

/** Pixels 0..255 [n, h, w, 3] → resized and normalised float input (NHWC). Does not dispose its input. */
export function normalizePixels(pixels: tf.Tensor4D, settings: CustomBackboneSettings): tf.Tensor4D {
  const { mean, std } = PIXEL_NORMALIZATIONS[settings.normalization];
  return tf.tidy(() => {
    let x = tf.cast(pixels, "float32") as tf.Tensor4D;
    if (x.shape[1] !== settings.inputHeight || x.shape[2] !== settings.inputWidth) {
      x = tf.image.resizeBilinear(x, [settings.inputHeight, settings.inputWidth], false, true);
    }
    const scale = tf.tensor1d(std.map((s) => 1 / (255 * s)));
    const shift = tf.tensor1d(mean.map((m, i) => m / std[i]));
    return tf.sub(tf.mul(x, scale), shift) as tf.Tensor4D;
  });
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

/** Loads the package with the owner's settings; measures the feature size with one run on zeros. */
export async function loadCustomBackbone(pkg: Uint8Array, options: LoadCustomBackboneOptions): Promise<CustomImageBackbone> {
  const { settings, onProgress } = options;
  onProgress?.({ stage: "compile", loadedBytes: pkg.byteLength, totalBytes: pkg.byteLength });
  const runner = await openRunner(pkg, options.wasmPaths ?? ORT_WASM_PATH);
  try {
    const inspection = inspect(runner);
    checkSettings(inspection, settings);
    const { layout } = inspection;
    const chunk = inspection.fixedBatch ?? Math.max(1, Math.floor(options.batchSize ?? 8));
    const forward = async (x: tf.Tensor4D, count: number) => {
      let out: { data: Float32Array; shape: number[] };
      try {
        out = await runner.run(x, layout);
      } catch (e) {
        if (e instanceof CustomBackboneError) throw e;
        throw new CustomBackboneError("run-failed", { reason: String(e instanceof Error ? e.message : e).slice(0, 300) });
      }
      if (out.shape[0] !== x.shape[0]) throw new CustomBackboneError("output-rank", { shape: `[${out.shape.join(", ")}]` });
      const pooled = poolOutput(out.data, out.shape, layout);
      return { pooling: pooled.pooling, vectors: pooled.vectors.slice(0, count) };
    };

    onProgress?.({ stage: "warm-up", loadedBytes: pkg.byteLength, totalBytes: pkg.byteLength });
    const zeros = tf.zeros([chunk, settings.inputHeight, settings.inputWidth, 3]) as tf.Tensor4D;
    let probe: Awaited<ReturnType<typeof forward>>;
    try {
      probe = await forward(zeros, 1);
    } finally {
      zeros.dispose();
    }
    const featureDim = probe.vectors[0].length;
    if (featureDim < 1 || featureDim > MAX_FEATURE_DIM) throw new CustomBackboneError("feature-dim", { dim: featureDim, limit: MAX_FEATURE_DIM });
    const spec: CustomBackboneSpec = {
      format: runner.format,
      contentHash: options.contentHash,
      byteLength: pkg.byteLength,
      inputHeight: settings.inputHeight,
      inputWidth: settings.inputWidth,
      normalization: settings.normalization,
      layout,
      pooling: probe.pooling,
      featureDim,
    };
    const e = options.expect;
    if (e) {
      const differs = (Object.keys(spec) as (keyof CustomBackboneSpec)[]).filter((k) => spec[k] !== e[k]);
      if (differs.length) throw new CustomBackboneError("spec-mismatch", { reason: differs.map((k) => `${k}: ${String(e[k])} → ${String(spec[k])}`).join("; ") });
    }

    let disposed = false;
    /** Embeds `n` images; `prepare` returns pixels 0..255 [count, h, w, 3] for a chunk (disposed here). */
    const embedBatches = async (n: number, prepare: (start: number, count: number) => tf.Tensor4D): Promise<Float32Array[]> => {
      if (disposed) throw new Error("The backbone is disposed");
      const result: Float32Array[] = [];
      for (let start = 0; start < n; start += chunk) {
        const count = Math.min(chunk, n - start);
        const x = tf.tidy(() => {
          const pixels = prepare(start, count);
          const input = normalizePixels(pixels, settings);
          // A fixed batch size: the last chunk is padded with zeros.
          return count < chunk ? (tf.concat([input, tf.zeros([chunk - count, settings.inputHeight, settings.inputWidth, 3])]) as tf.Tensor4D) : input;
        });
        try {
          result.push(...(await forward(x, count)).vectors);
        } finally {
          x.dispose();
        }
      }
      for (const v of result) if (v.length !== featureDim) throw new CustomBackboneError("output-rank", { shape: `[${v.length}]` });
      return result;
    };

    const backbone: CustomImageBackbone = {
      kind: "image",
      id: customBackboneId(spec),
      package: CUSTOM_BACKBONE_PACKAGE,
      version: options.contentHash.slice(0, 12),
      featureDim,
      inputSize: settings.inputHeight,
      spec,
      packageBytes: pkg,
      inspection,
      embed(images: readonly ImageLike[]) {
        return embedBatches(images.length, (start, count) =>
          tf.stack(images.slice(start, start + count).map((img) => {
            const t = imageToTensor(img);
            // Pictures of different sizes go to the input size one by one.
            const r = t.shape[0] === settings.inputHeight && t.shape[1] === settings.inputWidth ? t : tf.image.resizeBilinear(tf.cast(t, "float32"), [settings.inputHeight, settings.inputWidth], false, true);
            return tf.cast(r, "float32");
          })) as tf.Tensor4D,
        );
      },
      async embedPixels(pixels) {
        if (pixels.rank !== 4 || pixels.shape[3] !== 3) throw new Error(`embedPixels: expected a [n, h, w, 3] tensor, got [${pixels.shape.join(", ")}]`);
        return embedBatches(pixels.shape[0], (start, count) => tf.slice(pixels, [start, 0, 0, 0], [count, -1, -1, -1]));
      },
      dispose() {
        if (disposed) return;
        disposed = true;
        runner.dispose();
      },
    };
    return backbone;
  } catch (e) {
    runner.dispose();
    throw e;
  }
}

/** Loads the package and reports its input layout and sizes, without running it. */
export async function inspectCustomBackbone(pkg: Uint8Array, options: { wasmPaths?: string } = {}): Promise<CustomBackboneInspection> {
  const runner = await openRunner(pkg, options.wasmPaths ?? ORT_WASM_PATH);
  try {
    return inspect(runner);
  } finally {
    runner.dispose();
  }
}

export interface CustomBackboneProbe {
  /** Null when the model could not even be loaded. */
  inspection: CustomBackboneInspection | null;
  settings: CustomBackboneSettings | null;
  /** Set when the test run succeeded. */
  spec: CustomBackboneSpec | null;
  loadMs: number;
  /** One picture through the backbone, after a warm-up run. */
  runMs: number | null;
  problem: { code: CustomBackboneProblemCode; params: Record<string, string | number> } | null;
}

/** A grey-to-colour gradient test picture (224 × 224 RGB). */
function testPicture(): { width: number; height: number; channels: 3; data: Uint8Array } {
  const size = 224;
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set([x, y, (x + y) >> 1], (y * size + x) * 3);
  return { width: size, height: size, channels: 3, data };
}

/**
 * What the backbone panel shows after an upload: input layout and sizes, then a test run with the
 * owner's settings (or the defaults): feature size and time per picture. Problems are reported,
 * not thrown.
 */
export async function probeCustomBackbone(
  pkg: Uint8Array,
  options: { contentHash: string; settings?: CustomBackboneSettings; wasmPaths?: string },
): Promise<CustomBackboneProbe> {
  const started = performance.now();
  let inspection: CustomBackboneInspection | null = null;
  let settings: CustomBackboneSettings | null = options.settings ?? null;
  const problem = (e: unknown): CustomBackboneProbe["problem"] =>
    e instanceof CustomBackboneError ? { code: e.code, params: e.params } : { code: "run-failed", params: { reason: String(e instanceof Error ? e.message : e).slice(0, 300) } };
  try {
    inspection = await inspectCustomBackbone(pkg, { wasmPaths: options.wasmPaths });
    settings ??= inspection.defaults;
  } catch (e) {
    return { inspection, settings, spec: null, loadMs: performance.now() - started, runMs: null, problem: problem(e) };
  }
  let backbone: CustomImageBackbone | null = null;
  try {
    backbone = await loadCustomBackbone(pkg, { contentHash: options.contentHash, settings, wasmPaths: options.wasmPaths });
    const loadMs = performance.now() - started;
    const picture = testPicture();
    const t0 = performance.now();
    await backbone.embed([picture]);
    return { inspection, settings, spec: backbone.spec, loadMs, runMs: performance.now() - t0, problem: null };
  } catch (e) {
    return { inspection, settings, spec: null, loadMs: performance.now() - started, runMs: null, problem: problem(e) };
  } finally {
    backbone?.dispose();
  }
}
