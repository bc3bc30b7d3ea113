import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { loadPredictor, type TaggerPredictor } from "../predictor";
import { multiLabelFeatures } from "../testing";
import { bestThreshold, trainTagHead } from "./train-tags";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("multi-label tag head", () => {
  it("picks the F1-maximising threshold per tag", () => {
    expect(bestThreshold([0.1, 0.2, 0.3, 0.35], [false, false, true, true])).toBeCloseTo(0.25, 9);
    expect(bestThreshold([0.9, 0.8], [false, false])).toBe(0.5);
    expect(bestThreshold([0.6, 0.7, 0.4], [true, true, false])).toBe(0.5); // every separating threshold ties: closest to 0.5
  });

  it("trains above the floor with tuned thresholds, without leaks, and round-trips exactly", async () => {
    const data = multiLabelFeatures(200, 16, 3);
    const before = tf.memory().numTensors;
    const result = await trainTagHead(data, { seed: 2, hyperparams: { epochs: 30, patience: 0 }, architecture: { hiddenUnits: 32 } });
    expect(tf.memory().numTensors).toBe(before);
    const m = result.manifest;
    if (m.metrics?.kind !== "multi-label" || m.payload?.kind !== "multi-label") throw new Error("metrics");
    console.log(`Tags synthetic: micro-F1 ${m.metrics.microF1.toFixed(3)} macro-F1 ${m.metrics.macroF1.toFixed(3)} exact ${m.metrics.exactMatch.toFixed(3)} on ${m.metrics.samples}; thresholds ${m.payload.thresholds.map((t) => t.toFixed(2)).join(",")}; ${Math.round(result.trainingMs)} ms`);
    expect(m.labels).toEqual(["car", "night", "outdoor", "people", "rare"]);
    expect(m.metrics.samples).toBe(40);
    expect(m.metrics.microF1).toBeGreaterThanOrEqual(0.85);
    expect(m.metrics.macroF1).toBeGreaterThanOrEqual(0.75);
    expect(m.metrics.perTag.map((t) => t.threshold)).toEqual(m.payload.thresholds);

    const p1 = (await loadPredictor(result.bundle)) as TaggerPredictor;
    const p2 = (await loadPredictor(result.bundle.slice())) as TaggerPredictor;
    const inputs = data.features.slice(0, 20);
    const a = await p1.predictProbabilities(inputs);
    const b = await p2.predictProbabilities(inputs);
    a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - b[i][j])).toBeLessThan(1e-6)));
    const tags = await p1.predict(inputs);
    tags.forEach((t, i) => {
      expect(t.scores.map((s) => s.label)).toEqual(m.labels);
      for (const tag of t.tags) expect(tag.confidence).toBeGreaterThanOrEqual(tag.threshold);
      expect(t.tags.length).toBe(a[i].filter((v, c) => v >= p1.thresholds[c]).length);
    });
    const held = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await p1.predictTags([inputs[i % inputs.length]]);
    expect(tf.memory().numTensors).toBe(held);
    p1.dispose();
    p2.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses data with fewer than two tags or mismatched lists", async () => {
    const f = [new Float32Array(4), new Float32Array(4)];
    await expect(trainTagHead({ features: f, tags: [["a"], ["a"]] })).rejects.toMatchObject({ code: "too-few-tags" });
    await expect(trainTagHead({ features: f, tags: [["a"]] })).rejects.toMatchObject({ code: "bad-shape" });
  });
});
