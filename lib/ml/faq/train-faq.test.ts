import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { getSampleDataset, parseSampleDataset } from "../../data/samples";
import { loadPredictor, type RetrieverPredictor } from "../predictor";
import { TrainingDataError } from "../errors";
import { trainFaqRetriever, type FaqEntryInput } from "./train-faq";
import { FAQ_ENTRIES } from "../testing";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

async function librarySample(): Promise<FaqEntryInput[]> {
  const sample = getSampleDataset("faq-retrieval")!;
  const bytes = new Uint8Array(fs.readFileSync(path.resolve(__dirname, "../../../public", sample.path.replace(/^\//, ""))));
  const r = await parseSampleDataset(sample, bytes);
  if (!r.ok || r.value.kind !== "table" || r.value.dataset.kind !== "faq") throw new Error("sample did not parse");
  return r.value.dataset.samples.map((s, i) => ({ id: `faq-${i}`, question: s.question, answer: s.answer, paraphrases: s.paraphrases }));
}

const tiny = { hyperparams: { epochs: 25, patience: 0, batchSize: 16 } };

describe("FAQ retriever", () => {
  it("hybrid: trains on the bilingual library sample above the floor, without leaks, and round-trips exactly", async () => {
    const entries = await librarySample();
    const before = tf.memory().numTensors;
    const phases: string[] = [];
    const result = await trainFaqRetriever(entries, { seed: 3, preset: "fast", hyperparams: { patience: 0, epochs: 25 }, onProgress: (p) => phases.push(p.phase) });
    expect(tf.memory().numTensors).toBe(before);
    expect(phases.filter((p) => p === "epoch")).toHaveLength(25);
    const m = result.manifest;
    expect(m.task).toBe("retrieval");
    expect(m.metricsSplit).toBe("validation");
    if (m.metrics?.kind !== "retrieval") throw new Error("metrics");
    console.log(`FAQ library sample: top1 ${m.metrics.top1.toFixed(3)} top3 ${m.metrics.top3.toFixed(3)} on ${m.metrics.samples} held-out paraphrases; weight ${m.payload?.kind === "retrieval" && m.payload.embeddingWeight} T ${m.payload?.kind === "retrieval" && m.payload.temperature.toFixed(3)}; ${Math.round(result.trainingMs)} ms`);
    expect(m.metrics.samples).toBe(15);
    expect(m.metrics.top1).toBeGreaterThanOrEqual(0.5); // chance: 1/15; measured 0.67 (seed 3)
    expect(m.metrics.top3).toBeGreaterThanOrEqual(0.7); // measured 0.87
    expect(m.metrics.misses.length).toBe(Math.round((1 - m.metrics.top1) * m.metrics.samples));
    // Held-out paraphrases are not in the index.
    if (m.payload?.kind !== "retrieval") throw new Error("payload");
    const indexed = new Set(m.payload.entries.flatMap((e) => e.questions));
    for (const miss of m.metrics.misses) expect(indexed.has(miss.query)).toBe(false);

    const p1 = (await loadPredictor(result.bundle)) as RetrieverPredictor;
    const p2 = (await loadPredictor(result.bundle.slice())) as RetrieverPredictor;
    const queries = ["Can I borrow e-books?", "how late can i bring a book back", "图书馆周一开门吗", "借书证丢了", "wifi?", ""];
    const a = await p1.retrieve(queries);
    const b = await p2.predict(queries);
    a.forEach((x, i) => {
      expect(x.answerId).toBe(b[i].answerId);
      expect(Math.abs(x.confidence - b[i].confidence)).toBeLessThan(1e-6);
      expect(x.related).toHaveLength(3);
      expect(x.related.map((r) => r.answerId)).not.toContain(x.answerId);
      expect(x.confidence).toBeGreaterThanOrEqual(x.related[0].confidence);
    });
    expect(a[3].question).toBe("丢失了借书证怎么办？"); // Chinese without spaces
    expect(a[4].answer).toContain("CityLibrary");
    const held = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await p1.retrieve([queries[i % queries.length]]);
    expect(tf.memory().numTensors).toBe(held);
    p1.dispose();
    p2.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("hybrid beats BM25 alone on paraphrases that share few words (synthetic, English and Chinese)", async () => {
    // Seed 2 holds out paraphrases that share few words with their question (seeds 1 and 3 tie).
    const hybrid = await trainFaqRetriever(FAQ_ENTRIES, { seed: 2, ...tiny });
    const bm25 = await trainFaqRetriever(FAQ_ENTRIES, { seed: 2, modelType: "bm25" });
    const top1 = (m: typeof hybrid) => (m.manifest.metrics?.kind === "retrieval" ? m.manifest.metrics.top1 : NaN);
    console.log(`FAQ synthetic: hybrid top1 ${top1(hybrid).toFixed(3)}, bm25 top1 ${top1(bm25).toFixed(3)}`);
    expect(top1(hybrid)).toBeGreaterThanOrEqual(0.6); // chance 1/6; measured 0.67 vs BM25 0.42
    expect(top1(hybrid)).toBeGreaterThan(top1(bm25));
    expect(bm25.manifest.payload?.kind === "retrieval" && bm25.manifest.payload.embeddingWeight).toBe(0);
    const p = (await loadPredictor(bm25.bundle)) as RetrieverPredictor;
    // A Chinese question of the index, cut and re-punctuated: found through character n-grams.
    const payload = bm25.manifest.payload;
    if (payload?.kind !== "retrieval") throw new Error("payload");
    const zhText = payload.entries.find((e) => e.id === "returns")!.questions.find((q) => /[\u4e00-\u9fff]/.test(q))!;
    const [zh] = await p.retrieve([`${zhText.slice(1)}？`]);
    expect(zh.answerId).toBe("returns");
    p.dispose();
  });

  it("refuses bad data with clear errors", async () => {
    const noParaphrases = FAQ_ENTRIES.map(({ paraphrases: _p, ...e }) => e);
    await expect(trainFaqRetriever(noParaphrases)).rejects.toMatchObject({ name: "TrainingDataError", code: "no-paraphrases" });
    await expect(trainFaqRetriever(FAQ_ENTRIES.slice(0, 1))).rejects.toBeInstanceOf(TrainingDataError);
    await expect(trainFaqRetriever([{ question: "a?", answer: "" }, { question: "b?", answer: "b" }], { modelType: "bm25" })).rejects.toMatchObject({ code: "empty-text" });
    // Without a validation share the hybrid trains on everything and is measured on training texts.
    const all = await trainFaqRetriever(FAQ_ENTRIES, { modelType: "hybrid-retriever", hyperparams: { epochs: 2, validationFraction: 0 } });
    expect(all.manifest.metricsSplit).toBe("training");
    // BM25 needs no paraphrases (measured on the questions themselves).
    const r = await trainFaqRetriever(noParaphrases, { modelType: "bm25" });
    expect(r.manifest.metricsSplit).toBe("training");
  });
});
