import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { POST as createKeyRoute } from "@/app/api/projects/[id]/api-keys/route";
import { loadPredictor, type EntityPredictor, type RecommenderPredictor, type RetrieverPredictor } from "@/lib/ml/predictor";
import { trainFaqRetriever } from "@/lib/ml/faq/train-faq";
import { trainEntityTagger } from "@/lib/ml/entities/train-tagger";
import { trainRecommender } from "@/lib/ml/recommend/train-mf";
import { FAQ_ENTRIES, entitySentences } from "@/lib/ml/testing";
import { call, signUp } from "@/tests/route-helpers";
import { POST as predictRoute } from "./route";

// The FAQ, entity and recommendation models answer through the same endpoint, with the same
// outputs as the bundle run directly.
process.env.STUDIO_API_TF_BACKEND = "cpu";

async function deployed(cookie: string, scene: string, modelType: string, bundle: Uint8Array) {
  const p = await call(createProjectRoute, { body: { name: `api-${Math.random()}`, scene, modelType, interfaces: ["api"] }, cookie });
  const id = p.json.project.id as string;
  const saved = await call(saveModelRoute, { rawBody: new Blob([bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie, params: { id } });
  expect(saved.status).toBe(201);
  const key = await call(createKeyRoute, { body: { name: "k" }, cookie, params: { id } });
  return key.json as { secret: string; slug: string };
}

const predict = (slug: string, key: string, body: unknown) =>
  call(predictRoute, { url: `http://localhost:3000/api/v1/models/${slug}/predict`, params: { slug }, headers: { authorization: `Bearer ${key}` }, body });

let cookie: string;
beforeAll(async () => {
  await tf.setBackend("cpu");
  cookie = (await signUp()).cookie;
});

describe("REST API for the FAQ, entity and recommendation scenes", () => {
  it("FAQ: the best answer with related questions, equal to the bundle's own answer", async () => {
    const trained = await trainFaqRetriever(FAQ_ENTRIES, { preset: "fast", seed: 1, hyperparams: { epochs: 5 } });
    const { secret, slug } = await deployed(cookie, "faq-retrieval", "hybrid-retriever", trained.bundle);
    const q = FAQ_ENTRIES[0].paraphrases[0];
    const r = await predict(slug, secret, { input: q, topK: 2 });
    expect(r.status).toBe(200);
    const direct = (await loadPredictor(trained.bundle)) as RetrieverPredictor;
    const [expected] = await direct.retrieve([q], { related: 2 });
    direct.dispose();
    expect(r.json.answerId).toBe(expected.answerId);
    expect(r.json.answer).toBe(expected.answer);
    expect(Math.abs(r.json.confidence - expected.confidence)).toBeLessThan(1e-5);
    expect(r.json.related.map((x: { answerId: string }) => x.answerId)).toEqual(expected.related.map((x) => x.answerId));
    expect((await predict(slug, secret, { input: 42 })).status).toBe(400);
  });

  it("entities: spans with offsets and slots by type", async () => {
    const samples = entitySentences(40, 2);
    const trained = await trainEntityTagger(samples, { preset: "fast", seed: 1, hyperparams: { epochs: 4 } });
    const { secret, slug } = await deployed(cookie, "entity-extraction", "cnn-tagger", trained.bundle);
    const text = samples[0].text;
    const r = await predict(slug, secret, { inputs: [text, ""] });
    expect(r.status).toBe(200);
    const direct = (await loadPredictor(trained.bundle)) as EntityPredictor;
    const [expected] = await direct.extract([text]);
    direct.dispose();
    const first = r.json.predictions[0];
    expect(first.entities.map((e: { type: string; start: number; end: number }) => [e.type, e.start, e.end])).toEqual(expected.entities.map((e) => [e.type, e.start, e.end]));
    for (const e of first.entities) expect(text.slice(e.start, e.end)).toBe(e.text);
    expect(Object.values(first.slots).flat().length).toBe(first.entities.length);
    expect(r.json.predictions[1].entities).toEqual([]);
  });

  it("recommendation: top-N for a known user, a new visitor's ratings, and a clear 400 for an unknown user", async () => {
    const rows = [];
    for (let u = 0; u < 12; u++) for (let i = 0; i < 10; i++) if ((u + i) % 3 !== 0) rows.push({ user: `u${u}`, item: `item${i}`, rating: ((u * 7 + i * 3) % 5) + 1 });
    const trained = await trainRecommender(rows, { preset: "fast", seed: 1 });
    const { secret, slug } = await deployed(cookie, "recommendation", "matrix-factorization", trained.bundle);
    const r = await predict(slug, secret, { input: { user: "u1" }, topK: 3 });
    expect(r.status).toBe(200);
    const direct = (await loadPredictor(trained.bundle)) as RecommenderPredictor;
    const [expected] = await direct.recommend([{ user: "u1" }], { topN: 3 });
    direct.dispose();
    expect(r.json.source).toBe("user");
    expect(r.json.items.map((x: { item: string }) => x.item)).toEqual(expected.items.map((x) => x.item));
    const fresh = await predict(slug, secret, { input: { ratings: [{ item: "item1", rating: 5 }] } });
    expect(fresh.status).toBe(200);
    expect(fresh.json.source).toBe("new-user");
    const unknown = await predict(slug, secret, { input: { user: "nobody" } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toMatch(/does not know the user/);
    expect((await predict(slug, secret, { input: "u1" })).status).toBe(400);
  });
});
