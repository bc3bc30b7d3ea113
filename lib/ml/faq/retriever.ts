/**
 * The FAQ retriever at run time (predictor, trainer evaluation): hybrid of BM25 and the learned
 * embedding, with calibrated confidence.
 *
 *   cosine(entry) = max over the entry's questions of cos(query, question)   (embeddings L2-normalised)
 *   bm25(entry)   = normalised BM25 of the query against the entry's questions and answer (bm25.ts)
 *   score         = w * cosine + (1 - w) * bm25,  confidence = softmax(score / temperature)
 *
 * w and the temperature are fitted on held-out paraphrases when the model is trained.
 */
import * as tf from "@tensorflow/tfjs";
import type { BundleManifest, ManifestPayload } from "../bundle";
import { PredictorError } from "../errors";
import { tokenizeBag } from "../text/tokenizer";
import type { RetrievalPrediction } from "../types";
import { Bm25Index } from "./bm25";

export type RetrievalPayload = Extract<ManifestPayload, { kind: "retrieval" }>;

export interface ScoreComponents {
  /** [queries][entries] */
  cosine: Float64Array[];
  bm25: Float64Array[];
}

export interface RetrievalRuntime {
  readonly entries: RetrievalPayload["entries"];
  components(queries: readonly string[]): Promise<ScoreComponents>;
  retrieve(queries: readonly string[], options?: { related?: number; embeddingWeight?: number; temperature?: number }): Promise<RetrievalPrediction[]>;
}

/** Embeds texts with the encoder (EmbeddingBag → projection) and L2-normalises them in JS. */
export async function embedTexts(model: tf.LayersModel, ids: readonly Int32Array[], batchSize: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < ids.length; i += batchSize) {
    const chunk = ids.slice(i, i + batchSize);
    const len = Math.max(1, ...chunk.map((a) => a.length));
    const flat = new Int32Array(chunk.length * len);
    chunk.forEach((a, j) => flat.set(a, j * len));
    const x = tf.tensor2d(flat, [chunk.length, len], "int32");
    const y = tf.tidy(() => model.predict(x) as tf.Tensor);
    x.dispose();
    let values: Float32Array;
    try {
      values = (await y.data()) as Float32Array;
    } finally {
      y.dispose();
    }
    const dim = values.length / chunk.length;
    for (let j = 0; j < chunk.length; j++) out.push(normalize(values.slice(j * dim, (j + 1) * dim)));
  }
  return out;
}

export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let k = 0; k < v.length; k++) n += v[k] * v[k];
  n = Math.sqrt(n);
  if (n > 0) for (let k = 0; k < v.length; k++) v[k] /= n;
  return v;
}

export function softmax(scores: ArrayLike<number>, temperature: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]);
  const out = new Float64Array(scores.length);
  let z = 0;
  for (let i = 0; i < scores.length; i++) z += out[i] = Math.exp((scores[i] - max) / temperature);
  for (let i = 0; i < scores.length; i++) out[i] /= z;
  return out;
}

export function hybridScores(c: ScoreComponents, q: number, weight: number): Float64Array {
  const cos = c.cosine[q];
  const bm = c.bm25[q];
  return Float64Array.from(bm, (b, e) => weight * cos[e] + (1 - weight) * b);
}

export async function createRetrievalRuntime(model: tf.LayersModel, manifest: BundleManifest, batchSize: number): Promise<RetrievalRuntime> {
  const p = manifest.preprocessing;
  const payload = manifest.payload;
  if (p.kind !== "faq" || payload?.kind !== "retrieval") throw new PredictorError("bad-input", "This bundle is not an FAQ retriever.");
  const entries = payload.entries;
  const bm25 = new Bm25Index(
    payload.bm25,
    entries.map((e) => concat([...e.questions, e.answer].map((q) => tokenizeBag(q, p.bm25Tokenizer)))),
  );
  const useEmbedding = payload.embeddingWeight > 0 || manifest.modelType !== "bm25";
  const textEntry: number[] = [];
  entries.forEach((e, i) => e.questions.forEach(() => textEntry.push(i)));
  const questionVectors = useEmbedding
    ? await embedTexts(
        model,
        entries.flatMap((e) => e.questions.map((q) => tokenizeBag(q, p.tokenizer))),
        batchSize,
      )
    : [];

  const components = async (queries: readonly string[]): Promise<ScoreComponents> => {
    queries.forEach((q, i) => {
      if (typeof q !== "string") throw new PredictorError("bad-input", `Input ${i}: expected a question (string).`);
    });
    const vectors = useEmbedding ? await embedTexts(model, queries.map((q) => tokenizeBag(q, p.tokenizer)), batchSize) : [];
    const cosine = queries.map((_, qi) => {
      const best = new Float64Array(entries.length).fill(useEmbedding ? -1 : 0);
      if (!useEmbedding) return best;
      const v = vectors[qi];
      questionVectors.forEach((d, t) => {
        let dot = 0;
        for (let k = 0; k < d.length; k++) dot += v[k] * d[k];
        if (dot > best[textEntry[t]]) best[textEntry[t]] = dot;
      });
      return best;
    });
    return { cosine, bm25: queries.map((q) => bm25.score(tokenizeBag(q, p.bm25Tokenizer))) };
  };

  return {
    entries,
    components,
    async retrieve(queries, options = {}) {
      const related = Math.max(0, Math.min(options.related ?? 3, entries.length - 1));
      const weight = options.embeddingWeight ?? payload.embeddingWeight;
      const temperature = options.temperature ?? payload.temperature;
      const c = await components(queries);
      return queries.map((_, q) => {
        const probs = softmax(hybridScores(c, q, weight), temperature);
        const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b);
        const best = entries[order[0]];
        return {
          answerId: best.id,
          question: best.question,
          answer: best.answer,
          confidence: probs[order[0]],
          related: order.slice(1, 1 + related).map((e) => ({ answerId: entries[e].id, question: entries[e].question, confidence: probs[e] })),
        };
      });
    },
  };
}

export function concat(arrays: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) (out.set(a, o), (o += a.length));
  return out;
}
