import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { TrainerClient } from "./client";
import { inProcessWorker } from "./testing";
import type { JobProgress } from "./protocol";
import { registerBackbone, type Backbone } from "../backbone";
import { decodeBundle, readManifest } from "../bundle";
import { entitySentences, FAQ_ENTRIES, multiLabelFeatures } from "../testing";
import type { EntityPrediction, RawImage, Recommendation, RetrievalPrediction, TagPrediction } from "../types";

beforeAll(async () => {
  await tf.setBackend("cpu");
});


const epochs = (events: JobProgress[]) => events.filter((e) => e.phase === "epoch").length;

describe("worker jobs of the FAQ, entity, recommendation and tagging scenes", () => {
  it("faq: trains with progress, predicts answers with related questions, refuses data without paraphrases", async () => {
    const client = new TrainerClient({ worker: inProcessWorker() });
    const events: JobProgress[] = [];
    const run = await client.train({ kind: "faq", modelType: "hybrid-retriever", entries: FAQ_ENTRIES, seed: 1, hyperparams: { epochs: 6, patience: 0 } }, { onProgress: (p) => events.push(p) });
    expect(epochs(events)).toBe(6);
    expect(run.manifest.metrics?.kind).toBe("retrieval");
    const [p] = (await client.predict(["how can I return an item"], { topK: 2 })) as RetrievalPrediction[];
    expect(p.answerId).toBe("returns");
    expect(p.related).toHaveLength(2);
    await expect(client.train({ kind: "faq", modelType: "hybrid-retriever", entries: FAQ_ENTRIES.map((e) => ({ ...e, paraphrases: [] })) })).rejects.toMatchObject({ code: "bad-data" });
    client.dispose();
  });

  it("entities: stop keeps the best epoch; predict returns entities with offsets", async () => {
    const client = new TrainerClient({ worker: inProcessWorker() });
    const run = await client.train(
      { kind: "entities", modelType: "cnn-tagger", samples: entitySentences(40, 5), seed: 2, hyperparams: { epochs: 50, patience: 0, learningRate: 0.01, embeddingLearningRate: 0.05 }, architecture: { embeddingDim: 16, filters: 16 } },
      { onProgress: (p) => p.phase === "epoch" && p.epoch === 3 && void client.stop() },
    );
    expect(run.stoppedReason).toBe("aborted");
    expect(run.history.length).toBeLessThanOrEqual(4);
    expect(run.bestEpoch).not.toBeNull();
    expect(readManifest(run.bundle).payload?.kind).toBe("bio");
    const [r] = (await client.predict(["Paris"])) as EntityPrediction[];
    expect(Array.isArray(r.entities)).toBe(true);
    client.dispose();
  });

  it("ratings: trains and recommends; unknown users give a clear error", async () => {
    const ratings = [];
    for (let u = 0; u < 12; u++) for (let i = 0; i < 8; i++) if ((u + i) % 3 !== 0) ratings.push({ user: `u${u}`, item: `i${i}`, rating: ((u % 2) + (i % 2)) % 2 ? 5 : 1 });
    const client = new TrainerClient({ worker: inProcessWorker() });
    const run = await client.train({ kind: "ratings", modelType: "matrix-factorization", ratings, seed: 1, hyperparams: { epochs: 5, patience: 0 } });
    expect(run.manifest.metrics?.kind).toBe("ranking");
    const [rec] = (await client.predict([{ user: "u1" }], { topK: 3 })) as Recommendation[];
    expect(rec.items).toHaveLength(3);
    expect(rec.source).toBe("user");
    await expect(client.predict([{ user: "stranger" }])).rejects.toMatchObject({ code: "unknown-user" });
    client.dispose();
  });

  it("image-tags: from features, and from images through a loaded backbone", async () => {
    const data = multiLabelFeatures(60, 8, 4);
    const client = new TrainerClient({ worker: inProcessWorker() });
    const a = await client.train({ kind: "image-tags", tags: data.tags, features: data.features, seed: 1, hyperparams: { epochs: 5, patience: 0 } });
    expect(decodeBundle(a.bundle).manifest.payload?.kind).toBe("multi-label");
    const fake: Backbone<unknown> = {
      id: "fake-tag-backbone",
      package: "test",
      version: "1.0.0",
      featureDim: 8,
      async embed(batch) {
        return batch.map((img) => data.features[(img as RawImage).data[0]]);
      },
      dispose() {},
    };
    registerBackbone("fake-tag-backbone", async () => fake);
    await client.loadBackbone("fake-tag-backbone");
    const images: RawImage[] = data.tags.map((_, i) => ({ width: 1, height: 1, channels: 1, data: Uint8Array.of(i) }));
    const phases: string[] = [];
    const b = await client.train({ kind: "image-tags", backboneId: "fake-tag-backbone", images, tags: data.tags, seed: 1, hyperparams: { epochs: 5, patience: 0 } }, { onProgress: (p) => phases.push(p.phase) });
    expect(phases[0]).toBe("features");
    expect(b.manifest.backbone?.id).toBe("fake-tag-backbone");
    expect(b.manifest.modelType).toBe("mobilenet-multilabel");
    const [t] = (await client.predict(images.slice(0, 1))) as TagPrediction[];
    expect(t.scores).toHaveLength(b.manifest.labels.length);
    client.dispose();
  });
});
