import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { loadPredictor, type EntityPredictor } from "../predictor";
import { createRng } from "../random";
import { entitySentences } from "../testing";
import { bioTags, decodeBio, isValidBio, spansToTags, tagsToSpans } from "./bio";
import { tokenizeWithOffsets } from "./tokens";
import { trainEntityTagger } from "./train-tagger";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("entity tokens and BIO", () => {
  it("tokenises English words and Chinese characters with offsets into the original text", () => {
    const text = "Ｍeet Anna in 北京, at 08:45!";
    const tokens = tokenizeWithOffsets(text);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
    expect(tokens.map((t) => t.text)).toEqual(["Ｍeet", "Anna", "in", "北", "京", ",", "at", "08", ":", "45", "!"]);
    const types = ["CITY", "TIME"];
    const tags = spansToTags(tokens, [{ start: 13, end: 15, label: "CITY" }, { start: 20, end: 25, label: "TIME" }], types);
    expect(Array.from(tags, (t) => bioTags(types)[t])).toEqual(["O", "O", "O", "B-CITY", "I-CITY", "O", "O", "B-TIME", "I-TIME", "I-TIME", "O"]);
    expect(tagsToSpans(tokens, tags, types)).toEqual([{ start: 13, end: 15, label: "CITY" }, { start: 20, end: 25, label: "TIME" }]);
  });

  it("decodeBio never emits an invalid sequence and finds the best valid one (random score matrices)", () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 500; trial++) {
      const numTypes = 1 + rng.int(4);
      const numTags = 1 + 2 * numTypes;
      const n = rng.int(9);
      // Scores that favour I- tags make invalid sequences the unconstrained argmax.
      const scores = Float64Array.from({ length: n * numTags }, (_, i) => (i % numTags) % 2 === 0 && i % numTags > 0 ? rng.next() * 5 : rng.next() * 3 - 3);
      const tags = decodeBio(scores, n, numTags);
      expect(isValidBio(tags)).toBe(true);
      if (n <= 4 && numTags <= 5) {
        // Brute force over every sequence: the decoder's score is the best valid score.
        let best = -Infinity;
        const seq = new Int32Array(n);
        const walk = (t: number, s: number) => {
          if (t === n) return void (isValidBio(seq) && (best = Math.max(best, s)));
          for (let k = 0; k < numTags; k++) ((seq[t] = k), walk(t + 1, s + scores[t * numTags + k]));
        };
        walk(0, 0);
        const got = Array.from(tags).reduce((s, k, t) => s + scores[t * numTags + k], 0);
        expect(got).toBeCloseTo(best, 9);
      }
    }
    expect(isValidBio(Int32Array.from([2]))).toBe(false); // I- at the start
    expect(isValidBio(Int32Array.from([1, 4]))).toBe(false); // I-B after B-A
  });
});

describe("entity tagger (cnn-tagger)", () => {
  it("trains above the floor on English + Chinese sentences, without leaks, and round-trips exactly", async () => {
    const data = entitySentences(80, 2);
    const before = tf.memory().numTensors;
    const result = await trainEntityTagger(data, { seed: 4, hyperparams: { epochs: 10, patience: 0, batchSize: 16, learningRate: 0.01, embeddingLearningRate: 0.05 }, architecture: { embeddingDim: 16, filters: 24 } });
    expect(tf.memory().numTensors).toBe(before);
    const m = result.manifest;
    if (m.metrics?.kind !== "entities") throw new Error("metrics");
    console.log(`NER synthetic: F1 ${m.metrics.f1.toFixed(3)} P ${m.metrics.precision.toFixed(3)} R ${m.metrics.recall.toFixed(3)} tokenAcc ${m.metrics.tokenAccuracy.toFixed(3)} on ${m.metrics.samples} sentences; ${Math.round(result.trainingMs)} ms`);
    expect(m.labels).toEqual(["O", "B-CITY", "I-CITY", "B-DATE", "I-DATE", "B-PERSON", "I-PERSON"]);
    expect(m.metrics.samples).toBe(12);
    expect(m.metrics.f1).toBeGreaterThanOrEqual(0.75); // measured 0.89 (seed 4)
    expect(m.metrics.perType.map((t) => t.type)).toEqual(["CITY", "DATE", "PERSON"]);

    const p1 = (await loadPredictor(result.bundle)) as EntityPredictor;
    const p2 = (await loadPredictor(result.bundle.slice())) as EntityPredictor;
    const texts = ["I'm flying from Berlin to Tokyo on Monday.", "张伟在上海等你", "nothing here", "", "Maria arrives tomorrow"];
    const a = await p1.extract(texts);
    const b = await p2.predict(texts);
    expect(b).toHaveLength(texts.length);
    const pa = await p1.tagProbabilities(texts);
    const pb = await p2.tagProbabilities(texts);
    pa.forEach((x, i) => x.probs.forEach((v, j) => expect(Math.abs(v - pb[i].probs[j])).toBeLessThan(1e-6)));
    expect(a).toEqual(b);
    a.forEach((r, i) => r.entities.forEach((e) => expect(texts[i].slice(e.start, e.end)).toBe(e.text)));
    expect(a[0].entities.map((e) => [e.type, e.text])).toEqual([["CITY", "Berlin"], ["CITY", "Tokyo"], ["DATE", "Monday"]]);
    expect(a[1].entities.map((e) => [e.type, e.text])).toEqual([["PERSON", "张伟"], ["CITY", "上海"]]);
    expect(a[3].entities).toEqual([]);
    // One sentence alone or in a batch with longer ones: same probabilities (padding is masked).
    const [alone] = await p1.tagProbabilities([texts[4]]);
    alone.probs.forEach((v, j) => expect(Math.abs(v - pa[4].probs[j])).toBeLessThan(1e-5));
    const held = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await p1.extract([texts[i % texts.length]]);
    expect(tf.memory().numTensors).toBe(held);
    p1.dispose();
    p2.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses data without entities", async () => {
    await expect(trainEntityTagger([{ text: "a b", spans: [] }, { text: "c d", spans: [] }])).rejects.toMatchObject({ code: "no-entities" });
    await expect(trainEntityTagger([{ text: "a b", spans: [{ start: 0, end: 1, label: "X" }] }])).rejects.toMatchObject({ code: "too-few-entries" });
  });
});
