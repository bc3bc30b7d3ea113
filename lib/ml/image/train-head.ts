/**
 * A classifier head on precomputed feature vectors (e.g. 1280-d MobileNetV2 features from
 * lib/ml/backbones). Features are computed once per sample by the caller; every epoch only
 * touches this small head: [dropout] → [dense relu → dropout] → dense softmax.
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random";
import { stratifiedSplit } from "../split";
import { joinTrainingCopies } from "./augment";
import { resolveHyperparams, stripUndefined } from "../presets";
import { balancedClassWeights } from "../engine/train-loop";
import { trainAndFinish, validateLabelled, type CommonTrainOptions, type TrainedModel } from "../engine/finish";
import type { Backbone } from "../backbone";
import { FeatureStandardize, standardizeFeatureGroups } from "../layers";
import type { BackboneRef } from "../bundle";

export interface HeadArchitecture {
  /** Units of the hidden relu layer; 0 = a single softmax layer (logistic regression). */
  hiddenUnits: number;
  /** Dropout on the input features. */
  inputDropout: number;
  /** Dropout after the hidden layer. */
  dropout: number;
}

export const DEFAULT_HEAD_ARCHITECTURE: HeadArchitecture = { hiddenUnits: 128, inputDropout: 0.1, dropout: 0.3 };

export interface FeatureTrainingData {
  /** One vector per sample, all the same length. */
  features: readonly Float32Array[];
  labels: readonly string[];
  /**
   * Features of augmented views of the given training samples (hyperparams.augmentViews views
   * each; see augment.ts), called once after the split so validation samples are never
   * augmented into training. `source[j]` is the sample view j was made from.
   */
  augment?: (trainSamples: readonly number[], views: number) => Promise<{ features: Float32Array[]; source: number[] }>;
}

export interface TrainHeadOptions extends CommonTrainOptions {
  /** Recorded in the manifest; default "mobilenet-transfer". */
  modelType?: string;
  /** The backbone that produced the features (recorded so predictors can embed raw images). */
  backbone?: BackboneRef | null;
  /** When given, the saved bundle is evaluated from features as well; never needed for training. */
  backboneInstance?: Backbone<unknown>;
  architecture?: Partial<HeadArchitecture>;
  /**
   * The backbone's feature blocks (Backbone.featureGroups). When given, the head starts with a
   * fixed FeatureStandardize layer whose offset and scale come from the training samples only
   * (never validation ones, never augmented copies).
   */
  featureGroups?: readonly number[];
}

export async function trainClassifierHead(data: FeatureTrainingData, options: TrainHeadOptions = {}): Promise<TrainedModel> {
  const startedAt = performance.now();
  const n = data.features.length;
  const classes = validateLabelled(n, data.labels);
  const dim = data.features[0]?.length ?? 0;
  if (dim === 0) throw new Error("Feature vectors are empty.");
  data.features.forEach((f, i) => {
    if (!(f instanceof Float32Array) || f.length !== dim) throw new Error(`Feature vector ${i} must be a Float32Array of length ${dim}.`);
  });
  const index = new Map(classes.map((c, i) => [c, i]));
  const baseTargets = Int32Array.from(data.labels, (l) => index.get(l)!);
  // Voice models ("speech-embedding") have their own presets; every other head uses the image ones.
  const hyper = resolveHyperparams(options.modelType === "speech-embedding" ? "audio-head" : "image-head", options.preset, options.hyperparams);
  const arch: HeadArchitecture = { ...DEFAULT_HEAD_ARCHITECTURE, ...stripUndefined(options.architecture) };
  const seed = options.seed ?? 42;
  const rng = createRng(seed);
  const baseSplit = stratifiedSplit(data.labels, { validationFraction: hyper.validationFraction, seed: rng.seed() });
  // Augmented views join the training part only; evaluation uses the original samples.
  let features: readonly Float32Array[] = data.features;
  let split = baseSplit;
  let targets: Int32Array = baseTargets;
  if (data.augment && hyper.augmentViews > 0) {
    const extra = await data.augment(baseSplit.train, hyper.augmentViews);
    const trainSet = new Set(baseSplit.train);
    extra.features.forEach((f, j) => {
      if (!(f instanceof Float32Array) || f.length !== dim) throw new Error(`Augmented feature vector ${j} must be a Float32Array of length ${dim}.`);
      if (!trainSet.has(extra.source[j])) throw new Error(`Augmented view ${j} comes from sample ${extra.source[j]}, which is not a training sample.`);
    });
    features = [...data.features, ...extra.features];
    ({ targets, split } = joinTrainingCopies(baseTargets, baseSplit, extra.source));
  }

  const layers: tf.layers.Layer[] = [];
  const first = () => (layers.length === 0 ? { inputShape: [dim] } : {});
  if (options.featureGroups) {
    const stats = standardizeFeatureGroups(baseSplit.train.map((i) => data.features[i]), options.featureGroups);
    layers.push(new FeatureStandardize({ ...stats, name: "standardize", ...first() }));
  }
  if (arch.inputDropout > 0) layers.push(tf.layers.dropout({ rate: arch.inputDropout, name: "input_dropout", ...first() }));
  if (arch.hiddenUnits > 0) {
    layers.push(tf.layers.dense({ units: arch.hiddenUnits, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: rng.seed() }), name: "hidden", ...first() }));
    if (arch.dropout > 0) layers.push(tf.layers.dropout({ rate: arch.dropout, name: "dropout" }));
  }
  layers.push(tf.layers.dense({ units: classes.length, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: "logits", ...first() }));
  layers.push(tf.layers.activation({ activation: "softmax", name: "probabilities" }));
  const model = tf.sequential({ layers });

  return trainAndFinish({
    model,
    trainLayers: model.layers.slice(0, -1),
    input: {
      forward: (samples) => {
        const batch = new Float32Array(samples.length * dim);
        samples.forEach((s, i) => batch.set(features[s], i * dim));
        return tf.tensor2d(batch, [samples.length, dim]);
      },
    },
    task: "classification",
    numClasses: classes.length,
    targets,
    split,
    hyper,
    classWeights: hyper.classWeighting === "balanced" ? balancedClassWeights(targets, split.train, classes.length) : null,
    seed,
    loopSeed: rng.seed(),
    options,
    draft: {
      formatVersion: 1,
      scene: options.scene ?? "image-recognition",
      modelType: options.modelType ?? "mobilenet-transfer",
      task: "classification",
      labels: classes,
      preprocessing: { kind: "features", featureDim: dim },
      backbone: options.backbone ?? null,
      datasetVersion: options.datasetVersion ?? null,
    },
    architecture: { ...arch, featureDim: dim, ...(options.featureGroups ? { featureGroups: options.featureGroups.join(",") } : {}) },
    startedAt,
    evalInput: (s) => features[s],
    evalTarget: (s) => targets[s],
  });
}
