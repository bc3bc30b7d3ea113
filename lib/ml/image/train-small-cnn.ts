/**
 * "small-cnn": a small convolutional network trained from scratch on small images
 * (3 x [conv 3x3 relu → max pool 2] → global average pool → dropout → dense softmax).
 * Images are resized and scaled once, up front, by the same code the predictor uses.
 * Conv backprop is not registered on the wasm backend (tfjs issue 8474): train on webgpu,
 * webgl or cpu (backend.ts skips wasm for this model type).
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random";
import { stratifiedSplit } from "../split";
import { augmentedViews, joinTrainingCopies } from "./augment";
import { resolveHyperparams, stripUndefined } from "../presets";
import { balancedClassWeights } from "../engine/train-loop";
import { trainAndFinish, validateLabelled, type CommonTrainOptions, type TrainedModel } from "../engine/finish";
import { imageToTensor, type ImagePreprocessing } from "./preprocess";
import type { RawImage } from "../types";

export interface SmallCnnArchitecture {
  /** Filters of each conv block; each block halves the resolution. */
  filters: number[];
  dropout: number;
}

export const DEFAULT_SMALL_CNN_ARCHITECTURE: SmallCnnArchitecture = { filters: [16, 32, 64], dropout: 0.3 };

export interface ImageTrainingData {
  images: readonly RawImage[];
  labels: readonly string[];
}

export interface TrainSmallCnnOptions extends CommonTrainOptions {
  /** Images are resized to size x size. Default 64. */
  imageSize?: number;
  /** 3 = colour, 1 = grey. Default 3. */
  channels?: 1 | 3;
  architecture?: Partial<SmallCnnArchitecture>;
}

export async function trainSmallCnn(data: ImageTrainingData, options: TrainSmallCnnOptions = {}): Promise<TrainedModel> {
  const startedAt = performance.now();
  const classes = validateLabelled(data.images.length, data.labels);
  const index = new Map(classes.map((c, i) => [c, i]));
  const baseTargets = Int32Array.from(data.labels, (l) => index.get(l)!);
  const size = options.imageSize ?? 64;
  const prep: ImagePreprocessing = { kind: "image", width: size, height: size, channels: options.channels ?? 3, scale: 1 / 255, offset: 0 };
  const hyper = resolveHyperparams("image-cnn", options.preset, options.hyperparams);
  const arch: SmallCnnArchitecture = { ...DEFAULT_SMALL_CNN_ARCHITECTURE, ...stripUndefined(options.architecture) };
  const seed = options.seed ?? 42;
  const rng = createRng(seed);
  const baseSplit = stratifiedSplit(data.labels, { validationFraction: hyper.validationFraction, seed: rng.seed() });
  // Augmented views of the training pictures join the training part only (see augment.ts).
  const aug = augmentedViews(data.images, baseSplit.train, hyper.augmentViews, seed);
  const images = [...data.images, ...aug.images];
  const { targets, split } = joinTrainingCopies(baseTargets, baseSplit, aug.source);

  // Every image once → one Float32Array [n, size, size, channels]; tensors are freed at once.
  // Read back asynchronously: webgpu's dataSync() goes through a canvas and broke the device
  // ("mapAsync ... no valid external Instance") in Chromium's WebGPU (bench/results/scenes.md).
  const per = size * size * prep.channels;
  const pixels = new Float32Array(images.length * per);
  for (let i = 0; i < images.length; i++) {
    const t = imageToTensor(images[i], prep);
    try {
      pixels.set(await t.data(), i * per);
    } finally {
      t.dispose();
    }
  }

  const layers: tf.layers.Layer[] = [];
  arch.filters.forEach((filters, i) => {
    layers.push(
      tf.layers.conv2d({
        filters,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tf.initializers.heNormal({ seed: rng.seed() }),
        name: `conv_${i + 1}`,
        ...(i === 0 ? { inputShape: [size, size, prep.channels] } : {}),
      }),
    );
    layers.push(tf.layers.maxPooling2d({ poolSize: 2, name: `pool_${i + 1}` }));
  });
  layers.push(tf.layers.globalAveragePooling2d({ name: "global_pool" }));
  if (arch.dropout > 0) layers.push(tf.layers.dropout({ rate: arch.dropout, name: "dropout" }));
  layers.push(tf.layers.dense({ units: classes.length, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: "logits" }));
  layers.push(tf.layers.activation({ activation: "softmax", name: "probabilities" }));
  const model = tf.sequential({ layers });

  return trainAndFinish({
    model,
    trainLayers: model.layers.slice(0, -1),
    input: {
      forward: (samples) => {
        const batch = new Float32Array(samples.length * per);
        samples.forEach((s, i) => batch.set(pixels.subarray(s * per, (s + 1) * per), i * per));
        return tf.tensor4d(batch, [samples.length, size, size, prep.channels]);
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
      modelType: "small-cnn",
      task: "classification",
      labels: classes,
      preprocessing: prep,
      backbone: null,
      datasetVersion: options.datasetVersion ?? null,
    },
    architecture: { filters: arch.filters.join(","), dropout: arch.dropout, imageSize: size, channels: prep.channels },
    startedAt,
    evalInput: (s) => images[s],
    evalTarget: (s) => targets[s],
  });
}
