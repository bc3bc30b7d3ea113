import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { loadPredictor, type RecommenderPredictor, type RetrieverPredictor } from "../predictor";
import { trainRecommender } from "../recommend/train-mf";
import { trainFaqRetriever } from "../faq/train-faq";
import { FAQ_ENTRIES } from "../testing";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** A run stopped before its first batch keeps the weights it resumed from, JS-side tables included. */
describe("resumeFrom for objective-trained scene models", () => {
  it("recommender: checkpoint → resume (stopped at once) gives the checkpoint's predictions", async () => {
    const ratings = [];
    for (let u = 0; u < 10; u++) for (let i = 0; i < 6; i++) ratings.push({ user: `u${u}`, item: `i${i}`, rating: 1 + ((u * i) % 5) });
    const checkpoints: Uint8Array[] = [];
    await trainRecommender(ratings, { seed: 1, hyperparams: { epochs: 3, patience: 0 }, onCheckpoint: (b) => void checkpoints.push(b) });
    expect(checkpoints.length).toBeGreaterThan(0);
    const stop = new AbortController();
    stop.abort();
    const resumed = await trainRecommender(ratings, { seed: 1, hyperparams: { epochs: 3, patience: 0 }, resumeFrom: checkpoints.at(-1), signal: stop.signal });
    expect(resumed.stoppedReason).toBe("aborted");
    const a = (await loadPredictor(checkpoints.at(-1)!)) as RecommenderPredictor;
    const b = (await loadPredictor(resumed.bundle)) as RecommenderPredictor;
    const pairs = [{ user: "u1", item: "i2" }, { user: "u7", item: "i5" }];
    expect(Array.from(await b.predictRatings(pairs))).toEqual(Array.from(await a.predictRatings(pairs)));
    a.dispose();
    b.dispose();
  });

  it("FAQ retriever: the same for the embedding table", async () => {
    const checkpoints: Uint8Array[] = [];
    await trainFaqRetriever(FAQ_ENTRIES, { seed: 1, hyperparams: { epochs: 3, patience: 0 }, onCheckpoint: (b) => void checkpoints.push(b) });
    const stop = new AbortController();
    stop.abort();
    const resumed = await trainFaqRetriever(FAQ_ENTRIES, { seed: 1, hyperparams: { epochs: 3, patience: 0 }, resumeFrom: checkpoints.at(-1), signal: stop.signal, embeddingWeight: 1 });
    const a = (await loadPredictor(checkpoints.at(-1)!)) as RetrieverPredictor;
    const b = (await loadPredictor(resumed.bundle)) as RetrieverPredictor;
    const q = ["where is my parcel", "忘记密码"];
    const [ca, cb] = [await a.scoreComponents(q), await b.scoreComponents(q)];
    ca.cosine.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - cb.cosine[i][j])).toBeLessThan(1e-6)));
    a.dispose();
    b.dispose();
  });
});
