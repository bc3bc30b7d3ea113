/** The entity tagger at run time: tokens → features → tag probabilities → valid BIO → entities. */
import * as tf from "@tensorflow/tfjs";
import type { BundleManifest } from "../bundle";
import { PredictorError } from "../errors";
import type { EntityPrediction } from "../types";
import { decodeBio, tagsToSpans } from "./bio";
import { tokenFeatures, tokenizeWithOffsets, type Token, type TokenFeatureConfig } from "./tokens";

export interface TagProbabilities {
  tokens: Token[];
  /** [tokens x labels] row-major, labels as manifest.labels ("O", "B-T", "I-T", ...). */
  probs: Float32Array;
}

/** Row layout of a batch: `gap` zero rows, sentence 0, `gap` zero rows, sentence 1, ..., `gap` rows. */
export function rowLayout(lengths: readonly number[], gap: number): { starts: number[]; rows: number } {
  const starts: number[] = [];
  let row = gap;
  for (const n of lengths) {
    starts.push(row);
    row += n + gap;
  }
  return { starts, rows: Math.max(row, 1) };
}

/** Int ids [rows, maxFeatures] for the tagger (0 = padding), laid out by rowLayout. */
export function featureTensor(perText: readonly Int32Array[][], gap: number): { x: tf.Tensor2D; starts: number[] } {
  const { starts, rows } = rowLayout(perText.map((t) => t.length), gap);
  const f = Math.max(1, ...perText.flatMap((t) => t.map((x) => x.length)));
  const flat = new Int32Array(rows * f);
  perText.forEach((tokens, b) => tokens.forEach((ids, t) => flat.set(ids, (starts[b] + t) * f)));
  return { x: tf.tensor2d(flat, [rows, f], "int32"), starts };
}

export function createEntityRuntime(model: tf.LayersModel, manifest: BundleManifest, batchSize: number) {
  const p = manifest.preprocessing;
  const payload = manifest.payload;
  if (p.kind !== "token-features" || payload?.kind !== "bio") throw new PredictorError("bad-input", "This bundle is not an entity tagger.");
  const config: TokenFeatureConfig = p.tokenizer;
  const types = payload.types;
  const numTags = manifest.labels.length;

  const tagProbabilities = async (texts: readonly string[]): Promise<TagProbabilities[]> => {
    texts.forEach((t, i) => {
      if (typeof t !== "string") throw new PredictorError("bad-input", `Input ${i}: expected a text (string).`);
    });
    const out: TagProbabilities[] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      const tokens = texts.slice(i, i + batchSize).map((t) => tokenizeWithOffsets(t, config.maxTokens));
      const { x, starts } = featureTensor(
        tokens.map((t) => tokenFeatures(t, config)),
        payload.gap,
      );
      const y = tf.tidy(() => model.predict(x) as tf.Tensor);
      x.dispose();
      let values: Float32Array;
      try {
        values = (await y.data()) as Float32Array;
      } finally {
        y.dispose();
      }
      tokens.forEach((t, b) => out.push({ tokens: t, probs: values.slice(starts[b] * numTags, (starts[b] + t.length) * numTags) }));
    }
    return out;
  };

  const extract = async (texts: readonly string[]): Promise<EntityPrediction[]> =>
    (await tagProbabilities(texts)).map(({ tokens, probs }, i) => {
      const logProbs = Float64Array.from(probs, (v) => Math.log(Math.max(v, 1e-12)));
      const tags = decodeBio(logProbs, tokens.length, numTags);
      return {
        entities: tagsToSpans(tokens, tags, types).map((s) => {
          let sum = 0;
          let n = 0;
          tokens.forEach((tok, t) => {
            if (tok.start >= s.start && tok.end <= s.end) ((sum += probs[t * numTags + tags[t]]), n++);
          });
          return { type: s.label, text: texts[i].slice(s.start, s.end), start: s.start, end: s.end, confidence: n > 0 ? sum / n : 0 };
        }),
      };
    });

  return { types, tagProbabilities, extract };
}
