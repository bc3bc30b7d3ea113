import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOBILENET_V2_FEATURE_DIM, preprocessImages, type MobileNetBackbone } from "./mobilenet";
import { loadMobileNetFromNodeModules } from "./node";
import { convertNsfwjsMobileNetV2 } from "./nsfwjs-convert.mjs";
import { decodePng, listClassFolders, nearestCentroidLoo, ridgeLoo } from "./testing";
import type { RawImage } from "./types";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const NODE_MODULES = path.join(ROOT, "node_modules");
const SAMPLES = path.join(ROOT, "public", "samples");
const nsfwjsVersion = JSON.parse(fs.readFileSync(path.join(NODE_MODULES, "nsfwjs", "package.json"), "utf8")).version;

const readImage = (file: string): RawImage => decodePng(fs.readFileSync(file));
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const circle = readImage(path.join(SAMPLES, "image-recognition", "circle", "circle-01.png"));
const square = readImage(path.join(SAMPLES, "image-recognition", "square", "square-01.png"));
let cpuFeatures: Float32Array;

describe("MobileNetV2 backbone, tfjs CPU backend", () => {
  let backbone: MobileNetBackbone;

  beforeAll(async () => {
    await tf.setBackend("cpu");
    backbone = await loadMobileNetFromNodeModules(NODE_MODULES);
  });
  afterAll(() => backbone?.dispose());

  it("loads the nsfwjs weights and describes itself", () => {
    expect(backbone.id).toBe("mobilenet-v2-1280");
    expect(backbone.package).toBe("nsfwjs");
    expect(backbone.version).toBe(nsfwjsVersion);
    expect(backbone.featureDim).toBe(1280);
    expect(backbone.inputSize).toBe(224);
    expect(backbone.model.outputs[0].shape).toEqual([null, 1280]);
    // BatchNorm is folded into the convolutions
    expect(backbone.model.layers.some((l) => l.getClassName() === "BatchNormalization")).toBe(false);
  });

  it("gives 1280-d features, deterministically, without leaking tensors", async () => {
    const before = tf.memory().numTensors;
    const [a] = await backbone.embed([circle]);
    const [b] = await backbone.embed([circle]);
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(MOBILENET_V2_FEATURE_DIM);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Math.max(...a)).toBeGreaterThan(0);
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-6);
    cpuFeatures = a;
  });

  it("multi-scale features: the pooled 1280 first, then 1600 from block_16, no leaks, disposes cleanly", async () => {
    const ms = await loadMobileNetFromNodeModules(NODE_MODULES, { features: "multiscale" });
    try {
      expect([ms.id, ms.featureDim, ms.model.outputs[0].shape]).toEqual(["mobilenet-v2-ms-2880", 2880, [null, 2880]]);
      const before = tf.memory().numTensors;
      const [a, s] = await ms.embed([circle, square]);
      expect(tf.memory().numTensors).toBe(before);
      expect(a.length).toBe(2880);
      const [pooled] = await backbone.embed([circle]);
      expect(maxAbsDiff(a.subarray(0, 1280), pooled)).toBeLessThanOrEqual(1e-5);
      // The block_16 part: its global mean equals the mean of its four quadrant means only
      // approximately (the quadrants overlap), and it tells the two shapes apart.
      const block = a.subarray(1280);
      expect(block.every(Number.isFinite)).toBe(true);
      expect(maxAbsDiff(block, s.subarray(1280))).toBeGreaterThan(1e-3);
    } finally {
      const before = tf.memory().numTensors;
      ms.dispose();
      expect(tf.memory().numTensors).toBeLessThan(before);
    }
  });

  it("mid-level features: block_9 and block_12 3x3 grids, block_15 whole + 2x2, then the pooled 1280; groups add up; no leaks", async () => {
    const ml = await loadMobileNetFromNodeModules(NODE_MODULES, { features: "midlevel" });
    try {
      expect([ml.id, ml.featureDim, ml.model.outputs[0].shape]).toEqual(["mobilenet-v2-ml-3520", 3520, [null, 3520]]);
      expect(ml.featureGroups).toEqual([576, 864, 800, 1280]);
      const before = tf.memory().numTensors;
      const [a, s] = await ml.embed([circle, square]);
      expect(tf.memory().numTensors).toBe(before);
      expect(a.length).toBe(3520);
      expect(a.every(Number.isFinite)).toBe(true);
      const [pooled] = await backbone.embed([circle]);
      expect(maxAbsDiff(a.subarray(2240), pooled)).toBeLessThanOrEqual(1e-5);
      // The grids are averages of the layers' maps: check block_12's first cell (rows and
      // columns 0-5) and block_15's global mean against the layers themselves.
      const probe = tf.model({ inputs: ml.model.inputs, outputs: [ml.model.getLayer("block_12_add").output as tf.SymbolicTensor, ml.model.getLayer("block_15_add").output as tf.SymbolicTensor] });
      const [b12, b15] = tf.tidy(() => (probe.predict(preprocessImages([circle])) as tf.Tensor4D[]).map((t) => t.clone()));
      const cell = tf.tidy(() => tf.mean(tf.slice(b12, [0, 0, 0, 0], [1, 6, 6, 96]), [0, 1, 2]));
      const mean15 = tf.tidy(() => tf.mean(b15, [0, 1, 2]));
      // Channels-last flatten of [3, 3, 96]: cell (0, 0) is the first 96 values of the block.
      expect(maxAbsDiff(a.subarray(576, 576 + 96), cell.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(a.subarray(1440, 1600), mean15.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-4);
      tf.dispose([b12, b15, cell, mean15]);
      // The mid-level part tells the two shapes apart.
      expect(maxAbsDiff(a.subarray(0, 2240), s.subarray(0, 2240))).toBeGreaterThan(1e-3);
    } finally {
      const before = tf.memory().numTensors;
      ml.dispose();
      expect(tf.memory().numTensors).toBeLessThan(before);
    }
  });

  it("fine-tune model: only the top blocks train, the rest stays frozen", async () => {
    // A 32-pixel input keeps this test fast on the CPU backend, whose conv filter gradients are
    // slow (the network is fully convolutional, so any input size works).
    const base = await backbone.createFineTuneModel({ trainableBlocks: 2, inputSize: 32 });
    expect(base.inputs[0].shape).toEqual([null, 32, 32, 3]);
    const names = base.trainableWeights.map((w) => w.originalName);
    expect(names.sort()).toEqual(
      [
        "Conv_1/bias",
        "Conv_1/kernel",
        "block_16_depthwise/bias",
        "block_16_depthwise/depthwise_kernel",
        "block_16_expand/bias",
        "block_16_expand/kernel",
        "block_16_project/bias",
        "block_16_project/kernel",
      ].sort(),
    );
    const head = tf.layers.dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) });
    const model = tf.model({ inputs: base.inputs, outputs: head.apply(base.outputs[0]) as tf.SymbolicTensor });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy" });
    const weight = (name: string) => model.weights.find((w) => w.originalName === name)!.read().dataSync().slice();
    const frozenBefore = weight("block_15_project/kernel");
    const trainableBefore = [weight("Conv_1/kernel"), weight("block_16_project/kernel")];
    const x = preprocessImages([circle, square], 32);
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    await model.trainOnBatch(x, y);
    expect(maxAbsDiff(weight("block_15_project/kernel"), frozenBefore)).toBe(0);
    expect(maxAbsDiff(weight("Conv_1/kernel"), trainableBefore[0])).toBeGreaterThan(0);
    expect(maxAbsDiff(weight("block_16_project/kernel"), trainableBefore[1])).toBeGreaterThan(0);
    tf.dispose([x, y]);
    model.dispose();
    const frozen = await backbone.createFineTuneModel({ trainableBlocks: 0 });
    expect(frozen.trainableWeights.length).toBe(0);
    frozen.dispose();
  });
});

