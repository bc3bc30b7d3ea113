import { describe, expect, it } from "vitest";
import { Bm25Index, buildBm25Stats } from "./bm25";

const doc = (...ids: number[]) => Int32Array.from(ids);

describe("BM25 over hashed terms", () => {
  const docs = [doc(1, 2, 3), doc(1, 4, 4, 5), doc(1, 6)];
  const stats = buildBm25Stats(docs);
  const index = new Bm25Index(stats, docs);

  it("stores document frequencies and lengths", () => {
    expect(stats.termIds).toEqual([1, 2, 3, 4, 5, 6]);
    expect(stats.docFreqs).toEqual([3, 1, 1, 1, 1, 1]);
    expect(stats.docLengths).toEqual([3, 4, 2]);
    expect(stats.avgDocLength).toBeCloseTo(3, 12);
  });

  it("scores in [0, 1), rare shared terms first, common terms barely count, unknown terms lower the score", () => {
    const s = index.score(doc(4));
    expect(s[1]).toBeGreaterThan(0);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeLessThan(1);
    const common = index.score(doc(1));
    expect(Math.max(...common)).toBeLessThan(s[1]);
    const withUnknown = index.score(doc(4, 99));
    expect(withUnknown[1]).toBeLessThan(s[1]);
    // Hand-computed: idf(4) = ln(1 + (3 - 1 + 0.5) / 1.5), tf 2, |d| 4, avg 3.
    const idf = Math.log(1 + 2.5 / 1.5);
    const expected = (idf * 2 * 2.2) / (2 + 1.2 * (1 - 0.75 + (0.75 * 4) / 3)) / (idf * 2.2);
    expect(s[1]).toBeCloseTo(expected, 12);
  });

  it("refuses stats of another document set", () => {
    expect(() => new Bm25Index(stats, docs.slice(1))).toThrow(/3 documents/);
  });
});
