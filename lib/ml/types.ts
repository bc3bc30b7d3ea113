/**
 * Plain data types shared by the trainers, the bundle, the predictor and the worker protocol.
 * Nothing here holds a tensor, so every type can cross postMessage.
 */

/** Model type ids, as declared in lib/scenes. */
export const TEXT_MODEL_TYPES = ["ngram-bag", "text-cnn"] as const;
export const TABULAR_MODEL_TYPES = ["mlp", "linear"] as const;
export const IMAGE_MODEL_TYPES = ["mobilenet-transfer", "mobilenet-finetune", "small-cnn", "custom-backbone"] as const;
export type TextModelType = (typeof TEXT_MODEL_TYPES)[number];
export type TabularModelType = (typeof TABULAR_MODEL_TYPES)[number];
export type ImageModelType = (typeof IMAGE_MODEL_TYPES)[number];
/** Model types of the FAQ, entity, recommendation, multi-label tagging and voice-commands scenes. */
export const SCENE_MODEL_TYPES = ["hybrid-retriever", "bm25", "cnn-tagger", "matrix-factorization", "mobilenet-multilabel", "speech-embedding"] as const;
export type SceneModelType = (typeof SCENE_MODEL_TYPES)[number];

export type Task = "classification" | "regression";

export type TfBackendName = "webgpu" | "webgl" | "wasm" | "cpu";

/** An image as plain pixels (e.g. ImageData: RGBA, or decoded RGB). Values 0..255. */
export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray | Float32Array;
}

/** One row of a table: column name → cell. Empty string, null and undefined mean "missing". */
export type TabularRow = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface LabelScore {
  label: string;
  confidence: number;
}

export interface ClassPrediction extends LabelScore {
  /** Best classes first; topK[0] is the prediction itself. */
  topK: LabelScore[];
}

export interface RegressionPrediction {
  value: number;
}

/** Progress of a running training job, sent per batch and per epoch. Epochs count from 1. */
export interface BatchProgress {
  phase: "batch";
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  /** Training accuracy of this batch; null for regression. */
  acc: number | null;
  samplesPerSec: number;
  etaMs: number;
  elapsedMs: number;
}

export interface EpochProgress {
  phase: "epoch";
  epoch: number;
  epochs: number;
  loss: number;
  acc: number | null;
  /** Null when there is no validation split (too little data). */
  valLoss: number | null;
  valAcc: number | null;
  /** Validation mean absolute error in target units (regression only). */
  valMae: number | null;
  /** True when this epoch is the best so far (its weights are the ones kept). */
  isBest: boolean;
  samplesPerSec: number;
  etaMs: number;
  elapsedMs: number;
}

export type TrainingProgress = BatchProgress | EpochProgress;

export type StopReason = "completed" | "early-stopped" | "aborted";

export interface EpochLog {
  epoch: number;
  loss: number;
  acc: number | null;
  valLoss: number | null;
  valAcc: number | null;
  valMae: number | null;
}

/** FAQ retrieval: the best entry and up to `related` runners-up ("related questions"). */
export interface RetrievalPrediction {
  answerId: string;
  question: string;
  answer: string;
  /** Calibrated probability that this is the right entry (softmax over hybrid scores). */
  confidence: number;
  related: { answerId: string; question: string; confidence: number }[];
}

/** One entity found in a text; start/end are UTF-16 offsets into that text, end exclusive. */
export interface EntityMention {
  type: string;
  text: string;
  start: number;
  end: number;
  /** Mean probability of the entity's tags. */
  confidence: number;
}

export interface EntityPrediction {
  entities: EntityMention[];
}

/**
 * A recommendation request: a known user id, or a new visitor's ratings (item ids; rating omitted
 * = liked / clicked), or neither (popular items).
 */
export interface RecommendQuery {
  user?: string;
  ratings?: { item: string; rating?: number }[];
}

export interface Recommendation {
  items: { item: string; score: number }[];
  /** "user": a known user's factors; "new-user": folded in from the given ratings; "popular": cold start. */
  source: "user" | "new-user" | "popular";
}

export interface TagPrediction {
  /** Tags at or above their threshold, highest score first. */
  tags: (LabelScore & { threshold: number })[];
  /** Every tag's sigmoid score, in label order. */
  scores: LabelScore[];
}
