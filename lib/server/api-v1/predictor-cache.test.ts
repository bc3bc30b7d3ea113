import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { intentDataset } from "@/lib/ml/testing";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
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

  it("does not keep a failed load: the next call loads again", async () => {
    const loads = predictorCacheStats().loads;
    await expect(withPredictor("bad", async () => new Uint8Array([1, 2, 3]), async () => 1)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 0));
    expect(predictorCacheStats().versions).not.toContain("bad");
    await expect(withPredictor("bad", async () => bundle, async () => 2)).resolves.toBe(2);
    expect(predictorCacheStats().loads).toBe(loads + 2);
  });
});
