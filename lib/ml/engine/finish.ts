/** Shared last steps of every trainer: options, manifest, evaluation of the saved bundle, encoding. */
import * as tf from "@tensorflow/tfjs";
import { decodeBundle, encodeBundle, type BundleManifest, type TrainingSummary } from "../bundle";
import { modelToArtifacts, tfjsVersion } from "../bundle-tf";
import "../layers";
import { classificationReport, confidenceCurve, regressionReport, argmaxRows, type EvaluationReport } from "../metrics";
import { loadPredictor, type PredictorInput } from "../predictor";
import type { PresetId, TrainingHyperparams } from "../presets";
import type { Split } from "../split";
import type { Backbone } from "../backbone";
import { runTrainingLoop, type BatchInput, type LossObjective } from "./train-loop";
import type { EpochLog, StopReason, TrainingProgress } from "../types";

export interface CheckpointInfo {
  epoch: number;
  valAcc: number | null;
  valLoss: number | null;
}

/** Options every trainer accepts. */
export interface CommonTrainOptions {
  /** Scene id recorded in the manifest. */
  scene?: string;
  preset?: PresetId;
  /** Overrides on top of the preset. */
  hyperparams?: Partial<TrainingHyperparams>;
  seed?: number;
  /** Abort to stop between batches; the best epoch so far is kept and a bundle is still returned. */
  signal?: AbortSignal;
  onProgress?: (p: TrainingProgress) => void;
  /** Receives a bundle of the best weights so far after each new best epoch (metrics: null). */
  onCheckpoint?: (bundle: Uint8Array, info: CheckpointInfo) => void | Promise<void>;
  datasetVersion?: string | null;
  /** Id reported per sample in the confusion matrix; defaults to the sample's position. */
  sampleIds?: readonly number[];
  /**
   * Start from these weights instead of a fresh initialisation, e.g. the IndexedDB checkpoint of
   * a run that a closed tab interrupted. The bundle must come from the same model type, labels
   * and preprocessing (same data and settings), otherwise training is refused.
   */
  resumeFrom?: Uint8Array;
  /**
   * Keep every weight in float32 and every embedding row, instead of the smaller published form
   * (packed weights; text models drop the rows no training text uses). For comparisons only
   * (`npm run bench bundle-size`).
   */
  fullPrecision?: boolean;
}

export interface TrainedModel {
  bundle: Uint8Array;
  manifest: BundleManifest;
  history: EpochLog[];
  bestEpoch: number | null;
  stoppedReason: StopReason;
  split: Split;
  trainingMs: number;
}

export type ManifestDraft = Omit<BundleManifest, "metrics" | "metricsSplit" | "tfjsVersion" | "createdAt" | "backend" | "trainingMs" | "training">;

export function baseManifest(draft: ManifestDraft, trainingMs: number, training: TrainingSummary | null): BundleManifest {
  return {
    ...draft,
    metrics: null,
    metricsSplit: null,
    tfjsVersion: tfjsVersion(),
    createdAt: new Date().toISOString(),
    backend: tf.getBackend() ?? "unknown",
    trainingMs,
    training,
  };
}

export async function checkpointBundle(model: tf.LayersModel, draft: ManifestDraft, startedAt: number): Promise<Uint8Array> {
  return encodeBundle(baseManifest(draft, performance.now() - startedAt, null), await modelToArtifacts(model));
}

export interface FinishArgs {
  model: tf.LayersModel;
  draft: ManifestDraft;
  training: TrainingSummary;
  startedAt: number;
  /** Samples the final metrics are computed on (validation, or training when there is none). */
  evalInputs: readonly PredictorInput[];
  /** Class index (classification) or target value in its own units (regression). */
  evalTargets: ArrayLike<number>;
  evalIds: ArrayLike<number>;
  evalSplit: "validation" | "training";
  backbone?: Backbone<unknown>;
  /** Store the weights packed (encodeBundle's `pack`); the evaluation runs on the packed bundle. */
  pack?: boolean;
}

/** Saves the model, evaluates the saved bundle (exactly what users will run) and encodes it. */
export async function finishTraining(args: FinishArgs): Promise<{ bundle: Uint8Array; manifest: BundleManifest }> {
  const artifacts = await modelToArtifacts(args.model);
  const first = baseManifest(args.draft, performance.now() - args.startedAt, args.training);
  const predictor = await loadPredictor(encodeBundle(first, artifacts, { pack: args.pack }), { backbone: args.backbone, batchSize: 128 });
  let metrics: EvaluationReport;
  try {
    if (predictor.task === "classification") {
      const probs = await predictor.predictProbabilities(args.evalInputs);
      const k = predictor.labels.length;
      const flat = new Float32Array(probs.length * k);
      probs.forEach((p, i) => flat.set(p, i * k));
      const predicted = argmaxRows(flat, k);
      metrics = classificationReport(args.evalTargets, predicted, predictor.labels, args.evalIds);
      metrics.confidence = confidenceCurve(
        probs.map((p, i) => p[predicted[i]]),
        Array.from(predicted, (c, i) => c === args.evalTargets[i]),
      );
    } else if (predictor.task === "regression") {
      metrics = regressionReport(args.evalTargets, await predictor.predictValues(args.evalInputs));
    } else {
      throw new Error(`finishTraining evaluates classifiers and regressors, not ${predictor.task} models.`);
    }
  } finally {
    predictor.dispose();
  }
  const manifest: BundleManifest = {
    ...first,
    metrics,
    metricsSplit: args.evalSplit,
    trainingMs: performance.now() - args.startedAt,
  };
  return { bundle: encodeBundle(manifest, artifacts, { pack: args.pack }), manifest };
}

