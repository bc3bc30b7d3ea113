/**
 * The typed command protocol between the page (TrainerClient) and the training worker.
 * Messages carry plain numbers, strings, objects and typed arrays (structured clone), never
 * tensors. Every request has an id; the worker answers it with exactly one "result" or "error",
 * and may send "progress" / "backbone-progress" / "checkpoint" events with the same id before.
 *
 * Typical flow: check-backend → load-backbone (image/voice scenes) → warm-up → train (progress…)
 * → predict; stop at any time during train.
 */
import type { BackendChoice } from "../backend";
import type { BackboneLoadProgress } from "../backbone";
import type { BackboneRef, BundleManifest } from "../bundle";
import type { PresetId, TrainingHyperparams } from "../presets";
import type { ColumnSpec } from "../tabular/preprocess";
import type { TabularArchitecture } from "../tabular/train-tabular";
import type { HeadArchitecture } from "../image/train-head";
import type { SmallCnnArchitecture } from "../image/train-small-cnn";
import type { FineTuneArchitecture } from "../image/train-finetune";
import type { TextArchitecture } from "../text/train-text";
import type { BagTokenizerConfig, SequenceTokenizerConfig } from "../text/tokenizer";
import type { PredictorInput } from "../predictor";
import type { AudioClip } from "../backbones/types";
import type { CustomBackboneSettings, CustomBackboneSpec } from "../backbones/custom-package";
import type { CustomBackboneProbe } from "../backbones/custom";
import type { FaqArchitecture, FaqEntryInput, FaqModelType } from "../faq/train-faq";
import type { EntitySampleInput, TaggerArchitecture, TaggerModelType } from "../entities/train-tagger";
import type { MfArchitecture, RatingInput } from "../recommend/train-mf";
import type {
  ClassPrediction,
  EntityPrediction,
  EpochLog,
  Recommendation,
  RetrievalPrediction,
  TagPrediction,
  RawImage,
  RegressionPrediction,
  StopReason,
  TabularModelType,
  TabularRow,
  Task,
  TextModelType,
  TfBackendName,
  TrainingProgress,
} from "../types";

/** Options shared by every job (the serialisable part of the trainers' options). */
export interface JobOptions {
  scene?: string;
  preset?: PresetId;
  hyperparams?: Partial<TrainingHyperparams>;
  seed?: number;
  datasetVersion?: string | null;
  /** Ids reported in the confusion matrix (e.g. dataset row ids); default positions. */
  sampleIds?: number[];
  /** Save the best-so-far bundle to IndexedDB under this key after each new best epoch. */
  checkpointKey?: string;
  /** Continue from this bundle's weights (e.g. loadCheckpoint(key).bundle after a closed tab). */
  resumeFrom?: Uint8Array;
}

export type TrainJob =
  | ({ kind: "text"; modelType: TextModelType; texts: string[]; labels: string[] } & JobOptions & {
      tokenizer?: Partial<BagTokenizerConfig> | Partial<SequenceTokenizerConfig>;
      architecture?: Partial<TextArchitecture>;
    })
  | ({ kind: "tabular"; modelType: TabularModelType; rows: TabularRow[]; target: string; task?: Task; columns?: ColumnSpec[] } & JobOptions & {
      architecture?: Partial<TabularArchitecture>;
    })
  /** A head on feature vectors computed elsewhere. */
  | ({ kind: "features"; modelType?: string; features: Float32Array[]; labels: string[]; backbone?: BackboneRef | null } & JobOptions & {
      architecture?: Partial<HeadArchitecture>;
    })
  /**
   * A head on features the worker computes with the loaded backbone (load-backbone first): an
   * image backbone embeds `images`, an audio backbone (e.g. "speech-embedding-192") embeds `clips`
   * (mono, any sample rate). Features are cached in the worker by cacheKeys (e.g. sample ids), so
   * retraining with the same samples does not embed them again. For clips, synthetic background
   * clips (silence + low noise, seeded) are added under BACKGROUND_LABEL when no class is a
   * background class, unless addBackground is false; TrainResult.syntheticBackground says how many.
   */
  | ({
      kind: "backbone-head";
      modelType?: string;
      backboneId: string;
      images?: RawImage[];
      clips?: AudioClip[];
      labels: string[];
      cacheKeys?: string[];
      addBackground?: boolean;
    } & JobOptions & {
      architecture?: Partial<HeadArchitecture>;
    })
  | ({ kind: "small-cnn"; images: RawImage[]; labels: string[]; imageSize?: number; channels?: 1 | 3 } & JobOptions & {
      architecture?: Partial<SmallCnnArchitecture>;
    })
  /** MobileNetV2 with its top blocks unfrozen, trained end to end (load-backbone first). */
  | ({ kind: "finetune"; backboneId: string; images: RawImage[]; labels: string[] } & JobOptions & {
      architecture?: Partial<FineTuneArchitecture>;
    })
  /** FAQ retrieval: entries as lib/data's FaqSample (id: e.g. the dataset sample id, returned as answerId). */
  | ({ kind: "faq"; modelType: FaqModelType; entries: FaqEntryInput[] } & JobOptions & {
      architecture?: Partial<FaqArchitecture>;
      /** Fix the hybrid weight instead of fitting it on held-out paraphrases. */
      embeddingWeight?: number;
    })
  /** Entity extraction: {text, spans} as lib/data/entities parses every format. */
  | ({ kind: "entities"; modelType: TaggerModelType; samples: EntitySampleInput[] } & JobOptions & {
      architecture?: Partial<TaggerArchitecture>;
    })
  /** Recommendation: user,item[,rating] rows; implicit defaults to "no row has a rating". */
  | ({ kind: "ratings"; modelType: "matrix-factorization"; ratings: RatingInput[]; implicit?: boolean } & JobOptions & {
      architecture?: Partial<MfArchitecture>;
    })
  /**
   * Multi-label tagging: a sigmoid head on feature vectors, given (features) or computed by the
   * worker with the loaded backbone (backboneId + images, cached by cacheKeys as for backbone-head).
   */
  | ({
      kind: "image-tags";
      modelType?: string;
      tags: string[][];
      features?: Float32Array[];
      backbone?: BackboneRef | null;
      backboneId?: string;
      images?: RawImage[];
      cacheKeys?: string[];
    } & JobOptions & {
      architecture?: Partial<HeadArchitecture>;
    });

