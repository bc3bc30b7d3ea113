/**
 * "mobilenet-finetune": MobileNetV2 with its top blocks unfrozen and a new softmax layer, trained
 * end to end on the pictures (slower than a head on cached features, but it adapts the network
 * itself to pictures unlike everyday photos).
 *
 * The pictures go through the same preprocessing as the saved model's predictor (image/
 * preprocess.ts, RGB / 255, resized to inputSize), one batch at a time: no feature cache, because
 * the unfrozen blocks change the features every step. The bundle holds the whole network (about
 * 9 MB): it needs no backbone at prediction time.
 *
 * Conv backprop is not registered on the wasm backend (tfjs issue 8474): this trains on webgpu,
 * webgl or cpu (backend.ts skips wasm for this model type).
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random";
import { stratifiedSplit } from "../split";
import { resolveHyperparams, stripUndefined } from "../presets";
import { balancedClassWeights } from "../engine/train-loop";
import { trainAndFinish, validateLabelled, type CommonTrainOptions, type TrainedModel } from "../engine/finish";
import { augmentedViews, joinTrainingCopies } from "./augment";
import { imagesToTensor, type ImagePreprocessing } from "./preprocess";
import type { ImageTrainingData } from "./train-small-cnn";

export interface FineTuneArchitecture {
  /** Top stages unfrozen: 1 = the final 1x1 conv, 2 = also block_16, … (see createFineTuneModel). */
  trainableBlocks: number;
  /** Square input side; smaller trains faster. */
  inputSize: number;
  /** Dropout before the new softmax layer. */
  dropout: number;
}

export const DEFAULT_FINETUNE_ARCHITECTURE: FineTuneArchitecture = { trainableBlocks: 2, inputSize: 160, dropout: 0.2 };

/** What the trainer needs from the MobileNetV2 backbone (backbones/mobilenet.ts). */
export interface FineTunableBackbone {
  package: string;
  version: string;
  createFineTuneModel(options: { trainableBlocks: number; inputSize: number }): Promise<tf.LayersModel>;
}

export interface TrainFineTuneOptions extends CommonTrainOptions {
  backbone: FineTunableBackbone;
  architecture?: Partial<FineTuneArchitecture>;
}

export async function trainFineTunedMobileNet(data: ImageTrainingData, options: TrainFineTuneOptions): Promise<TrainedModel> {
  const startedAt = performance.now();
  const classes = validateLabelled(data.images.length, data.labels);
  const index = new Map(classes.map((c, i) => [c, i]));
  const baseTargets = Int32Array.from(data.labels, (l) => index.get(l)!);
  const hyper = resolveHyperparams("image-finetune", options.preset, options.hyperparams);
  const arch: FineTuneArchitecture = { ...DEFAULT_FINETUNE_ARCHITECTURE, ...stripUndefined(options.architecture) };
  if (!(Number.isInteger(arch.inputSize) && arch.inputSize >= 32 && arch.inputSize <= 224)) throw new RangeError(`inputSize must be an integer from 32 to 224, got ${arch.inputSize}`);
  const seed = options.seed ?? 42;
  const rng = createRng(seed);
  const baseSplit = stratifiedSplit(data.labels, { validationFraction: hyper.validationFraction, seed: rng.seed() });
  const aug = augmentedViews(data.images, baseSplit.train, hyper.augmentViews, seed);
  const images = [...data.images, ...aug.images];
  const { targets, split } = joinTrainingCopies(baseTargets, baseSplit, aug.source);
  const prep: ImagePreprocessing = { kind: "image", width: arch.inputSize, height: arch.inputSize, channels: 3, scale: 1 / 255, offset: 0 };

  const base = await options.backbone.createFineTuneModel({ trainableBlocks: arch.trainableBlocks, inputSize: arch.inputSize });
  const dropout = tf.layers.dropout({ rate: arch.dropout, name: "finetune_dropout" });
  const logits = tf.layers.dense({ units: classes.length, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: "logits" });
  const softmax = tf.layers.activation({ activation: "softmax", name: "probabilities" });
  const input = base.inputs[0];
  const features = base.apply(input) as tf.SymbolicTensor;
  const output = softmax.apply(logits.apply(dropout.apply(features))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: "mobilenet_v2_finetuned" });

  return trainAndFinish({
    model,
    // base runs as one layer: its frozen blocks contribute no trainable weights.
    trainLayers: [base, dropout, logits],
    input: { forward: (samples) => imagesToTensor(samples.map((s) => images[s]), prep) },
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
      modelType: "mobilenet-finetune",
      task: "classification",
      labels: classes,
      preprocessing: prep,
      backbone: null,
      datasetVersion: options.datasetVersion ?? null,
    },
    architecture: {
      base: `mobilenet-v2 (${options.backbone.package}@${options.backbone.version})`,
      trainableBlocks: arch.trainableBlocks,
      inputSize: arch.inputSize,
      dropout: arch.dropout,
    },
    startedAt,
    evalInput: (s) => images[s],
    evalTarget: (s) => targets[s],
  });
}