export interface TrainAndFinishArgs {
  /** The full inference model; disposed before this function returns. */
  model: tf.LayersModel;
  /** Layers the loop runs (without JS-side input stages and without a final softmax). */
  trainLayers: readonly tf.layers.Layer[];
  input: BatchInput;
  task: "classification" | "regression";
  numClasses: number;
  /** Class index or normalised target per sample. */
  targets: Int32Array | Float32Array;
  split: Split;
  hyper: TrainingHyperparams;
  classWeights: Float32Array | null;
  seed: number;
  loopSeed: number;
  options: CommonTrainOptions;
  draft: ManifestDraft;
  architecture: TrainingSummary["architecture"];
  startedAt: number;
  /** Copies JS-side weights into the model before it is saved. */
  commit?: () => void;
  /** Copies the model's weights into JS-side weights after they were loaded from resumeFrom. */
  afterResume?: () => void;
  /** What the saved model is evaluated on, per sample: its raw input and its target in target units. */
  evalInput: (sample: number) => PredictorInput;
  evalTarget: (sample: number) => number;
  targetScale?: number;
  backbone?: Backbone<unknown>;
  /** The trainer's published models are stored packed (see FinishArgs.pack). */
  pack?: boolean;
}

/** Runs the loop, then saves and evaluates; the shared body of every trainer. */
export async function trainAndFinish(a: TrainAndFinishArgs): Promise<TrainedModel> {
  try {
    if (a.options.resumeFrom) {
      await loadWeightsFromBundle(a.model, a.options.resumeFrom, a.draft);
      a.afterResume?.();
    }
    const result = await runTrainingLoop({
      task: a.task,
      numClasses: a.numClasses,
      layers: a.trainLayers,
      input: a.input,
      targets: a.targets,
      trainSamples: a.split.train,
      valSamples: a.split.validation,
      hyper: a.hyper,
      classWeights: a.classWeights,
      seed: a.loopSeed,
      signal: a.options.signal,
      onProgress: a.options.onProgress,
      targetScale: a.targetScale,
      onBest: a.options.onCheckpoint
        ? async (log) => {
            a.commit?.();
            const bundle = await checkpointBundle(a.model, a.draft, a.startedAt);
            await a.options.onCheckpoint!(bundle, { epoch: log.epoch, valAcc: log.valAcc, valLoss: log.valLoss });
          }
        : undefined,
    });
    a.commit?.();
    const evalSamples = a.split.validation.length > 0 ? a.split.validation : a.split.train;
    const ids = a.options.sampleIds;
    const { bundle, manifest } = await finishTraining({
      model: a.model,
      draft: a.draft,
      startedAt: a.startedAt,
      training: {
        preset: a.options.preset ?? "balanced",
        hyperparams: a.hyper,
        architecture: a.architecture,
        seed: a.seed,
        bestEpoch: result.bestEpoch,
        stoppedReason: result.stoppedReason,
        trainSamples: a.split.train.length,
        validationSamples: a.split.validation.length,
        history: result.history,
      },
      evalInputs: evalSamples.map(a.evalInput),
      evalTargets: evalSamples.map(a.evalTarget),
      evalIds: evalSamples.map((s) => (ids ? ids[s] : s)),
      evalSplit: a.split.validation.length > 0 ? "validation" : "training",
      backbone: a.backbone,
      pack: a.pack && !a.options.fullPrecision,
    });
    return {
      bundle,
      manifest,
      history: result.history,
      bestEpoch: result.bestEpoch,
      stoppedReason: result.stoppedReason,
      split: a.split,
      trainingMs: manifest.trainingMs,
    };
  } finally {
    a.model.dispose();
  }
}

/** Copies the weights of a compatible bundle into model (same layers, shapes, labels, preprocessing). */
export async function loadWeightsFromBundle(model: tf.LayersModel, bundle: Uint8Array, draft: ManifestDraft): Promise<void> {
  const { manifest, artifacts } = decodeBundle(bundle);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (
    manifest.modelType !== draft.modelType ||
    !same(manifest.labels, draft.labels) ||
    !same(manifest.preprocessing, draft.preprocessing) ||
    manifest.payload?.kind !== draft.payload?.kind ||
    // Features of another backbone (e.g. another uploaded one of the same feature size) do not fit.
    (manifest.backbone?.id ?? null) !== (draft.backbone?.id ?? null)
  ) {
    throw new Error("Cannot resume: the checkpoint was trained with a different model type, labels, backbone or preprocessing.");
  }
  const saved = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  try {
    if (saved.layers.length !== model.layers.length) throw new Error("Cannot resume: the checkpoint has a different architecture.");
    model.layers.forEach((layer, i) => {
      const weights = saved.layers[i].getWeights();
      const mine = layer.getWeights();
      if (weights.length !== mine.length || weights.some((w, j) => !same(w.shape, mine[j].shape))) {
        throw new Error(`Cannot resume: layer ${layer.name} has different weight shapes in the checkpoint.`);
      }
      if (weights.length) layer.setWeights(weights);
    });
  } finally {
    saved.dispose();
  }
}