export interface FeatureProgress {
  phase: "features";
  done: number;
  total: number;
  elapsedMs: number;
  /** Set while the features of augmented views (not the original pictures) are computed. */
  augmented?: boolean;
}

export type JobProgress = TrainingProgress | FeatureProgress;

export interface BackboneInfo {
  id: string;
  package: string;
  version: string;
  featureDim: number;
  loadMs: number;
}

export interface TrainResult {
  /** The model bundle (transferred). The worker also keeps it loaded for "predict". */
  bundle: Uint8Array;
  manifest: BundleManifest;
  history: EpochLog[];
  bestEpoch: number | null;
  stoppedReason: StopReason;
  trainingMs: number;
  /** Sample positions used for training and validation. */
  split: { train: number[]; validation: number[] };
  /** Voice jobs: synthetic background clips added under BACKGROUND_LABEL (0 when the data had a background class). */
  syntheticBackground?: number;
}

export type Predictions =
  | ClassPrediction[]
  | RegressionPrediction[]
  | RetrievalPrediction[]
  | EntityPrediction[]
  | Recommendation[]
  | TagPrediction[];

/** Request payloads (without id), keyed by type, and what each one resolves to. */
export interface Commands {
  "check-backend": { req: { forced?: TfBackendName; modelType?: string }; res: BackendChoice };
  /**
   * Loads a registered backbone by id, or a user-supplied one from its package (custom; the id must
   * be customBackboneId(custom.spec)). Loaded backbones stay for backbone-head jobs and predictions.
   */
  "load-backbone": { req: { backboneId: string; custom?: { package: Uint8Array; spec: CustomBackboneSpec } }; res: BackboneInfo };
  /**
   * Loads a user-supplied backbone package, reports its inputs and runs one test picture with the
   * settings (or its defaults): layout, feature size, time. Problems come back in the result.
   */
  "probe-backbone": { req: { package: Uint8Array; contentHash: string; settings?: CustomBackboneSettings }; res: CustomBackboneProbe };
  "warm-up": { req: { modelType?: string }; res: { ms: number; backend: string } };
  train: { req: { job: TrainJob }; res: TrainResult };
  /** Stops the train request with id jobId (or every running job); it resolves with the best epoch so far. */
  stop: { req: { jobId?: number }; res: { stopped: number } };
  "load-model": { req: { bundle: Uint8Array }; res: { manifest: BundleManifest } };
  /**
   * Runs the loaded model. inputs and topK by model: classifier (text/row/features/image/audio clip, topK
   * classes), regressor, FAQ retriever (questions; topK = related questions, default 3), entity
   * tagger (texts), recommender (RecommendQuery {user} or {ratings}; topK = items, default 10),
   * multi-label tagger (features or images).
   */
  predict: { req: { inputs: PredictorInput[]; topK?: number }; res: { predictions: Predictions } };
  "unload-model": { req: Record<string, never>; res: { unloaded: boolean } };
}

export type CommandType = keyof Commands;

export type WorkerRequest = { [K in CommandType]: { id: number; type: K } & Commands[K]["req"] }[CommandType];

export type ErrorCode =
  | "bad-request"
  | "backbone-not-registered"
  | "backbone-not-loaded"
  /** A user-supplied backbone cannot be loaded or run as recorded (CustomBackboneError). */
  | "bad-backbone"
  | "no-model"
  | "invalid-bundle"
  | "bad-input"
  /** The training data cannot train this model (TrainingDataError); the message says what to fix. */
  | "bad-data"
  /** Recommendation for a user id the model has not seen. */
  | "unknown-user"
  | "failed"
  | "disposed";

export type WorkerResponse =
  | { id: number; type: "result"; result: Commands[CommandType]["res"] }
  | { id: number; type: "error"; error: { code: ErrorCode; message: string } }
  | { id: number; type: "progress"; progress: JobProgress }
  | { id: number; type: "backbone-progress"; progress: BackboneLoadProgress }
  | { id: number; type: "checkpoint"; epoch: number; valAcc: number | null; saved: boolean; error?: string };
