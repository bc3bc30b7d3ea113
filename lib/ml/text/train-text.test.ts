import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { trainTextClassifier, type TrainTextOptions } from "./train-text";
import { loadPredictor, type ClassifierPredictor } from "../predictor";
import { decodeBundle, encodeBundle } from "../bundle";
import { INTENT_HELD_OUT, intentDataset } from "../testing";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const data = intentDataset(24, 3);

const tiny: Record<"ngram-bag" | "text-cnn", Omit<TrainTextOptions, "modelType">> = {
  "ngram-bag": {
    tokenizer: { buckets: 4096 },
    architecture: { embeddingDim: 16 },
    hyperparams: { epochs: 12, batchSize: 8, learningRate: 0.02, embeddingLearningRate: 0.05, patience: 0 },
  },
  "text-cnn": {
    tokenizer: { buckets: 1024, maxLength: 12 },
    architecture: { embeddingDim: 12, filters: 12 },
    hyperparams: { epochs: 12, batchSize: 16, learningRate: 0.02, embeddingLearningRate: 0.05, patience: 0 },
  },
};

async function maxAbsDiff(a: Float32Array[], b: Float32Array[]): Promise<number> {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j])))));
  return m;
}

describe.each(["ngram-bag", "text-cnn"] as const)("%s text classifier", (modelType) => {
  it("trains without leaking tensors, beats the accuracy floor and round-trips exactly", async () => {
    const before = tf.memory().numTensors;
    const progress: string[] = [];
    const result = await trainTextClassifier(data, {
      modelType,
      scene: "intent-chatbot",
      seed: 5,
      ...tiny[modelType],
      onProgress: (p) => progress.push(p.phase),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(progress).toContain("batch");
    expect(progress.filter((p) => p === "epoch")).toHaveLength(12);

    const m = result.manifest;
    expect(m.scene).toBe("intent-chatbot");
    expect(m.modelType).toBe(modelType);
    expect(m.labels).toEqual(["balance", "lost_card", "transfer"]);
    expect(m.metricsSplit).toBe("validation");
    expect(m.metrics?.kind).toBe("classification");
    expect(m.metrics?.kind === "classification" && m.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    // The loop's validation accuracy (JS embeddings) equals the saved model's (tfjs layers).
    const best = result.history.find((h) => h.epoch === result.bestEpoch)!;
    expect(m.metrics?.kind === "classification" && m.metrics.accuracy).toBeCloseTo(best.valAcc!, 6);

    const predictor = (await loadPredictor(result.bundle)) as ClassifierPredictor;
    const heldOut = await predictor.predict(INTENT_HELD_OUT.map((x) => x.text), { topK: 2 });
    const correct = heldOut.filter((p, i) => p.label === INTENT_HELD_OUT[i].label).length;
    expect(correct / INTENT_HELD_OUT.length).toBeGreaterThanOrEqual(modelType === "ngram-bag" ? 0.77 : 0.66);
    expect(heldOut[0].topK).toHaveLength(2);
    expect(heldOut[0].topK[0]).toEqual({ label: heldOut[0].label, confidence: heldOut[0].confidence });

    // The intent scene's fallback: how a confidence threshold would behave on validation.
    const curve = m.metrics?.kind === "classification" ? m.metrics.confidence : undefined;
    expect(curve?.thresholds.length).toBe(curve?.fallbackRate.length);
    expect(await predictor.predict([])).toEqual([]);

    // Empty text, emoji only and Chinese all get a valid distribution.
    const odd = await predictor.predictProbabilities(["", "🙂🙂", "余额"]);
    for (const p of odd) expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);

    // decode → encode → decode gives a predictor with identical outputs.
    const decoded = decodeBundle(result.bundle);
    const again = (await loadPredictor(encodeBundle(decoded.manifest, decoded.artifacts))) as ClassifierPredictor;
    const texts = [...data.texts.slice(0, 10), ...INTENT_HELD_OUT.map((x) => x.text)];
    expect(await maxAbsDiff(await predictor.predictProbabilities(texts), await again.predictProbabilities(texts))).toBeLessThanOrEqual(1e-6);
    again.dispose();

    // 100 predictions leave no tensors behind.
    const afterLoad = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await predictor.predict([texts[i % texts.length]]);
    expect(tf.memory().numTensors).toBe(afterLoad);
    predictor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("text training details", () => {
  it("is reproducible for a seed", async () => {
    // Undefined overrides (e.g. from a structured-cloned job) keep the defaults.
    const opts = { modelType: "ngram-bag" as const, seed: 9, ...tiny["ngram-bag"], tokenizer: { buckets: 4096, seed: undefined }, hyperparams: { ...tiny["ngram-bag"].hyperparams, epochs: 2, labelSmoothing: undefined } };
    const a = await trainTextClassifier(data, opts);
    const b = await trainTextClassifier(data, opts);
    expect(b.history).toEqual(a.history);
    const pa = (await loadPredictor(a.bundle)) as ClassifierPredictor;
    const pb = (await loadPredictor(b.bundle)) as ClassifierPredictor;
    expect(await pb.predictProbabilities(["check my balance"])).toEqual(await pa.predictProbabilities(["check my balance"]));
    pa.dispose();
    pb.dispose();
  });

  it("resumes from a checkpoint of the same run, and refuses one of a different run", async () => {
    const base = { modelType: "ngram-bag" as const, seed: 2, ...tiny["ngram-bag"] };
    const first = await trainTextClassifier(data, { ...base, hyperparams: { ...tiny["ngram-bag"].hyperparams, epochs: 4 } });
    const still = { ...tiny["ngram-bag"].hyperparams, epochs: 1, learningRate: 1e-9, embeddingLearningRate: 1e-9 };
    const resumed = await trainTextClassifier(data, { ...base, hyperparams: still, resumeFrom: first.bundle });
    const fresh = await trainTextClassifier(data, { ...base, hyperparams: still });
    const texts = INTENT_HELD_OUT.map((x) => x.text);
    const [p0, p1, p2] = await Promise.all([first, resumed, fresh].map(async (r) => {
      const p = (await loadPredictor(r.bundle)) as ClassifierPredictor;
      const out = await p.predictProbabilities(texts);
      p.dispose();
      return out;
    }));
    expect(await maxAbsDiff(p0, p1)).toBeLessThan(1e-4);
    expect(await maxAbsDiff(p0, p2)).toBeGreaterThan(0.05);
    const renamed = { texts: data.texts, labels: data.labels.map((l) => (l === "balance" ? "saldo" : l)) };
    await expect(trainTextClassifier(renamed, { ...base, resumeFrom: first.bundle })).rejects.toThrow(/Cannot resume/);
  });

  it("rejects unusable data", async () => {
    await expect(trainTextClassifier({ texts: ["a", "b"], labels: ["x", "x"] }, { modelType: "ngram-bag" })).rejects.toThrow(/two different labels/);
    await expect(trainTextClassifier({ texts: ["a"], labels: ["x", "y"] }, { modelType: "ngram-bag" })).rejects.toThrow(/labels/);
  });
});
