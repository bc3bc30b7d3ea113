/**
 * Loads a model bundle and runs it: the same code in the worker, on the main thread (playground,
 * share page, embed widget) and in Node (REST API). Bundles are read from bytes only: no file
 * system, no network.
 *
 * Tensor ownership: the predictor owns its model; every predict() call disposes all tensors it
 * creates before it resolves. Call dispose() when done.
 */
import * as tf from "@tensorflow/tfjs";
import { loadLayersModelGuarded } from "./guarded-load";
import "./layers"; // registers custom layers before any model is loaded
import { decodeBundle, type BundleManifest, type Preprocessing } from "./bundle";
import type { Backbone } from "./backbone";
import type { AudioClip } from "./backbones/types";
import { isAudioClip } from "./voice/clip";
import { imagesToTensor, isRawImage } from "./image/preprocess";
import { encodeRowInto } from "./tabular/preprocess";
import { tokenizeBag, tokenizeSequence } from "./text/tokenizer";
import { PredictorError } from "./errors";
import { createRetrievalRuntime, type ScoreComponents } from "./faq/retriever";
import { createEntityRuntime, type TagProbabilities } from "./entities/runtime";
import { createRecommenderRuntime, type RecommendOptions } from "./recommend/runtime";
import type {
  ClassPrediction,
  EntityPrediction,
  RawImage,
  Recommendation,
  RecommendQuery,
  RegressionPrediction,
  RetrievalPrediction,
  TabularRow,
  TagPrediction,
} from "./types";

/**
 * text → string; tabular → row object; features → Float32Array; image → RawImage; voice →
 * AudioClip (mono samples in [-1, 1] at any rate); recommendation → RecommendQuery.
 */
export type PredictorInput = string | TabularRow | Float32Array | RawImage | AudioClip | RecommendQuery;

export { PredictorError, type PredictorErrorCode } from "./errors";

export interface LoadPredictorOptions {
  /**
   * Needed to predict from images or audio clips when the bundle was trained on backbone features.
   * A bundle on a user-supplied backbone embeds it: without this option it is loaded from the
   * bundle (and disposed with the predictor), unless loadEmbeddedBackbone is false.
   */
  backbone?: Backbone<unknown>;
  /** Default true. False: predict from feature vectors only (no backbone is loaded). */
  loadEmbeddedBackbone?: boolean;
  /** onnxruntime-web WASM files for an embedded ONNX backbone. Default "/vendor/ort/" (Node: ortDistDir()). */
  ortWasmPaths?: string;
  /**
   * Loads an embedded backbone. Default: ./backbones/custom, imported when first needed (so the
   * browser downloads tfjs-converter and onnxruntime only for such models). Node callers pass it in.
   */
  loadCustomBackbone?: (typeof import("./backbones/custom"))["loadCustomBackbone"];
  /** Inputs per forward pass (bounds memory). Default 64. */
  batchSize?: number;
}

interface PredictorBase {
  readonly manifest: BundleManifest;
  /** What predict() accepts. */
  readonly inputKind: "text" | "tabular" | "features" | "image" | "ids";
  dispose(): void;
}

export interface ClassifierPredictor extends PredictorBase {
  readonly task: "classification";
  readonly labels: readonly string[];
  predict(inputs: readonly PredictorInput[], options?: { topK?: number }): Promise<ClassPrediction[]>;
  /** Softmax probabilities per input, in label order. */
  predictProbabilities(inputs: readonly PredictorInput[]): Promise<Float32Array[]>;
}

export interface RegressorPredictor extends PredictorBase {
  readonly task: "regression";
  predict(inputs: readonly PredictorInput[]): Promise<RegressionPrediction[]>;
  /** Predictions in target units. */
  predictValues(inputs: readonly PredictorInput[]): Promise<Float32Array>;
}

/** FAQ retrieval. predict(questions, {topK}) = retrieve(questions, {related: topK ?? 3}). */
export interface RetrieverPredictor extends PredictorBase {
  readonly task: "retrieval";
  retrieve(questions: readonly string[], options?: { related?: number }): Promise<RetrievalPrediction[]>;
  predict(inputs: readonly PredictorInput[], options?: { topK?: number }): Promise<RetrievalPrediction[]>;
  /** Cosine and normalised BM25 per entry (for evaluation and explanations). */
  scoreComponents(questions: readonly string[]): Promise<ScoreComponents>;
}

