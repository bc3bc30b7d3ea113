/**
 * BM25 over hashed terms (word unigrams and character n-grams from the hashing tokenizer, so
 * Chinese without spaces works). One document per FAQ entry: its question, its training
 * paraphrases and its answer (the answer added +5 points top-3 on the library sample, 3 seeds). Scores are normalised by the query's best possible score, sum over its distinct
 * terms of idf * (k1 + 1), so they lie in [0, 1) and mean the same for every query.
 */
import type { ManifestPayload } from "../bundle";

export type Bm25Stats = Extract<ManifestPayload, { kind: "retrieval" }>["bm25"];

export function buildBm25Stats(docs: readonly Int32Array[], k1 = 1.2, b = 0.75): Bm25Stats {
  const df = new Map<number, number>();
  for (const doc of docs) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  const termIds = [...df.keys()].sort((x, y) => x - y);
  const docLengths = docs.map((d) => d.length);
  return {
    k1,
    b,
    avgDocLength: docLengths.reduce((s, n) => s + n, 0) / Math.max(docs.length, 1),
    docLengths,
    termIds,
    docFreqs: termIds.map((t) => df.get(t)!),
  };
}

export class Bm25Index {
  private readonly idf = new Map<number, number>();
  /** Per document: term → count. */
  private readonly tf: Map<number, number>[];

  constructor(
    private readonly stats: Bm25Stats,
    docs: readonly Int32Array[],
  ) {
    const n = stats.docLengths.length;
    if (docs.length !== n) throw new Error(`BM25 stats describe ${n} documents, ${docs.length} given.`);
    stats.termIds.forEach((t, i) => this.idf.set(t, Math.log(1 + (n - stats.docFreqs[i] + 0.5) / (stats.docFreqs[i] + 0.5))));
    this.tf = docs.map((d) => {
      const m = new Map<number, number>();
      for (const t of d) m.set(t, (m.get(t) ?? 0) + 1);
      return m;
    });
  }

  /** Normalised BM25 of the query against every document. */
  score(query: Int32Array): Float64Array {
    const { k1, b, avgDocLength, docLengths } = this.stats;
    const out = new Float64Array(docLengths.length);
    let best = 0;
    const n = docLengths.length;
    for (const t of new Set(query)) {
      // A term no document has still counts in the normaliser: unknown words lower the score.
      const idf = this.idf.get(t) ?? Math.log(1 + (n + 0.5) / 0.5);
      best += idf * (k1 + 1);
      if (!this.idf.has(t)) continue;
      for (let d = 0; d < n; d++) {
        const f = this.tf[d].get(t);
        if (!f) continue;
        out[d] += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * docLengths[d]) / Math.max(avgDocLength, 1e-9)));
      }
    }
    if (best > 0) for (let d = 0; d < n; d++) out[d] /= best;
    return out;
  }
}