/** Checks labels against the inputs and returns the sorted distinct classes. */
export function validateLabelled(n: number, labels: readonly string[]): string[] {
  if (labels.length !== n) throw new Error(`Got ${n} inputs but ${labels.length} labels.`);
  labels.forEach((l, i) => {
    if (typeof l !== "string" || l.trim() === "") throw new Error(`Sample ${i} has an empty label.`);
  });
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) throw new Error("Training needs at least two different labels.");
  return classes;
}

export interface ObjectiveTrainArgs {
  /** The full inference model; disposed before this function returns. */
  model: tf.LayersModel;
  /** Layers the loop runs, in order (without a JS-side input stage and without a final activation). */
  trainLayers: readonly tf.layers.Layer[];
  input: BatchInput;
  objective: LossObjective;
  task: "classification" | "regression";
  split: Split;
  hyper: TrainingHyperparams;
  seed: number;
  loopSeed: number;
  options: CommonTrainOptions;
  /** Manifest of the model as trained; its payload is used for checkpoints until `finalize` replaces it. */
  draft: ManifestDraft;
  architecture: TrainingSummary["architecture"];
  startedAt: number;
  commit?: () => void;
  afterResume?: () => void;
  /**
   * After training: values fitted on validation (thresholds, hybrid weights), given a bundle of the
   * trained weights with the provisional draft. Returns the final payload.
   */
  finalize?: (provisional: Uint8Array) => Promise<ManifestDraft["payload"]>;
  /** Metrics of the final bundle (loaded through loadPredictor by the callee). */
  evaluate: (bundle: Uint8Array) => Promise<{ metrics: EvaluationReport | null; split: "validation" | "training" | null }>;
}

/**
 * trainAndFinish for models with their own objective (retrieval, tagging, multi-label,
 * recommendation): the same loop, checkpoints, resume, best epoch; then fitted values, then metrics
 * computed on the saved bundle.
 */
export async function trainWithObjective(a: ObjectiveTrainArgs): Promise<TrainedModel> {
  try {
    if (a.options.resumeFrom) {
      await loadWeightsFromBundle(a.model, a.options.resumeFrom, a.draft);
      a.afterResume?.();
    }
    const result = await runTrainingLoop({
      task: a.task,
      numClasses: 1,
      objective: a.objective,
      layers: a.trainLayers,
      input: a.input,
      trainSamples: a.split.train,
      valSamples: a.split.validation,
      hyper: a.hyper,
      seed: a.loopSeed,
      signal: a.options.signal,
      onProgress: a.options.onProgress,
      onBest: a.options.onCheckpoint
        ? async (log) => {
            a.commit?.();
            const bundle = await checkpointBundle(a.model, a.draft, a.startedAt);
            await a.options.onCheckpoint!(bundle, { epoch: log.epoch, valAcc: log.valAcc, valLoss: log.valLoss });
          }
        : undefined,
    });
    a.commit?.();
    const training: TrainingSummary = {
      preset: a.options.preset ?? "balanced",
      hyperparams: a.hyper,
      architecture: a.architecture,
      seed: a.seed,
      bestEpoch: result.bestEpoch,
      stoppedReason: result.stoppedReason,
      trainSamples: a.split.train.length,
      validationSamples: a.split.validation.length,
      history: result.history,
    };
    const { bundle, manifest } = await finishModel(a.model, a.draft, training, a.startedAt, a.finalize, a.evaluate);
    return { bundle, manifest, history: result.history, bestEpoch: result.bestEpoch, stoppedReason: result.stoppedReason, split: a.split, trainingMs: manifest.trainingMs };
  } finally {
    a.model.dispose();
  }
}

/** Saves a trained model: provisional bundle → fitted payload → metrics of the final bundle → bundle. */
export async function finishModel(
  model: tf.LayersModel,
  draft: ManifestDraft,
  training: TrainingSummary | null,
  startedAt: number,
  finalize: ObjectiveTrainArgs["finalize"],
  evaluate: ObjectiveTrainArgs["evaluate"],
): Promise<{ bundle: Uint8Array; manifest: BundleManifest }> {
  const artifacts = await modelToArtifacts(model);
  let manifest = baseManifest(draft, performance.now() - startedAt, training);
  if (finalize) manifest = { ...manifest, payload: await finalize(encodeBundle(manifest, artifacts)) };
  const { metrics, split } = await evaluate(encodeBundle(manifest, artifacts));
  manifest = { ...manifest, metrics, metricsSplit: split, trainingMs: performance.now() - startedAt };
  return { bundle: encodeBundle(manifest, artifacts), manifest };
}