/** Entity extraction. predict = extract. */
export interface EntityPredictor extends PredictorBase {
  readonly task: "entities";
  /** Entity types, sorted. */
  readonly types: readonly string[];
  extract(texts: readonly string[]): Promise<EntityPrediction[]>;
  predict(inputs: readonly PredictorInput[]): Promise<EntityPrediction[]>;
  /** Tokens with offsets and per-token tag probabilities ([tokens x labels]), before decoding. */
  tagProbabilities(texts: readonly string[]): Promise<TagProbabilities[]>;
}

/** Recommendation. predict(queries, {topK}) = recommend(queries, {topN: topK ?? 10}). */
export interface RecommenderPredictor extends PredictorBase {
  readonly task: "ranking";
  readonly users: readonly string[];
  readonly items: readonly string[];
  recommend(queries: readonly RecommendQuery[], options?: RecommendOptions): Promise<Recommendation[]>;
  predict(inputs: readonly PredictorInput[], options?: { topK?: number }): Promise<Recommendation[]>;
  /** Predicted rating (explicit) or preference score (implicit) of known user/item pairs. */
  predictRatings(pairs: readonly { user: string; item: string }[]): Promise<Float32Array>;
}

/** Multi-label tagging. predict = predictTags. */
export interface TaggerPredictor extends PredictorBase {
  readonly task: "multi-label";
  readonly labels: readonly string[];
  /** Per-tag thresholds tuned on validation data, in label order. */
  readonly thresholds: readonly number[];
  predictTags(inputs: readonly PredictorInput[]): Promise<TagPrediction[]>;
  predict(inputs: readonly PredictorInput[]): Promise<TagPrediction[]>;
  /** Sigmoid scores per input, in label order. */
  predictProbabilities(inputs: readonly PredictorInput[]): Promise<Float32Array[]>;
}

export type Predictor = ClassifierPredictor | RegressorPredictor | RetrieverPredictor | EntityPredictor | RecommenderPredictor | TaggerPredictor;

/** What a model with this preprocessing takes as input (readable from the manifest alone). */
export function inputKindOf(p: Preprocessing): PredictorBase["inputKind"] {
  switch (p.kind) {
    case "text-bag":
    case "text-sequence":
    case "faq":
    case "token-features":
      return "text";
    case "ids":
      return "ids";
    case "tabular":
      return "tabular";
    case "features":
      return "features";
    case "image":
      return "image";
  }
}

/**
 * Builds the model input tensor for a chunk of inputs. Exported for the trainers, which evaluate
 * the saved model through exactly this path.
 */
