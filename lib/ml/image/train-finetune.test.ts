import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMobileNetFromNodeModules } from "../backbones/node";
import { decodePng, listClassFolders } from "../backbones/testing";
import type { MobileNetBackbone } from "../backbones/mobilenet";
import { decodeBundle, encodeBundle } from "../bundle";
import { loadPredictor, type ClassifierPredictor } from "../predictor";
import { trainFineTunedMobileNet } from "./train-finetune";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const samples = listClassFolders(path.join(ROOT, "public", "samples", "image-recognition"), ".png");
const images = samples.map((s) => decodePng(fs.readFileSync(s.file)));
const labels = samples.map((s) => s.label);

// Conv backprop on the tfjs cpu backend is slow: 32-pixel pictures keep these runs short.
describe("MobileNetV2 fine-tuning (tfjs cpu, 32-pixel input)", { timeout: 240_000 }, () => {
  let backbone: MobileNetBackbone;
  beforeAll(async () => {
    await tf.setBackend("cpu");
    backbone = await loadMobileNetFromNodeModules(path.join(ROOT, "node_modules"));
  });
  afterAll(() => backbone?.dispose());

  it("trains the top block and a new softmax on the sample shapes, leaks nothing, and round-trips exactly", async () => {
    const before = tf.memory().numTensors;
    const trained = await trainFineTunedMobileNet(
      { images, labels },
      { backbone, seed: 5, architecture: { inputSize: 32, trainableBlocks: 1 }, hyperparams: { epochs: 3, batchSize: 16, learningRate: 3e-3, patience: 0, validationFraction: 0.2 } },
    );
    expect(tf.memory().numTensors).toBe(before);
    const m = trained.manifest;
    expect(m.modelType).toBe("mobilenet-finetune");
    expect(m.backbone).toBeNull(); // self-contained: the network is in the bundle
    expect(m.preprocessing).toMatchObject({ kind: "image", width: 32, height: 32, channels: 3 });
    expect(m.training?.architecture).toMatchObject({ trainableBlocks: 1, inputSize: 32 });
    // 3 shapes, 12 held-out pictures, 32 pixels, 3 epochs: chance is 33 % (this seed scores 83 %).
    expect(m.metrics?.kind === "classification" && m.metrics.accuracy).toBeGreaterThanOrEqual(0.6);

    // Save → load: the same probabilities, and from raw pictures (no backbone needed).
    const a = (await loadPredictor(trained.bundle)) as ClassifierPredictor;
    const d = decodeBundle(trained.bundle);
    const b = (await loadPredictor(encodeBundle(d.manifest, d.artifacts))) as ClassifierPredictor;
    const pa = await a.predictProbabilities(images.slice(0, 6));
    const pb = await b.predictProbabilities(images.slice(0, 6));
    pa.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - pb[i][j])).toBeLessThanOrEqual(1e-6)));
    const afterLoad = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await a.predict([images[i % images.length]]);
    expect(tf.memory().numTensors).toBe(afterLoad);
    a.dispose();
    b.dispose();
  });

  it("leaves the frozen blocks exactly as they were and changes the unfrozen ones", async () => {
    const trained = await trainFineTunedMobileNet(
      { images, labels },
      { backbone, seed: 1, architecture: { inputSize: 32, trainableBlocks: 2 }, hyperparams: { epochs: 1, batchSize: 16, learningRate: 1e-2, patience: 0 } },
    );
    const d = decodeBundle(trained.bundle);
    const saved = tf.io.decodeWeights(d.artifacts.weightData as ArrayBuffer, d.artifacts.weightSpecs!);
    const reference = await backbone.createFineTuneModel({ trainableBlocks: 0, inputSize: 32 });
    const maxDiff = async (layer: string) => {
      const ref = reference.getLayer(layer).getWeights()[0];
      const key = Object.keys(saved).find((k) => k.startsWith(`${layer}/`) && saved[k].size === ref.size)!;
      expect(key).toBeDefined();
      return tf.tidy(() => tf.max(tf.abs(tf.sub(saved[key].reshape(ref.shape), ref)))).dataSync()[0];
    };
    expect(await maxDiff("block_15_project")).toBe(0); // frozen
    expect(await maxDiff("block_16_project")).toBeGreaterThan(0); // the second unfrozen block
    expect(await maxDiff("Conv_1")).toBeGreaterThan(0); // trained
    reference.dispose();
    tf.dispose(Object.values(saved));
  });
});
