import { beforeAll, describe, expect, it, vi } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { trainClassifierHead } from "./train-head";
import { trainSmallCnn } from "./train-small-cnn";
import { imageToTensor } from "./preprocess";
import { loadPredictor, type ClassifierPredictor } from "../predictor";
import { decodeBundle, encodeBundle } from "../bundle";
import type { Backbone } from "../backbone";
import { blobFeatures, stripeImages } from "../testing";
import type { RawImage } from "../types";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

async function expectSameOutputs(bundle: Uint8Array, inputs: (Float32Array | RawImage)[]) {
  const a = (await loadPredictor(bundle)) as ClassifierPredictor;
  const d = decodeBundle(bundle);
  const b = (await loadPredictor(encodeBundle(d.manifest, d.artifacts))) as ClassifierPredictor;
  const pa = await a.predictProbabilities(inputs);
  const pb = await b.predictProbabilities(inputs);
  pa.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - pb[i][j])).toBeLessThanOrEqual(1e-6)));
  a.dispose();
  b.dispose();
}

describe("image head on backbone features", () => {
  const all = blobFeatures(4, 40, 1280, 7, 2.5);
  const data = { features: all.features.slice(0, 120), labels: all.labels.slice(0, 120) };
  const fresh = { features: all.features.slice(120), labels: all.labels.slice(120) };

  it("trains on Float32Array features above the floor, without leaks, and round-trips exactly", async () => {
    const before = tf.memory().numTensors;
    const result = await trainClassifierHead(data, {
      seed: 2,
      backbone: { id: "mobilenet-v2-1280", package: "nsfwjs", version: "4.4.0" },
      architecture: { hiddenUnits: 16 },
      hyperparams: { epochs: 6, batchSize: 16, learningRate: 0.003, patience: 0 },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.manifest.modelType).toBe("mobilenet-transfer");
    expect(result.manifest.backbone?.id).toBe("mobilenet-v2-1280");
    expect(result.manifest.preprocessing).toEqual({ kind: "features", featureDim: 1280 });
    expect(result.manifest.metrics?.kind === "classification" && result.manifest.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    await expectSameOutputs(result.bundle, data.features.slice(0, 8));

    // With a backbone, the predictor takes images and embeds them first.
    const fake: Backbone<unknown> = {
      id: "mobilenet-v2-1280",
      package: "nsfwjs",
      version: "4.4.0",
      featureDim: 1280,
      embed: async (batch) => batch.map((_, i) => fresh.features[i]),
      dispose: () => {},
    };
    const predictor = (await loadPredictor(result.bundle, { backbone: fake })) as ClassifierPredictor;
    const img: RawImage = { width: 1, height: 1, channels: 3, data: new Uint8Array(3) };
    const viaImages = await predictor.predict([img, img, img, img]);
    const viaFeatures = await predictor.predict(fresh.features.slice(0, 4));
    expect(viaImages.map((p) => p.label)).toEqual(viaFeatures.map((p) => p.label));
    const all = await predictor.predict(fresh.features);
    expect(all.filter((p, i) => p.label === fresh.labels[i]).length / all.length).toBeGreaterThanOrEqual(0.9);
    predictor.dispose();

    const noBackbone = (await loadPredictor(result.bundle)) as ClassifierPredictor;
    await expect(noBackbone.predict([img])).rejects.toThrow(/needs the "mobilenet-v2-1280" backbone/);
    await expect(noBackbone.predict([new Float32Array(3)])).rejects.toThrow(/length 1280/);
    const loaded = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await noBackbone.predict([fresh.features[i % 40]]);
    expect(tf.memory().numTensors).toBe(loaded);
    noBackbone.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("feature blocks (Backbone.featureGroups): a fixed standardize layer from training samples only; a tiny informative block still wins", async () => {
    // Block A (8 dims) tells the classes apart at a scale of 1e-3; block B (200 dims) is noise at
    // a scale of 10. Scaling each block to the same total variance lets the head see A.
    const rng = blobFeatures(2, 60, 208, 11, 0.6);
    const features = rng.features.map((f, i) =>
      Float32Array.from(f, (v, k) => (k < 8 ? v * 1e-3 : Math.sin(i * 7.3 + k * 1.7) * 10)),
    );
    const before = tf.memory().numTensors;
    const result = await trainClassifierHead(
      { features, labels: rng.labels },
      { seed: 3, featureGroups: [8, 200], architecture: { hiddenUnits: 16 }, hyperparams: { epochs: 12, batchSize: 16, learningRate: 0.003, patience: 0 } },
    );
    expect(tf.memory().numTensors).toBe(before);
    const metrics = result.manifest.metrics;
    if (metrics?.kind !== "classification") throw new Error("expected classification metrics");
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.manifest.training?.architecture).toMatchObject({ featureGroups: "8,200" });

    // The layer's offset is the mean of the training samples: validation samples (the ones in the
    // confusion matrix) never enter it.
    const validation = new Set(metrics.cells.flatMap((c) => c.samples));
    expect(validation.size).toBe(result.manifest.training?.validationSamples);
    const train = features.filter((_, i) => !validation.has(i));
    const expectedOffset = Float32Array.from({ length: 208 }, (_, k) => train.reduce((a, f) => a + f[k], 0) / train.length);
    const model = await tf.loadLayersModel(tf.io.fromMemory(decodeBundle(result.bundle).artifacts));
    const layer = model.layers[0];
    expect(layer.getClassName()).toBe("AimsFeatureStandardize");
    expect(layer.trainableWeights).toHaveLength(0);
    const [offset, scale] = layer.getWeights().map((w) => w.dataSync() as Float32Array);
    expect(Math.max(...Array.from(offset, (v, k) => Math.abs(v - expectedOffset[k]) / (Math.abs(expectedOffset[k]) + 1e-6)))).toBeLessThan(1e-4);
    // One scale per block, the tiny block's far larger.
    expect(new Set(scale.subarray(0, 8)).size).toBe(1);
    expect(new Set(scale.subarray(8)).size).toBe(1);
    expect(scale[0] / scale[8]).toBeGreaterThan(1000);
    model.dispose();
    await expectSameOutputs(result.bundle, features.slice(0, 8));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects feature blocks that do not add up to the feature length", async () => {
    await expect(trainClassifierHead({ features: blobFeatures(2, 4, 6).features, labels: blobFeatures(2, 4, 6).labels }, { featureGroups: [2, 3] })).rejects.toThrow(/do not add up to 6/);
  });

  it("rejects ragged features", async () => {
    await expect(trainClassifierHead({ features: [new Float32Array(4), new Float32Array(3)], labels: ["a", "b"] })).rejects.toThrow(/length 4/);
  });
});

describe("small CNN from scratch", () => {
  it("learns stripes vs dots on 8x8 images, without leaks, and round-trips exactly", async () => {
    const data = stripeImages(12, 8, 3);
    const before = tf.memory().numTensors;
    const result = await trainSmallCnn(data, {
      seed: 1,
      imageSize: 8,
      architecture: { filters: [4, 8], dropout: 0 },
      hyperparams: { epochs: 8, batchSize: 10, learningRate: 0.02, patience: 0 },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.manifest.preprocessing).toEqual({ kind: "image", width: 8, height: 8, channels: 3, scale: 1 / 255, offset: 0 });
    expect(result.manifest.metrics?.kind === "classification" && result.manifest.metrics.accuracy).toBeGreaterThanOrEqual(0.85);
    const test = stripeImages(6, 8, 99);
    const predictor = (await loadPredictor(result.bundle)) as ClassifierPredictor;
    const preds = await predictor.predict(test.images);
    expect(preds.filter((p, i) => p.label === test.labels[i]).length / preds.length).toBeGreaterThanOrEqual(0.8);
    // RGBA input (e.g. canvas ImageData) of another size is converted and resized.
    const rgba: RawImage = { width: 16, height: 16, channels: 4, data: new Uint8ClampedArray(16 * 16 * 4).fill(128) };
    expect((await predictor.predict([rgba]))[0].confidence).toBeGreaterThan(0);
    const loaded = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await predictor.predict([test.images[i % test.images.length]]);
    expect(tf.memory().numTensors).toBe(loaded);
    predictor.dispose();
    await expectSameOutputs(result.bundle, test.images.slice(0, 6));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reads pixels back asynchronously (webgpu's dataSync goes through a canvas and broke the device)", async () => {
    const data = stripeImages(6, 8, 5);
    const sync = vi.spyOn(tf.Tensor.prototype, "dataSync");
    try {
      await trainSmallCnn(data, { seed: 1, imageSize: 8, architecture: { filters: [4], dropout: 0 }, hyperparams: { epochs: 1, batchSize: 6, patience: 0 } });
      expect(sync).not.toHaveBeenCalled();
    } finally {
      sync.mockRestore();
    }
  });

  it("preprocesses RGBA, grey and resized images consistently", () => {
    const prep = { kind: "image" as const, width: 2, height: 2, channels: 3 as const, scale: 1 / 255, offset: 0 };
    const rgba: RawImage = { width: 2, height: 2, channels: 4, data: Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 0]) };
    const t = imageToTensor(rgba, prep);
    expect(Array.from(t.dataSync())).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    t.dispose();
    const grey = imageToTensor({ width: 4, height: 4, channels: 1, data: new Uint8Array(16).fill(51) }, prep);
    expect(grey.shape).toEqual([2, 2, 3]);
    for (const v of grey.dataSync()) expect(v).toBeCloseTo(0.2, 5);
    grey.dispose();
    expect(() => imageToTensor({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }, prep)).toThrow(/RawImage/);
  });
});