export async function inputsToTensor(
  inputs: readonly PredictorInput[],
  manifest: BundleManifest,
  backbone?: Backbone<unknown>,
): Promise<tf.Tensor> {
  const p = manifest.preprocessing;
  const bad = (i: number, expected: string) => new PredictorError("bad-input", `Input ${i}: expected ${expected} for a ${manifest.modelType} model.`);
  switch (p.kind) {
    case "text-bag": {
      const ids = inputs.map((x, i) => {
        if (typeof x !== "string") throw bad(i, "a string");
        return tokenizeBag(x, p.tokenizer);
      });
      const len = Math.max(1, ...ids.map((a) => a.length));
      const flat = new Int32Array(ids.length * len);
      ids.forEach((a, i) => flat.set(a, i * len));
      return tf.tensor2d(flat, [ids.length, len], "int32");
    }
    case "text-sequence": {
      const len = p.tokenizer.maxLength;
      const flat = new Int32Array(inputs.length * len);
      inputs.forEach((x, i) => {
        if (typeof x !== "string") throw bad(i, "a string");
        flat.set(tokenizeSequence(x, p.tokenizer), i * len);
      });
      return tf.tensor2d(flat, [inputs.length, len], "int32");
    }
    case "tabular": {
      const dim = p.tabular.featureDim;
      const flat = new Float32Array(inputs.length * dim);
      inputs.forEach((x, i) => {
        if (typeof x !== "object" || x === null || x instanceof Float32Array || isRawImage(x)) throw bad(i, "a row object {column: value}");
        encodeRowInto(x as TabularRow, p.tabular, flat, i * dim);
      });
      return tf.tensor2d(flat, [inputs.length, dim]);
    }
    case "features": {
      const dim = p.featureDim;
      let vectors: Float32Array[];
      if (inputs.every((x) => x instanceof Float32Array)) {
        vectors = inputs as Float32Array[];
      } else if (inputs.every((x) => isRawImage(x)) || inputs.every((x) => isAudioClip(x))) {
        const what = isAudioClip(inputs[0]) ? "audio clips" : "images";
        if (!manifest.backbone) throw bad(0, `Float32Array feature vectors of length ${dim}`);
        if (!backbone) throw new PredictorError("needs-backbone", `This model needs the "${manifest.backbone.id}" backbone to predict from ${what}; pass it to loadPredictor or pass feature vectors.`);
        if (backbone.id !== manifest.backbone.id) throw new PredictorError("backbone-mismatch", `The model was trained on "${manifest.backbone.id}" features, not "${backbone.id}".`);
        const audioBackbone = (backbone as { kind?: string }).kind === "audio";
        if (audioBackbone !== (what === "audio clips")) {
          throw new PredictorError("bad-input", `The "${backbone.id}" backbone takes ${audioBackbone ? "audio clips {samples, sampleRate}" : "images"}, not ${what}.`);
        }
        if (what === "audio clips") {
          (inputs as AudioClip[]).forEach((c, i) => {
            if (c.samples.length === 0) throw new PredictorError("bad-input", `Input ${i}: the audio clip is empty.`);
          });
        }
        vectors = await backbone.embed(inputs);
        if (!Array.isArray(vectors) || vectors.length !== inputs.length) {
          throw new PredictorError("bad-input", `The "${backbone.id}" backbone returned ${Array.isArray(vectors) ? vectors.length : "no"} feature vectors for ${inputs.length} ${what}.`);
        }
      } else {
        const raw = manifest.backbone?.id.startsWith("speech-") ? "audio clips {samples, sampleRate}" : "images";
        throw bad(0, manifest.backbone ? `Float32Array feature vectors of length ${dim} or ${raw}` : `Float32Array feature vectors of length ${dim}`);
      }
      const flat = new Float32Array(vectors.length * dim);
      vectors.forEach((v, i) => {
        if (v.length !== dim) throw bad(i, `a feature vector of length ${dim} (got ${v.length})`);
        flat.set(v, i * dim);
      });
      return tf.tensor2d(flat, [vectors.length, dim]);
    }
    case "image": {
      inputs.forEach((x, i) => {
        if (!isRawImage(x)) throw bad(i, "an image {width, height, channels, data}");
      });
      return imagesToTensor(inputs as RawImage[], p);
    }
    case "faq":
    case "token-features":
    case "ids":
      throw new PredictorError("bad-input", `A ${manifest.modelType} model does not take a single input tensor.`);
  }
}

