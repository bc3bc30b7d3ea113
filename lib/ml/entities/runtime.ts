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

/** Int ids [batch, maxTokens, maxFeatures] for the tagger (0 = padding). */
export function featureTensor(perText: readonly Int32Array[][]): tf.Tensor3D {
  const l = Math.max(1, ...perText.map((t) => t.length));
  const f = Math.max(1, ...perText.flatMap((t) => t.map((x) => x.length)));
  const flat = new Int32Array(perText.length * l * f);
  perText.forEach((tokens, b) => tokens.forEach((ids, t) => flat.set(ids, (b * l + t) * f)));
  return tf.tensor3d(flat, [perText.length, l, f], "int32");
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
      const x = featureTensor(tokens.map((t) => tokenFeatures(t, config)));
      const l = x.shape[1];
      const y = tf.tidy(() => model.predict(x) as tf.Tensor);
      x.dispose();
      let values: Float32Array;
      try {
        values = (await y.data()) as Float32Array;
      } finally {
        y.dispose();
      }
      tokens.forEach((t, b) => out.push({ tokens: t, probs: values.slice(b * l * numTags, (b * l + t.length) * numTags) }));
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
