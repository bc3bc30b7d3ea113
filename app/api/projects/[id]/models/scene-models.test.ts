/**
 * The trainer contract of the FAQ, entity and recommendation scenes, end to end in Node: a project
 * gets its scene's sample dataset, GET training-data returns what the Train tab would receive, it
 * is turned into the trainer input exactly as the UI should (see lib/ml/README.md), and the server
 * accepts the bundle as a version of that project.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveRoute } from "./route";
import { POST as sampleDatasetRoute } from "../sample-dataset/route";
import { GET as trainingDataRoute } from "../training-data/route";
import { trainFaqRetriever } from "@/lib/ml/faq/train-faq";
import { trainEntityTagger } from "@/lib/ml/entities/train-tagger";
import { trainRecommender } from "@/lib/ml/recommend/train-mf";
import type { TrainedModel } from "@/lib/ml/engine/finish";
import { defaultModelType, getScene } from "@/lib/scenes";
import { call, signUp } from "@/tests/route-helpers";

type Sample = { id: string; text: string | null; label: string | null; data: unknown };

let alice: { cookie: string };

beforeAll(async () => {
  await tf.setBackend("cpu");
  alice = await signUp();
});

async function sceneData(scene: string) {
  const modelType = defaultModelType(getScene(scene)!);
  const created = await call(createProjectRoute, { body: { name: `s-${Math.random()}`, scene, modelType, interfaces: ["api"] }, cookie: alice.cookie });
  const id = created.json.project.id as string;
  expect((await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id } })).status).toBeLessThan(300);
  const data = await call(trainingDataRoute, { method: "GET", cookie: alice.cookie, params: { id } });
  return { id, modelType, json: data.json as { datasetVersion: number; implicit: boolean | null; samples: Sample[] } };
}

async function accepts(id: string, trained: TrainedModel, modelType: string) {
  const saved = await call(saveRoute, { rawBody: new Blob([trained.bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie: alice.cookie, params: { id } });
  expect(saved.status).toBe(201);
  expect(saved.json.version).toMatchObject({ number: 1, active: true, modelType });
  return saved.json.version.headline as Record<string, number>;
}

describe("scene models from the server's training data", () => {
  it("faq-retrieval: question in text, {answer, paraphrases} in data", async () => {
    const { id, modelType, json } = await sceneData("faq-retrieval");
    expect(modelType).toBe("hybrid-retriever");
    expect(json.implicit).toBeNull();
    const entries = json.samples.map((s) => {
      const d = s.data as { answer: string; paraphrases: string[] };
      return { id: s.id, question: s.text!, answer: d.answer, paraphrases: d.paraphrases };
    });
    const trained = await trainFaqRetriever(entries, { modelType: "hybrid-retriever", scene: "faq-retrieval", preset: "fast", seed: 1, datasetVersion: String(json.datasetVersion) });
    expect(trained.manifest.payload?.kind === "retrieval" && trained.manifest.payload.entries.map((e) => e.id)).toEqual(json.samples.map((s) => s.id));
    expect(Object.keys(await accepts(id, trained, modelType))).toEqual(["top1", "top3"]);
  });

  it("entity-extraction: text, {spans} in data", async () => {
    const { id, modelType, json } = await sceneData("entity-extraction");
    expect(modelType).toBe("cnn-tagger");
    const samples = json.samples.map((s) => ({ text: s.text!, spans: (s.data as { spans: { start: number; end: number; label: string }[] }).spans }));
    const trained = await trainEntityTagger(samples, { modelType: "cnn-tagger", scene: "entity-extraction", seed: 1, hyperparams: { epochs: 2 }, architecture: { embeddingDim: 8, filters: 8 } });
    expect(trained.manifest.payload?.kind === "bio" && trained.manifest.payload.types).toEqual(["CITY", "DATE", "PERSON", "PRODUCT", "TIME"]);
    expect(Object.keys(await accepts(id, trained, modelType))).toEqual(["precision", "recall", "f1"]);
  });

  it("recommendation: {user, item, rating} in data, implicit from the mapping", async () => {
    const { id, modelType, json } = await sceneData("recommendation");
    expect(modelType).toBe("matrix-factorization");
    expect(json.implicit).toBe(false); // the sample has a rating column
    const ratings = json.samples.map((s) => s.data as { user: string; item: string; rating: number });
    const trained = await trainRecommender(ratings, { modelType: "matrix-factorization", scene: "recommendation", implicit: json.implicit ?? undefined, preset: "fast", seed: 1 });
    expect(Object.keys(await accepts(id, trained, modelType))).toEqual(["rmse", "hitRate10"]);
  });
});
