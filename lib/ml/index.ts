/**
 * lib/ml public API for code that runs in the browser main thread, in Node (REST API) and in
 * tests. The training worker has its own entry (worker/client.ts → TrainerClient).
 */
export {
  loadPredictor,
  PredictorError,
  type Predictor,
  type ClassifierPredictor,
  type RegressorPredictor,
  type RetrieverPredictor,
  type EntityPredictor,
  type RecommenderPredictor,
  type TaggerPredictor,
  type PredictorInput,
  type LoadPredictorOptions,
} from "./predictor";
export { TrainingDataError, type TrainingDataErrorCode, type PredictorErrorCode } from "./errors";
export { trainFaqRetriever, FAQ_MODEL_TYPES, type FaqEntryInput, type TrainFaqOptions, type FaqModelType } from "./faq/train-faq";
export { trainEntityTagger, type EntitySampleInput, type TrainTaggerOptions } from "./entities/train-tagger";
export { decodeBio, isValidBio, tagsToSpans, spansToTags, bioTags } from "./entities/bio";
export { tokenizeWithOffsets, type Token } from "./entities/tokens";
export { trainRecommender, type RatingInput, type TrainMfOptions } from "./recommend/train-mf";
export type { RecommendOptions } from "./recommend/runtime";
export { trainTagHead, type TagTrainingData, type TrainTagsOptions } from "./image/train-tags";
export {
  encodeBundle,
  decodeBundle,
  embedBackbone,
  readManifest,
  BundleError,
  BUNDLE_CONTENT_TYPE,
  BUNDLE_FORMAT_VERSION,
  type BundleManifest,
  type BackboneRef,
  type Preprocessing,
  type ManifestPayload,
} from "./bundle";
export { selectBackend, warmUpBackend, modelNeedsConvGradients, WASM_PATH, type BackendChoice, type FallbackReason } from "./backend";
export { registerBackbone, getBackboneLoader, registeredBackboneIds, type Backbone, type BackboneLoader, type BackboneLoadProgress } from "./backbone";
export { trainTextClassifier, type TrainTextOptions, type TextTrainingData, type TextArchitecture } from "./text/train-text";
export { trainTabularModel, type TrainTabularOptions } from "./tabular/train-tabular";
export { inferColumnSpecs, inferTask, inputColumns, type ColumnSpec, type TabularPreprocessing } from "./tabular/preprocess";
export { trainClassifierHead, type TrainHeadOptions, type FeatureTrainingData } from "./image/train-head";
export { trainSmallCnn, type TrainSmallCnnOptions, type ImageTrainingData } from "./image/train-small-cnn";
export {
  classificationReport,
  regressionReport,
  fallbackRate,
  type ClassificationReport,
  type RegressionReport,
  type RetrievalReport,
  type EntitiesReport,
  type RankingReport,
  type MultiLabelReport,
  type EvaluationReport,
} from "./metrics";
export { PRESETS, PRESET_IDS, resolveHyperparams, type PresetId, type TrainingHyperparams } from "./presets";
export { stratifiedSplit, randomSplit } from "./split";
export { createRng } from "./random";
export type { CommonTrainOptions, TrainedModel, CheckpointInfo } from "./engine/finish";
export type * from "./types";
// Voice commands (browser-, worker- and Node-safe). Node/REST API: loadVoicePredictorFromDisk in ./voice/node.
export {
  BACKGROUND_LABEL,
  SPEECH_MODEL_TYPE,
  createVoiceActivityGate,
  decodeWavClip,
  hasBackgroundClass,
  isAudioClip,
  syntheticBackgroundClips,
  withBackgroundClips,
  type AudioClip,
  type VoiceActivityGate,
} from "./voice";
