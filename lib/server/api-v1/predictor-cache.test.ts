import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { intentDataset } from "@/lib/ml/testing";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { trainTabularModel } from "@/lib/ml/tabular/train-tabular";
import { tabularDataset } from "@/lib/ml/testing";
import { decodeBundle, encodeBundle } from "@/lib/ml/bundle";
import type { Predictor } from "@/lib/ml/predictor";
import { MOBILENET_V2_ID, MOBILENET_V2_ML_ID, MOBILENET_V2_MS_ID } from "@/lib/ml/backbones/mobilenet";
import { SPEECH_BACKBONE_ID } from "@/lib/ml/backbones/speech";
import { NODE_BACKBONES } from "./backbones";
import { clearPredictorCache, nodeBackbone, predictorCacheStats, withPredictor } from "./predictor-cache";

let bundle: Uint8Array;

beforeAll(async () => {
  await tf.setBackend("cpu");
  bundle = (await trainTextClassifier(intentDataset(6, 2), { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 1 })).bundle;
}, 60_000);

afterEach(() => {
  clearPredictorCache();
  delete process.env.STUDIO_API_MODEL_CACHE;
});

describe("predictor cache", () => {
  it("keeps the most recently used versions, disposes evicted ones, and frees their tensors", async () => {
    process.env.STUDIO_API_MODEL_CACHE = "2";
    const tensorsBefore = tf.memory().numTensors;
    const held: Record<string, Predictor> = {};
    for (const v of ["v1", "v2", "v1", "v3"]) {
      await withPredictor(v, async () => bundle, async (p) => {
        held[v] = p;
        await p.predict(["hello"]);
      });
    }
    // v2 was the least recently used when v3 came in.
    expect(predictorCacheStats().versions).toEqual(["v1", "v3"]);
    await new Promise((r) => setTimeout(r, 0));
    await expect(held.v2.predict(["hello"])).rejects.toThrow(/disposed/);
    await expect(held.v1.predict(["hello"])).resolves.toHaveLength(1);
    clearPredictorCache();
    await new Promise((r) => setTimeout(r, 0));
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it("waits for requests still using an evicted predictor before disposing it", async () => {
    process.env.STUDIO_API_MODEL_CACHE = "1";
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = withPredictor("a", async () => bundle, async (p) => {
      await gate;
      return p.predict(["still here"]);
    });
    await new Promise((r) => setTimeout(r, 50));
    await withPredictor("b", async () => bundle, async (p) => p.predict(["hi"])); // evicts "a"
    expect(predictorCacheStats().versions).toEqual(["b"]);
    release();
    await expect(slow).resolves.toHaveLength(1);
  });

  it("names the backbones it can load by their registry ids", () => {
    expect(NODE_BACKBONES).toEqual([MOBILENET_V2_ID, MOBILENET_V2_MS_ID, MOBILENET_V2_ML_ID, SPEECH_BACKBONE_ID]);
    expect(nodeBackbone("unknown-backbone")).toBeNull();
  });

  it("does not keep a load that failed for a passing reason (storage unreachable): the next call loads again", async () => {
    const loads = predictorCacheStats().loads;
    await expect(withPredictor("bad", async () => Promise.reject(new Error("storage unavailable")), async () => 1)).rejects.toThrow("storage unavailable");
    await new Promise((r) => setTimeout(r, 0));
    expect(predictorCacheStats().versions).not.toContain("bad");
    await expect(withPredictor("bad", async () => bundle, async () => 2)).resolves.toBe(2);
    expect(predictorCacheStats().loads).toBe(loads + 2);
  });

  it("a bundle whose layers do not match its weights fails at once, every time, without loading it again", async () => {
    const rows = tabularDataset(40, 3);
    const tabular = (await trainTabularModel(rows, { scene: "tabular-prediction", modelType: "mlp", target: "kind", preset: "fast", seed: 1 } as never)).bundle;
    const { manifest, artifacts } = decodeBundle(tabular);
    const topology = structuredClone(artifacts.modelTopology) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const dense = topology.config.layers.find((l) => l.class_name === "Dense")!;
    dense.config.units = 4_000_000;
    const hostile = encodeBundle(manifest, { ...artifacts, modelTopology: topology as never });
    const loadsBefore = predictorCacheStats().loads;
    for (let i = 0; i < 3; i++) {
      await expect(withPredictor("hostile", async () => hostile, async () => "ran")).rejects.toMatchObject({ name: "ModelShapeError" });
    }
    expect(predictorCacheStats().loads - loadsBefore).toBe(1);
  });
});
