import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeBundle, encodeBundle } from "./bundle";
import { loadPredictor, type ClassifierPredictor } from "./predictor";
import { intentDataset } from "./testing";
import { trainTextClassifier } from "./text/train-text";

let bundle: Uint8Array;

beforeAll(async () => {
  await tf.setBackend("cpu");
  bundle = (await trainTextClassifier(intentDataset(6, 2), { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 2 })).bundle;
});

/** The same bundle with one layer's config changed (what a hostile upload can send). */
function withLayer(name: string, change: (config: Record<string, unknown>) => void): Uint8Array {
  const { manifest, artifacts } = decodeBundle(bundle);
  const topology = structuredClone(artifacts.modelTopology) as { config: { layers: { config: Record<string, unknown> }[] } };
  const layer = topology.config.layers.find((l) => l.config.name === name);
  if (!layer) throw new Error(`no layer ${name}`);
  change(layer.config);
  return encodeBundle(manifest, { ...artifacts, modelTopology: topology as never });
}

describe("loading a model whose layers declare more than its weights", () => {
  it("refuses a Dense layer of 4,000,000 units before allocating it, and leaks nothing", async () => {
    const hostile = withLayer("logits", (c) => (c.units = 4_000_000));
    const before = tf.memory();
    const started = performance.now();
    await expect(loadPredictor(hostile)).rejects.toMatchObject({ name: "ModelShapeError" });
    // Before the guard, building that layer allocated 4,000,000 × 32 floats (512 MB) first.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });

  it("refuses an embedding table larger than the one in the file", async () => {
    const hostile = withLayer("embedding_bag", (c) => (c.outputDim = 100_000));
    await expect(loadPredictor(hostile)).rejects.toMatchObject({ name: "ModelShapeError" });
  });

  it("still loads the genuine bundle, and several at once", async () => {
    const loaded = (await Promise.all([loadPredictor(bundle), loadPredictor(bundle), loadPredictor(withLayer("logits", (c) => (c.units = 4_000_000))).catch((e) => e)])) as [ClassifierPredictor, ClassifierPredictor, Error];
    expect(loaded[0].task).toBe("classification");
    expect((await loaded[0].predict(["i lost my card"]))[0].label).toBe((await loaded[1].predict(["i lost my card"]))[0].label);
    expect(loaded[2].name).toBe("ModelShapeError");
    loaded[0].dispose();
    loaded[1].dispose();
  });
});
