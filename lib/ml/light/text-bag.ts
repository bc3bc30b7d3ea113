import type { BundleManifest } from "../bundle";
import type { ClassifierPredictor } from "../predictor";
import { PredictorError } from "../errors";
import { tokenizeBag, type BagTokenizerConfig } from "../text/tokenizer";

/*
 * The n-gram bag text classifier without tfjs: an embedding bag and one or two dense layers are a
 * few loops over Float32Arrays. Same bundle, same outputs as lib/ml/predictor.ts within float32
 * rounding (light.test.ts checks 1e-5 on trained models); about a hundredth of tfjs's per-call
 * cost, which on the server is most of an API call's time. Only topologies this code knows are
 * taken (lightTextBagPredictor returns null otherwise, and the caller uses tfjs).
 */

interface Dense {
  kernel: Float32Array; // [inputs, units], row-major
  bias: Float32Array | null;
  inputs: number;
  units: number;
  relu: boolean;
}

export interface LightArtifacts {
  modelTopology: unknown;
  weightSpecs: { name: string; shape: number[]; dtype: string }[];
  weightData: ArrayBuffer;
}

type LayerJson = { class_name?: string; className?: string; config: Record<string, unknown> };

function sequentialLayers(topology: unknown): LayerJson[] | null {
  const t = topology as { class_name?: string; config?: { layers?: LayerJson[] } | LayerJson[] };
  if (t?.class_name !== "Sequential") return null;
  const layers = Array.isArray(t.config) ? t.config : t.config?.layers;
  return Array.isArray(layers) ? layers : null;
}

function weightsByName(a: LightArtifacts): Map<string, { shape: number[]; values: Float32Array }> | null {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const spec of a.weightSpecs) {
    if (spec.dtype !== "float32") return null;
    const n = spec.shape.reduce((x, y) => x * y, 1);
    if (offset + n * 4 > a.weightData.byteLength) return null;
    out.set(spec.name, { shape: spec.shape, values: new Float32Array(a.weightData.slice(offset, offset + n * 4)) });
    offset += n * 4;
  }
  return out;
}

/**
 * A classifier for an "ngram-bag" text bundle (EmbeddingBag → Dropout → [Dense relu] → Dense →
 * softmax), or null when the bundle is anything else.
 */
export function lightTextBagPredictor(manifest: BundleManifest, artifacts: LightArtifacts): ClassifierPredictor | null {
  if (manifest.task !== "classification" || manifest.preprocessing.kind !== "text-bag") return null;
  const tokenizer = manifest.preprocessing.tokenizer as BagTokenizerConfig;
  const layers = sequentialLayers(artifacts.modelTopology);
  const weights = weightsByName(artifacts);
  if (!layers || !weights) return null;

  let table: Float32Array | null = null;
  let dim = 0;
  let combiner: "mean" | "sqrtn" = "mean";
  const dense: Dense[] = [];
  let softmax = false;
  for (const layer of layers) {
    const cls = layer.class_name ?? layer.className;
    const name = String(layer.config.name);
    if (cls === "AimsEmbeddingBag") {
      if (table || dense.length) return null;
      const w = weights.get(`${name}/embeddings`);
      if (!w || w.shape.length !== 2 || w.shape[0] !== tokenizer.buckets) return null;
      const c = layer.config.combiner;
      if (c !== "mean" && c !== "sqrtn") return null;
      combiner = c;
      table = w.values;
      dim = w.shape[1];
    } else if (cls === "Dropout") {
      continue; // identity when predicting
    } else if (cls === "Dense") {
      const activation = layer.config.activation ?? "linear";
      if (activation !== "linear" && activation !== "relu") return null;
      const kernel = weights.get(`${name}/kernel`);
      const bias = weights.get(`${name}/bias`) ?? null;
      const inputs = dense.length ? dense[dense.length - 1].units : dim;
      if (!kernel || kernel.shape[0] !== inputs || softmax) return null;
      const units = kernel.shape[1];
      if (bias && (bias.shape.length !== 1 || bias.shape[0] !== units)) return null;
      dense.push({ kernel: kernel.values, bias: bias?.values ?? null, inputs, units, relu: activation === "relu" });
    } else if (cls === "Activation" && layer.config.activation === "softmax") {
      softmax = true;
    } else {
      return null;
    }
  }
  const labels = manifest.labels;
  if (!table || dense.length === 0 || !softmax || dense[dense.length - 1].units !== labels.length) return null;
  const embeddings = table;

  const probabilities = (text: string): Float32Array => {
    const ids = tokenizeBag(text, tokenizer);
    let x = new Float32Array(dim);
    for (let t = 0; t < ids.length; t++) {
      const row = ids[t] * dim;
      for (let j = 0; j < dim; j++) x[j] += embeddings[row + j];
    }
    if (ids.length > 0) {
      const denom = combiner === "mean" ? ids.length : Math.sqrt(ids.length);
      for (let j = 0; j < dim; j++) x[j] = Math.fround(x[j] / denom);
    }
    for (const d of dense) {
      const y = new Float32Array(d.units);
      if (d.bias) y.set(d.bias);
      for (let i = 0; i < d.inputs; i++) {
        const xi = x[i];
        if (xi === 0) continue;
        const row = i * d.units;
        for (let j = 0; j < d.units; j++) y[j] += xi * d.kernel[row + j];
      }
      if (d.relu) for (let j = 0; j < d.units; j++) if (y[j] < 0) y[j] = 0;
      x = y;
    }
    let max = -Infinity;
    for (let j = 0; j < x.length; j++) if (x[j] > max) max = x[j];
    let sum = 0;
    const p = new Float32Array(x.length);
    for (let j = 0; j < x.length; j++) sum += p[j] = Math.exp(x[j] - max);
    for (let j = 0; j < x.length; j++) p[j] /= sum;
    return p;
  };

  let disposed = false;
  const check = (inputs: readonly unknown[]) => {
    if (disposed) throw new PredictorError("disposed", "This predictor was disposed.");
    inputs.forEach((x, i) => {
      if (typeof x !== "string") throw new PredictorError("bad-input", `Input ${i}: expected a string for a ${manifest.modelType} model.`);
    });
  };
  const predictProbabilities = async (inputs: readonly unknown[]) => {
    check(inputs);
    return inputs.map((x) => probabilities(x as string));
  };
  return {
    manifest,
    inputKind: "text",
    task: "classification",
    labels,
    predictProbabilities,
    async predict(inputs, opts = {}) {
      const k = labels.length;
      const topK = Math.max(1, Math.min(opts.topK ?? 5, k));
      return (await predictProbabilities(inputs)).map((probs) => {
        const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b);
        const top = order.slice(0, topK).map((c) => ({ label: labels[c], confidence: probs[c] }));
        return { label: top[0].label, confidence: top[0].confidence, topK: top };
      });
    },
    dispose() {
      disposed = true;
    },
  };
}