export async function loadPredictor(bundle: ArrayBuffer | ArrayBufferView, options: LoadPredictorOptions = {}): Promise<Predictor> {
  const { manifest, artifacts, backbonePackage } = decodeBundle(bundle);
  const custom = manifest.backbone?.custom;
  // A user-supplied backbone travels inside the bundle; the predictor owns the copy it loads.
  let ownBackbone: Backbone<unknown> | null = null;
  if (custom && backbonePackage && !options.backbone && options.loadEmbeddedBackbone !== false) {
    const loadCustomBackbone = options.loadCustomBackbone ?? (await import("./backbones/custom")).loadCustomBackbone;
    ownBackbone = await loadCustomBackbone(backbonePackage, { contentHash: custom.contentHash, settings: custom, expect: custom, wasmPaths: options.ortWasmPaths });
  }
  const backbone = options.backbone ?? ownBackbone ?? undefined;
  let model: tf.LayersModel;
  try {
    model = await loadLayersModelGuarded(artifacts);
  } catch (e) {
    ownBackbone?.dispose();
    throw e;
  }
  const batchSize = options.batchSize ?? 64;
  let disposed = false;

  const run = async (inputs: readonly PredictorInput[]): Promise<Float32Array> => {
    if (disposed) throw new PredictorError("disposed", "This predictor was disposed.");
    const width = manifest.task === "classification" || manifest.task === "multi-label" ? manifest.labels.length : 1;
    const out = new Float32Array(inputs.length * width);
    if (inputs.length === 0) return out;
    for (let i = 0; i < inputs.length; i += batchSize) {
      const x = await inputsToTensor(inputs.slice(i, i + batchSize), manifest, backbone);
      const y = tf.tidy(() => model.predict(x) as tf.Tensor);
      x.dispose();
      try {
        out.set((await y.data()) as Float32Array, i * width);
      } finally {
        y.dispose();
      }
    }
    return out;
  };

  const base = {
    manifest,
    inputKind: inputKindOf(manifest.preprocessing),
    dispose() {
      if (!disposed) {
        model.dispose();
        ownBackbone?.dispose();
      }
      disposed = true;
    },
  };
  const alive = () => {
    if (disposed) throw new PredictorError("disposed", "This predictor was disposed.");
  };

  try {
    switch (manifest.task) {
      case "retrieval": {
        const rt = await createRetrievalRuntime(model, manifest, batchSize);
        const retrieve = async (questions: readonly string[], o: { related?: number } = {}) => (alive(), rt.retrieve(questions, o));
        return {
          ...base,
          task: "retrieval",
          retrieve,
          predict: (inputs, o = {}) => retrieve(inputs as string[], { related: o.topK ?? 3 }),
          scoreComponents: async (questions) => (alive(), rt.components(questions)),
        };
      }
      case "entities": {
        const rt = createEntityRuntime(model, manifest, batchSize);
        const extract = async (texts: readonly string[]) => (alive(), rt.extract(texts));
        return { ...base, task: "entities", types: rt.types, extract, predict: (inputs) => extract(inputs as string[]), tagProbabilities: async (texts) => (alive(), rt.tagProbabilities(texts)) };
      }
      case "ranking": {
        const rt = createRecommenderRuntime(model, manifest);
        const recommend = async (queries: readonly RecommendQuery[], o: RecommendOptions = {}) => (alive(), rt.recommend(queries, o));
        return {
          ...base,
          task: "ranking",
          users: rt.users,
          items: rt.items,
          recommend,
          predict: (inputs, o = {}) => recommend(inputs as RecommendQuery[], { topN: o.topK ?? 10 }),
          predictRatings: async (pairs) => (alive(), rt.predictRatings(pairs)),
        };
      }
      case "multi-label": {
        const payload = manifest.payload;
        const labels = manifest.labels;
        if (payload?.kind !== "multi-label" || payload.thresholds.length !== labels.length) {
          throw new PredictorError("bad-input", "This multi-label bundle has no per-tag thresholds.");
        }
        const k = labels.length;
        const predictProbabilities = async (inputs: readonly PredictorInput[]) => {
          const flat = await run(inputs);
          return inputs.map((_, i) => flat.slice(i * k, (i + 1) * k));
        };
        const predictTags = async (inputs: readonly PredictorInput[]): Promise<TagPrediction[]> =>
          (await predictProbabilities(inputs)).map((probs) => ({
            tags: labels
              .map((label, c) => ({ label, confidence: probs[c], threshold: payload.thresholds[c] }))
              .filter((t) => t.confidence >= t.threshold)
              .sort((a, b) => b.confidence - a.confidence),
            scores: labels.map((label, c) => ({ label, confidence: probs[c] })),
          }));
        return { ...base, task: "multi-label", labels, thresholds: payload.thresholds, predictTags, predict: predictTags, predictProbabilities };
      }
      default:
        break;
    }
  } catch (e) {
    model.dispose();
    ownBackbone?.dispose();
    throw e;
  }

  if (manifest.task === "regression") {
    const target = manifest.preprocessing.kind === "tabular" ? manifest.preprocessing.tabular.target : null;
    const [mean, std] = target && target.task === "regression" ? [target.mean, target.std] : [0, 1];
    const predictValues = async (inputs: readonly PredictorInput[]) => (await run(inputs)).map((v) => v * std + mean);
    return {
      ...base,
      task: "regression",
      predictValues,
      async predict(inputs) {
        return Array.from(await predictValues(inputs), (value) => ({ value }));
      },
    };
  }

  const labels = manifest.labels;
  const k = labels.length;
  const predictProbabilities = async (inputs: readonly PredictorInput[]) => {
    const flat = await run(inputs);
    return inputs.map((_, i) => flat.slice(i * k, (i + 1) * k));
  };
  return {
    ...base,
    task: "classification",
    labels,
    predictProbabilities,
    async predict(inputs, opts = {}) {
      const topK = Math.max(1, Math.min(opts.topK ?? 5, k));
      return (await predictProbabilities(inputs)).map((probs) => {
        const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b);
        const top = order.slice(0, topK).map((c) => ({ label: labels[c], confidence: probs[c] }));
        return { label: top[0].label, confidence: top[0].confidence, topK: top };
      });
    },
  };
}
