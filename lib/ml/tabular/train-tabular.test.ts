import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { trainTabularModel } from "./train-tabular";
import { encodeRows, fitTabularPreprocessing, inferColumnSpecs, inferTask } from "./preprocess";
import { loadPredictor, type ClassifierPredictor, type RegressorPredictor } from "../predictor";
import { decodeBundle, encodeBundle } from "../bundle";
import { tabularDataset } from "../testing";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const rows = tabularDataset(240, 2);
const fast = { epochs: 30, batchSize: 24, learningRate: 0.02, patience: 0 };
const tinyMlp = { hiddenUnits: [16, 8], dropout: 0 };

describe("tabular preprocessing", () => {
  it("infers column kinds and the task", () => {
    const specs = inferColumnSpecs(rows, "kind");
    expect(Object.fromEntries(specs.map((s) => [s.name, s.kind]))).toEqual({
      id: "ignore",
      size: "numeric",
      weight: "numeric",
      colour: "categorical",
      note: "categorical",
      price: "numeric",
    });
    expect(inferTask(rows, "kind")).toBe("classification");
    expect(inferTask(rows, "price")).toBe("regression");
  });

  it("standardises numbers, one-hots categories with an unknown slot, hashes text; fitted on the given rows only", () => {
    const train = [
      { n: 1, c: "a", t: "hello world" },
      { n: 3, c: "b", t: "" },
      { n: "", c: "a", t: "hello" },
    ];
    const prep = fitTabularPreprocessing(train, [
      { name: "n", kind: "numeric" },
      { name: "c", kind: "categorical" },
      { name: "t", kind: "text" },
    ], { name: "y", task: "regression" }, { textBuckets: 16 });
    expect(prep.columns[0]).toEqual({ name: "n", kind: "numeric", mean: 2, std: 1, missingIndicator: true });
    expect(prep.columns[1]).toEqual({ name: "c", kind: "categorical", categories: ["a", "b"] });
    expect(prep.featureDim).toBe(2 + 3 + 16);
    const x = encodeRows([{ n: 4, c: "zzz", t: "hello" }, { n: null, c: "b", t: null }], prep);
    expect(Array.from(x.subarray(0, 5))).toEqual([2, 0, 0, 0, 1]); // (4-2)/1, not missing, unknown category
    expect(Array.from(x.subarray(21, 26))).toEqual([0, 1, 0, 1, 0]); // missing → 0 + indicator, category b
    const text = x.subarray(5, 21);
    expect(Math.hypot(...text)).toBeCloseTo(1, 5); // L2-normalised bag
    expect(x.subarray(26, 42).every((v) => v === 0)).toBe(true); // missing text → zeros
  });
});

describe("tabular models", () => {
  it.each(["mlp", "linear"] as const)("%s classification: accuracy floor, no leaks, exact round trip", async (modelType) => {
    const before = tf.memory().numTensors;
    const result = await trainTabularModel(rows, { modelType, target: "kind", seed: 3, hyperparams: fast, architecture: tinyMlp, columns: [
      { name: "size", kind: "numeric" },
      { name: "weight", kind: "numeric" },
      { name: "colour", kind: "categorical" },
    ] });
    expect(tf.memory().numTensors).toBe(before);
    const m = result.manifest;
    expect(m.task).toBe("classification");
    expect(m.labels).toEqual(["large", "small"]);
    expect(m.metrics?.kind === "classification" && m.metrics.accuracy).toBeGreaterThanOrEqual(0.88);
    const predictor = (await loadPredictor(result.bundle)) as ClassifierPredictor;
    expect(predictor.inputKind).toBe("tabular");
    const [big, small] = await predictor.predict([{ size: 9.5, weight: 1, colour: "red" }, { size: "0.5", weight: 2, colour: "purple" }]);
    expect(big.label).toBe("large");
    expect(small.label).toBe("small");
    const decoded = decodeBundle(result.bundle);
    const again = (await loadPredictor(encodeBundle(decoded.manifest, decoded.artifacts))) as ClassifierPredictor;
    const a = await predictor.predictProbabilities(rows.slice(0, 20));
    const b = await again.predictProbabilities(rows.slice(0, 20));
    a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - b[i][j])).toBeLessThanOrEqual(1e-6)));
    again.dispose();
    const loaded = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await predictor.predict([rows[i]]);
    expect(tf.memory().numTensors).toBe(loaded);
    predictor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(["mlp", "linear"] as const)("%s regression reports MAE/RMSE/R² in target units", async (modelType) => {
    const before = tf.memory().numTensors;
    const result = await trainTabularModel(rows, { modelType, target: "price", seed: 4, architecture: tinyMlp, hyperparams: { ...fast, epochs: 40 } });
    expect(tf.memory().numTensors).toBe(before);
    const m = result.manifest;
    expect(m.task).toBe("regression");
    expect(m.labels).toEqual([]);
    expect(m.metrics?.kind).toBe("regression");
    if (m.metrics?.kind !== "regression") throw new Error("unreachable");
    // price = 3*size + 2*weight + 5*[blue] + noise(±0.5); its std is about 9.
    expect(m.metrics.r2).toBeGreaterThan(0.95);
    expect(m.metrics.mae).toBeLessThan(2);
    expect(m.metrics.rmse).toBeGreaterThanOrEqual(m.metrics.mae);
    const predictor = (await loadPredictor(result.bundle)) as RegressorPredictor;
    const [p] = await predictor.predict([{ size: 5, weight: 2, colour: "green", note: "tiny light parcel", kind: "small" }]);
    expect(p.value).toBeGreaterThan(15);
    expect(p.value).toBeLessThan(23); // truth 19
    predictor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("drops rows without a target and maps confusion-matrix ids to the caller's rows", async () => {
    const withHoles = rows.slice(0, 80).map((r, i) => (i % 10 === 0 ? { ...r, kind: "" } : r));
    const result = await trainTabularModel(withHoles, { modelType: "linear", target: "kind", seed: 1, hyperparams: { ...fast, epochs: 5 } });
    expect(result.split.train.length + result.split.validation.length).toBe(72);
    const ids = result.manifest.metrics?.kind === "classification" ? result.manifest.metrics.cells.flatMap((c) => c.samples) : [];
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id % 10).not.toBe(0);
  });
});
