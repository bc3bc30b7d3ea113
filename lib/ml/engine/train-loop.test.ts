import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { runTrainingLoop, balancedClassWeights, type TrainLoopConfig } from "./train-loop";
import { resolveHyperparams, PRESETS, PRESET_IDS } from "../presets";
import { createRng } from "../random";
import { trainTextClassifier } from "../text/train-text";
import { loadPredictor } from "../predictor";
import { intentDataset } from "../testing";
import type { TrainingProgress } from "../types";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/**
 * Two Gaussian classes; validation labels are flipped, so the more the model learns the training
 * data the worse validation gets: the best epoch is early and early stopping must trigger.
 */
function conflictingTask() {
  const rng = createRng(5);
  const n = 200;
  const x = new Float32Array(n * 2);
  const targets = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    x[i * 2] = (c ? 1 : -1) * 0.3 + (rng.next() - 0.5) * 2;
    x[i * 2 + 1] = rng.next() - 0.5;
    targets[i] = i < 150 ? c : 1 - c;
  }
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 2, inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      tf.layers.activation({ activation: "softmax" }),
    ],
  });
  const config = (over: Partial<TrainLoopConfig> = {}): TrainLoopConfig => ({
    task: "classification",
    numClasses: 2,
    layers: model.layers.slice(0, -1),
    input: {
      forward: (samples) => tf.tensor2d(Float32Array.from(samples.flatMap((s) => [x[s * 2], x[s * 2 + 1]])), [samples.length, 2]),
    },
    targets,
    trainSamples: Array.from({ length: 150 }, (_, i) => i),
    valSamples: Array.from({ length: 50 }, (_, i) => 150 + i),
    hyper: resolveHyperparams("tabular", "fast", { epochs: 30, batchSize: 10, learningRate: 0.05, patience: 3 }),
    seed: 1,
    ...over,
  });
  /** Validation loss and accuracy of the weights now in the model. */
  const evaluate = () =>
    tf.tidy(() => {
      const xs = tf.tensor2d(x.slice(300), [50, 2]);
      const logits = model.layers[0].apply(xs) as tf.Tensor;
      const y = tf.oneHot(tf.tensor1d(targets.slice(150), "int32"), 2);
      const loss = tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, tf.Reduction.MEAN).dataSync()[0];
      const acc = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), "float32")).dataSync()[0];
      return { loss, acc };
    });
  return { model, config, evaluate };
}

describe("training loop", () => {
  it("early stopping keeps the best epoch's weights", async () => {
    const { model, config, evaluate } = conflictingTask();
    const before = tf.memory().numTensors;
    const epochs: TrainingProgress[] = [];
    const result = await runTrainingLoop(config({ onProgress: (p) => p.phase === "epoch" && epochs.push(p) }));
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stoppedReason).toBe("early-stopped");
    const best = result.history.find((h) => h.epoch === result.bestEpoch)!;
    const maxAcc = Math.max(...result.history.map((h) => h.valAcc!));
    expect(best.valAcc).toBe(maxAcc);
    expect(result.history.length).toBe(result.bestEpoch! + 3);
    // The weights in the model are the best epoch's, not the last epoch's.
    const now = evaluate();
    expect(now.acc).toBeCloseTo(best.valAcc!, 6);
    expect(now.loss).toBeCloseTo(best.valLoss!, 5);
    expect(result.history.at(-1)!.valLoss).not.toBeCloseTo(best.valLoss!, 5);
    expect(epochs.filter((p) => p.phase === "epoch" && p.isBest).length).toBeGreaterThanOrEqual(1);
    model.dispose();
  });

  it("stops on abort between batches and keeps the best epoch so far", async () => {
    const { model, config, evaluate } = conflictingTask();
    const controller = new AbortController();
    let batches = 0;
    const result = await runTrainingLoop(
      config({
        hyper: resolveHyperparams("tabular", "fast", { epochs: 30, batchSize: 10, learningRate: 0.05, patience: 0 }),
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === "batch" && ++batches === 15 + 7) controller.abort(); // 15 batches per epoch
        },
      }),
    );
    expect(result.stoppedReason).toBe("aborted");
    expect(batches).toBe(22);
    expect(result.history.length).toBe(1);
    expect(result.bestEpoch).toBe(1);
    expect(evaluate().loss).toBeCloseTo(result.history[0].valLoss!, 5);
    model.dispose();
  });

  it("reports progress with throughput and a falling ETA", async () => {
    const { model, config } = conflictingTask();
    const batches: Extract<TrainingProgress, { phase: "batch" }>[] = [];
    await runTrainingLoop(config({ hyper: resolveHyperparams("tabular", "fast", { epochs: 2, batchSize: 50, patience: 0 }), onProgress: (p) => p.phase === "batch" && batches.push(p) }));
    expect(batches.map((b) => [b.epoch, b.batch, b.batchesPerEpoch])).toEqual([[1, 1, 3], [1, 2, 3], [1, 3, 3], [2, 1, 3], [2, 2, 3], [2, 3, 3]]);
    for (const b of batches) {
      expect(b.samplesPerSec).toBeGreaterThan(0);
      expect(b.acc).not.toBeNull();
      expect(Number.isFinite(b.loss)).toBe(true);
    }
    expect(batches.at(-1)!.etaMs).toBe(0);
    model.dispose();
  });

  it("a trainer aborted mid-way still returns a usable bundle of the best epoch", async () => {
    const controller = new AbortController();
    const result = await trainTextClassifier(intentDataset(12, 2), {
      modelType: "ngram-bag",
      tokenizer: { buckets: 1024 },
      architecture: { embeddingDim: 8 },
      hyperparams: { epochs: 50, batchSize: 8 },
      signal: controller.signal,
      onProgress: (p) => p.phase === "epoch" && p.epoch === 2 && controller.abort(),
    });
    expect(result.stoppedReason).toBe("aborted");
    expect(result.history.length).toBe(2);
    expect(result.manifest.training?.stoppedReason).toBe("aborted");
    const predictor = await loadPredictor(result.bundle);
    expect(await predictor.predict(["check my balance"])).toHaveLength(1);
    predictor.dispose();
  });

  it("balanced class weights are inverse frequency with mean 1 over samples", () => {
    const w = balancedClassWeights(Int32Array.from([0, 0, 0, 1]), [0, 1, 2, 3], 3);
    [4 / 6, 2, 0].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 6));
  });
});

describe("presets", () => {
  it("scale from fast to best and accept checked overrides", () => {
    for (const family of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) {
      const [fast, balanced, best] = PRESET_IDS.map((p) => resolveHyperparams(family, p));
      expect(fast.epochs).toBeLessThan(balanced.epochs);
      expect(balanced.epochs).toBeLessThan(best.epochs);
      expect(fast.patience).toBeLessThanOrEqual(best.patience);
    }
    expect(resolveHyperparams("text-bag", "fast", { epochs: 3, learningRate: undefined }).epochs).toBe(3);
    expect(resolveHyperparams("text-bag", "fast", { learningRate: undefined }).learningRate).toBe(PRESETS["text-bag"].fast.learningRate);
    expect(() => resolveHyperparams("tabular", "balanced", { epochs: 0 })).toThrow(/epochs/);
    expect(() => resolveHyperparams("tabular", "balanced", { labelSmoothing: 1 })).toThrow(/labelSmoothing/);
  });
});
