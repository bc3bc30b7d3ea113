import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { TrainerClient, TrainerError } from "./client";
import { inProcessWorker } from "./testing";
import type { JobProgress, TrainJob } from "./protocol";
import { registerBackbone, type Backbone } from "../backbone";
import { decodeBundle } from "../bundle";
import { blobFeatures, intentDataset } from "../testing";
import type { ClassPrediction, RawImage } from "../types";

beforeAll(async () => {
  await tf.setBackend("cpu");
});


const data = intentDataset(12, 4);
const textJob = (over: Partial<Extract<TrainJob, { kind: "text" }>> = {}): TrainJob => ({
  kind: "text",
  modelType: "ngram-bag",
  texts: data.texts,
  labels: data.labels,
  tokenizer: { buckets: 2048 },
  architecture: { embeddingDim: 16 },
  hyperparams: { epochs: 10, batchSize: 8, learningRate: 0.02, embeddingLearningRate: 0.05, patience: 0 },
  seed: 3,
  ...over,
});

describe("TrainerClient + worker handler", () => {
  it("checks the backend, warms up, trains with progress, then predicts with the trained model", async () => {
    const client = new TrainerClient({ worker: inProcessWorker() });
    const choice = await client.checkBackend({ modelType: "ngram-bag" });
    expect(choice).toMatchObject({ backend: "cpu", fallbackReason: "not-browser" });
    expect(await client.warmUp("text-cnn")).toMatchObject({ backend: "cpu" });
    const events: JobProgress[] = [];
    const global: number[] = [];
    client.on("progress", (_p, id) => global.push(id));
    const result = await client.train(textJob(), { onProgress: (p) => events.push(p) });
    expect(result.bundle).toBeInstanceOf(Uint8Array);
    expect(decodeBundle(result.bundle).manifest.modelType).toBe("ngram-bag");
    expect(result.stoppedReason).toBe("completed");
    expect(events.filter((e) => e.phase === "epoch")).toHaveLength(10);
    expect(events.some((e) => e.phase === "batch")).toBe(true);
    expect(global.length).toBe(events.length);
    const [p] = (await client.predict(["what is my balance please"], { topK: 2 })) as ClassPrediction[];
    expect(p.label).toBe("balance");
    expect(p.topK).toHaveLength(2);
    client.dispose();
  });

  it("stop() and an aborted signal end training early with the best epoch so far", async () => {
    const client = new TrainerClient({ worker: inProcessWorker() });
    const stopped = await client.train(textJob({ hyperparams: { epochs: 200, batchSize: 8, patience: 0 } }), {
      onProgress: (p) => {
        if (p.phase === "epoch" && p.epoch === 2) void client.stop();
      },
    });
    expect(stopped.stoppedReason).toBe("aborted");
    expect(stopped.history.length).toBeLessThan(10);
    expect(stopped.bestEpoch).not.toBeNull();

    const controller = new AbortController();
    const aborted = await client.train(textJob({ hyperparams: { epochs: 200, batchSize: 8, patience: 0 } }), {
      signal: controller.signal,
      onProgress: (p) => p.phase === "epoch" && controller.abort(),
    });
    expect(aborted.stoppedReason).toBe("aborted");
    client.dispose();
  });

  it("reports clear errors: no model, invalid bundle, unknown backbone, bad input", async () => {
    const client = new TrainerClient({ worker: inProcessWorker() });
    await expect(client.predict(["x"])).rejects.toMatchObject({ code: "no-model" });
    await expect(client.loadModel(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: "invalid-bundle" });
    await expect(client.loadBackbone("no-such-backbone")).rejects.toMatchObject({ code: "backbone-not-registered" });
    await expect(client.train(textJob({ labels: data.labels.map(() => "same") }))).rejects.toThrow(/two different labels/);
    const { bundle } = await client.train(textJob({ hyperparams: { epochs: 1, batchSize: 16 } }));
    expect(await client.unloadModel()).toBe(true);
    expect((await client.loadModel(bundle)).labels).toEqual(["balance", "lost_card", "transfer"]);
    await expect(client.predict([{ not: "text" }])).rejects.toMatchObject({ code: "bad-input" });
    client.dispose();
  });

  it("loads a registered backbone with progress, embeds each cached sample and augmented view once, and predicts from images", async () => {
    const blobs = blobFeatures(2, 12, 32, 9, 0.5);
    let embedded = 0;
    const fake: Backbone<unknown> = {
      id: "fake-backbone",
      package: "test",
      version: "1.0.0",
      featureDim: 32,
      async embed(batch) {
        embedded += batch.length;
        // The "image" carries its sample index in its first pixel.
        return batch.map((img) => blobs.features[(img as RawImage).data[0]]);
      },
      dispose() {},
    };
    registerBackbone("fake-backbone", async (onProgress) => {
      onProgress({ loadedBytes: 10, totalBytes: 10, stage: "download" });
      return fake;
    });
    const client = new TrainerClient({ worker: inProcessWorker() });
    const stages: string[] = [];
    const info = await client.loadBackbone("fake-backbone", (p) => stages.push(p.stage));
    expect(info).toMatchObject({ id: "fake-backbone", featureDim: 32 });
    expect(stages).toEqual(["download"]);
    const images: RawImage[] = blobs.labels.map((_, i) => ({ width: 1, height: 1, channels: 1, data: Uint8Array.of(i) }));
    const job: TrainJob = {
      kind: "backbone-head",
      backboneId: "fake-backbone",
      images,
      labels: blobs.labels,
      cacheKeys: images.map((_, i) => `sample-${i}`),
      hyperparams: { epochs: 5, batchSize: 8, augmentViews: 1 },
    };
    const phases: string[] = [];
    const first = await client.train(job, { onProgress: (p) => phases.push(p.phase) });
    expect(phases[0]).toBe("features");
    expect(first.manifest.backbone).toEqual({ id: "fake-backbone", package: "test", version: "1.0.0" });
    // 24 pictures, plus one mirrored view of each training picture (never of validation ones).
    const trainPictures = first.split.train.filter((i) => i < 24).length;
    expect(first.split.train.length).toBe(2 * trainPictures);
    expect(embedded).toBe(24 + trainPictures);
    await client.train(job);
    expect(embedded).toBe(24 + trainPictures); // served from the feature cache
    const preds = (await client.predict(images.slice(0, 4))) as ClassPrediction[];
    expect(embedded).toBe(28 + trainPictures);
    expect(preds.map((p) => p.label)).toEqual(blobs.labels.slice(0, 4));
    client.dispose();
  });

  it("saves best-so-far checkpoints and survives a store that fails", async () => {
    const saved: { key: string; epoch: number; bundle: Uint8Array }[] = [];
    const client = new TrainerClient({ worker: inProcessWorker({ saveCheckpoint: async (c) => void saved.push(c) }) });
    const events: { epoch: number; saved: boolean }[] = [];
    const result = await client.train(textJob({ checkpointKey: "project-1", hyperparams: { epochs: 3, batchSize: 8 } }), {
      onCheckpoint: (c) => events.push({ epoch: c.epoch, saved: c.saved }),
    });
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every((e) => e.saved)).toBe(true);
    expect(saved.map((s) => s.key)).toEqual(events.map(() => "project-1"));
    expect(decodeBundle(saved.at(-1)!.bundle).manifest.metrics).toBeNull();
    expect(result.bestEpoch).toBe(saved.at(-1)!.epoch);
    client.dispose();

    // Node has no IndexedDB: the real store fails, training still succeeds and says so.
    const plain = new TrainerClient({ worker: inProcessWorker() });
    const failures: (string | undefined)[] = [];
    await plain.train(textJob({ checkpointKey: "p", hyperparams: { epochs: 1, batchSize: 16 } }), { onCheckpoint: (c) => !c.saved && failures.push(c.error) });
    expect(failures[0]).toMatch(/IndexedDB/);
    plain.dispose();
  });

  it("dispose terminates the worker and rejects pending and later calls", async () => {
    const worker = inProcessWorker();
    const client = new TrainerClient({ worker });
    const pending = client.train(textJob());
    client.dispose();
    await expect(pending).rejects.toBeInstanceOf(TrainerError);
    await expect(pending).rejects.toMatchObject({ code: "disposed" });
    await expect(client.warmUp()).rejects.toMatchObject({ code: "disposed" });
    expect(worker.terminated).toBe(true);
    client.dispose();
  });
});