describe("MobileNetV2 backbone, tfjs WASM backend", () => {
  let backbone: MobileNetBackbone;

  beforeAll(async () => {
    await tf.setBackend("wasm");
    backbone = await loadMobileNetFromNodeModules(NODE_MODULES);
  });
  afterAll(() => backbone?.dispose());

  it("matches the unfused reference network and the CPU backend", async () => {
    const { modelJson, shards } = convertNsfwjsMobileNetV2(NODE_MODULES);
    const original = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData: shards[0].data.slice().buffer,
      }),
    );
    const pooled = tf.layers.globalAveragePooling2d({}).apply(original.getLayer("out_relu").output) as tf.SymbolicTensor;
    const reference = tf.model({ inputs: original.inputs, outputs: pooled });
    // nsfwjs' own preprocessing: /255, bilinear resize with alignCorners
    const expected = tf.tidy(() => {
      const x = tf.tensor3d(Int32Array.from(circle.data), [circle.height, circle.width, 3], "int32");
      const resized = tf.image.resizeBilinear(tf.div(tf.cast(x, "float32"), 255) as tf.Tensor3D, [224, 224], true);
      return (reference.predict(tf.expandDims(resized, 0)) as tf.Tensor).dataSync().slice();
    });
    original.dispose();
    const [actual] = await backbone.embed([circle]);
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-4);
    expect(maxAbsDiff(actual, cpuFeatures)).toBeLessThan(1e-4);
  });

  it("accepts a [n, h, w, 3] pixel tensor as well as images", async () => {
    const pixels = tf.tensor4d(Int32Array.from([...circle.data, ...square.data]), [2, 96, 96, 3], "int32");
    const before = tf.memory().numTensors;
    const fromTensor = await backbone.embedPixels(pixels);
    expect(tf.memory().numTensors).toBe(before);
    pixels.dispose();
    const fromImages = await backbone.embed([circle, square]);
    expect(fromTensor.length).toBe(2);
    expect(maxAbsDiff(fromTensor[0], fromImages[0])).toBeLessThan(1e-5);
    expect(maxAbsDiff(fromTensor[1], fromImages[1])).toBeLessThan(1e-5);
  });

  it("separates the image-recognition sample classes", async () => {
    const items = listClassFolders(path.join(SAMPLES, "image-recognition"), ".png");
    expect(items.length).toBeGreaterThanOrEqual(60);
    const before = tf.memory().numTensors;
    const features = await backbone.embed(items.map((i) => readImage(i.file)));
    expect(tf.memory().numTensors).toBe(before);
    const labels = items.map((i) => i.label);
    const centroid = nearestCentroidLoo(features, labels);
    const linear = ridgeLoo(features, labels);
    console.info(`image-recognition samples: nearest-centroid LOO ${centroid.toFixed(3)}, linear LOO ${linear.toFixed(3)}`);
    expect(centroid).toBeGreaterThanOrEqual(0.9);
    expect(linear).toBeGreaterThanOrEqual(0.95);
  });

  it("separates the image-tagging sample tags", async () => {
    const dir = path.join(SAMPLES, "image-tagging");
    const rows = fs
      .readFileSync(path.join(dir, "tags.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(","));
    const features = await backbone.embed(rows.map(([file]) => readImage(path.join(dir, file))));
    // tags come in three groups: colour; shape; size
    const accuracy = [0, 1, 2].map((g) => ridgeLoo(features, rows.map(([, tags]) => tags.split(";")[g])));
    console.info(`image-tagging samples, linear LOO: colour ${accuracy[0].toFixed(3)}, shape ${accuracy[1].toFixed(3)}, size ${accuracy[2].toFixed(3)}`);
    expect(accuracy[0]).toBeGreaterThanOrEqual(0.75);
    expect(accuracy[1]).toBeGreaterThanOrEqual(0.9);
    expect(accuracy[2]).toBeGreaterThanOrEqual(0.9);
  });
});
