import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { getSampleDataset, parseSampleDataset } from "../../data/samples";
import { loadPredictor, type RecommenderPredictor } from "../predictor";
import { PredictorError } from "../errors";
import { ridgeSolve } from "./runtime";
import { trainRecommender, type RatingInput } from "./train-mf";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

async function bookRatings(): Promise<RatingInput[]> {
  const sample = getSampleDataset("recommendation")!;
  const bytes = new Uint8Array(fs.readFileSync(path.resolve(__dirname, "../../../public", sample.path.replace(/^\//, ""))));
  const r = await parseSampleDataset(sample, bytes);
  if (!r.ok || r.value.kind !== "table" || r.value.dataset.kind !== "ratings") throw new Error("sample did not parse");
  return r.value.dataset.samples.map((s) => ({ user: s.user, item: s.item, rating: s.rating }));
}

const tiny = { hyperparams: { epochs: 40, patience: 0, batchSize: 32, embeddingLearningRate: 0.03 }, architecture: { factors: 8 } };

describe("matrix factorisation recommender", () => {
  it("ridgeSolve solves a small system", () => {
    const x = ridgeSolve(Float64Array.from([4, 1, 1, 3]), Float64Array.from([1, 2]), 2, 0);
    expect(x[0]).toBeCloseTo(1 / 11, 9);
    expect(x[1]).toBeCloseTo(7 / 11, 9);
  });

  it("explicit ratings: beats the global-mean baseline on held-out RMSE, recommends unseen items, round-trips exactly", async () => {
    const rows = await bookRatings();
    const before = tf.memory().numTensors;
    const result = await trainRecommender(rows, { seed: 5, ...tiny });
    expect(tf.memory().numTensors).toBe(before);
    const m = result.manifest;
    if (m.metrics?.kind !== "ranking" || m.payload?.kind !== "ranking") throw new Error("metrics");
    // Baseline: every held-out rating predicted by the training mean.
    const trainMean = result.split.train.reduce((s, r) => s + rows[r].rating!, 0) / result.split.train.length;
    const base = Math.sqrt(result.split.validation.reduce((s, r) => s + (rows[r].rating! - trainMean) ** 2, 0) / result.split.validation.length);
    console.log(`MF books: RMSE ${m.metrics.rmse!.toFixed(3)} (global-mean baseline ${base.toFixed(3)}), hit-rate@10 ${m.metrics.hitRate10!.toFixed(3)} over ${m.metrics.users} users, ${m.metrics.samples} held-out ratings; ${Math.round(result.trainingMs)} ms`);
    expect(m.metrics.rmse!).toBeLessThan(base * 0.8);
    expect(m.metrics.hitRate10!).toBeGreaterThanOrEqual(0.7);

    const p1 = (await loadPredictor(result.bundle)) as RecommenderPredictor;
    const p2 = (await loadPredictor(result.bundle.slice())) as RecommenderPredictor;
    const user = p1.users[0];
    const queries = [{ user }, { ratings: [{ item: p1.items[0], rating: 5 }, { item: p1.items[1], rating: 1 }] }, {}, { ratings: [{ item: "never seen", rating: 5 }] }];
    const a = await p1.recommend(queries, { topN: 5 });
    const b = await p2.predict(queries, { topK: 5 });
    a.forEach((r, i) => r.items.forEach((x, j) => (expect(x.item).toBe(b[i].items[j].item), expect(Math.abs(x.score - b[i].items[j].score)).toBeLessThan(1e-6))));
    expect(a.map((r) => r.source)).toEqual(["user", "new-user", "popular", "popular"]);
    const rated = new Set(rows.filter((r) => r.user === user).map((r) => r.item));
    const trainRated = new Set(m.payload.rated[0].map((i) => p1.items[i]));
    for (const x of a[0].items) expect(trainRated.has(x.item)).toBe(false);
    expect(rated.size).toBeGreaterThan(trainRated.size); // held-out items may be recommended back
    expect(a[1].items.map((x) => x.item)).not.toContain(p1.items[0]);
    await expect(p1.recommend([{ user: "nobody" }])).rejects.toBeInstanceOf(PredictorError);
    await expect(p1.recommend([{ user: "nobody" }])).rejects.toMatchObject({ code: "unknown-user" });
    expect((await p1.recommend([{ user: "nobody" }], { unknownUser: "popular" }))[0].source).toBe("popular");
    const held = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await p1.recommend([queries[i % 3]]);
    expect(tf.memory().numTensors).toBe(held);
    p1.dispose();
    p2.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("implicit clicks: learns two taste groups (a new user who clicked b-items gets only b-items)", async () => {
    // 40 users: even ones click items a0..a9, odd ones b0..b9 (7 of the 10 each, seeded).
    const rows: RatingInput[] = [];
    for (let u = 0; u < 40; u++) for (let i = 0; i < 10; i++) if ((u * 7 + i * 3) % 10 < 7) rows.push({ user: `u${u}`, item: `${u % 2 ? "b" : "a"}${i}` });
    const result = await trainRecommender(rows, { seed: 1, ...tiny, hyperparams: { ...tiny.hyperparams, epochs: 25 } });
    const m = result.manifest;
    if (m.metrics?.kind !== "ranking") throw new Error("metrics");
    console.log(`MF implicit: hit-rate@10 ${m.metrics.hitRate10!.toFixed(3)} over ${m.metrics.users} users; ${Math.round(result.trainingMs)} ms`);
    expect(m.metrics.rmse).toBeNull();
    expect(m.metrics.hitRate10!).toBeGreaterThanOrEqual(0.9);
    const p = (await loadPredictor(result.bundle)) as RecommenderPredictor;
    const [rec] = await p.recommend([{ ratings: [{ item: "b1" }, { item: "b2" }, { item: "b3" }] }], { topN: 5 });
    expect(rec.source).toBe("new-user");
    expect(rec.items.every((x) => x.item.startsWith("b"))).toBe(true);
    p.dispose();
  });

  it("refuses empty or malformed data", async () => {
    await expect(trainRecommender([])).rejects.toMatchObject({ code: "no-ratings" });
    await expect(trainRecommender([{ user: "a", item: "x", rating: 3 }, { user: "b", item: "y", rating: Number.NaN }])).rejects.toMatchObject({ code: "bad-shape" });
  });
});
