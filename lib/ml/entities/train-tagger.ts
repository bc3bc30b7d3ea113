/**
 * Entity extraction: annotated sentences ({text, spans} from lib/data/entities: CoNLL, JSONL spans
 * or inline markup) → a token tagger.
 *
 *   "cnn-tagger": per token, hashed features (word, affixes, shape, neighbours, CJK bigrams; see
 *       tokens.ts) → embedding bag (JS-side sparse table while training) → 3 masked dilated
 *       convolutions (dilation 1, 2, 4: a 15-token receptive field) → dense → softmax over BIO tags.
 *
 * Decoding is constrained Viterbi (bio.ts), so predictions are always valid BIO. Validation
 * selects the best epoch on entity-level micro F1 (exact span match).
 */
import * as tf from "@tensorflow/tfjs";
import { MaskedDilatedConv, TokenEmbeddingBag } from "../layers";
import { createRng } from "../random";
import { randomSplit } from "../split";
import { resolveHyperparams, stripUndefined } from "../presets";
import { TrainingDataError } from "../errors";
import { SparseEmbeddingTable, bagBackward, bagForward, toRagged, type RaggedIds } from "../engine/sparse-embedding";
import { trainWithObjective, type CommonTrainOptions, type ManifestDraft, type TrainedModel } from "../engine/finish";
import { loadPredictor, type EntityPredictor } from "../predictor";
import type { EntitiesReport } from "../metrics";
import { rowLayout } from "./runtime";
import { bioTags, decodeBio, entityReport, spansToTags, tagsToSpans, type Span } from "./bio";
import { DEFAULT_TOKEN_FEATURES, tokenFeatures, tokenizeWithOffsets, type Token, type TokenFeatureConfig } from "./tokens";

export const TAGGER_MODEL_TYPES = ["cnn-tagger"] as const;
export type TaggerModelType = (typeof TAGGER_MODEL_TYPES)[number];

/** As lib/data's EntitySample (row optional). */
export interface EntitySampleInput {
  text: string;
  spans: readonly Span[];
}

export interface TaggerArchitecture {
  embeddingDim: number;
  filters: number;
  /** Dilation of each convolution (kernel size 3). */
  dilations: number[];
  /** Share of a token's features dropped in each training step. */
  featureDropout: number;
}

export const DEFAULT_TAGGER_ARCHITECTURE: TaggerArchitecture = { embeddingDim: 48, filters: 64, dilations: [1, 2, 4], featureDropout: 0.15 };

export interface TrainTaggerOptions extends CommonTrainOptions {
  modelType?: TaggerModelType;
  architecture?: Partial<TaggerArchitecture>;
  tokenizer?: Partial<TokenFeatureConfig>;
}

export async function trainEntityTagger(samples: readonly EntitySampleInput[], options: TrainTaggerOptions = {}): Promise<TrainedModel> {
  const startedAt = performance.now();
  const modelType = options.modelType ?? "cnn-tagger";
  if (!TAGGER_MODEL_TYPES.includes(modelType)) throw new TrainingDataError("bad-shape", `Unknown entity model type "${modelType}".`);
  if (!Array.isArray(samples) || samples.length < 2) throw new TrainingDataError("too-few-entries", "Entity extraction needs at least two annotated sentences.");
  samples.forEach((s, i) => {
    if (typeof s?.text !== "string" || s.text.trim() === "") throw new TrainingDataError("empty-text", `Sentence ${i + 1} is empty.`);
    if (!Array.isArray(s.spans)) throw new TrainingDataError("bad-shape", `Sentence ${i + 1} has no span list.`);
  });
  const types = [...new Set(samples.flatMap((s) => s.spans.map((x: Span) => x.label)))].sort();
  if (types.length === 0) throw new TrainingDataError("no-entities", "No sentence marks an entity: annotate at least a few entities (e.g. \"[Paris](CITY)\").");
  const labels = bioTags(types);
  const numTags = labels.length;
  const hyper = resolveHyperparams("tagger", options.preset, options.hyperparams);
  const arch: TaggerArchitecture = { ...DEFAULT_TAGGER_ARCHITECTURE, ...stripUndefined(options.architecture) };
  const tokenizer: TokenFeatureConfig = { ...DEFAULT_TOKEN_FEATURES, ...stripUndefined(options.tokenizer) };
  const seed = options.seed ?? 42;
  const rng = createRng(seed);
  const split = randomSplit(samples.length, { validationFraction: hyper.validationFraction, seed: rng.seed() });

  const tokens: Token[][] = samples.map((s) => tokenizeWithOffsets(s.text, tokenizer.maxTokens));
  const features: Int32Array[][] = tokens.map((t) => tokenFeatures(t, tokenizer));
  const gold: Int32Array[] = tokens.map((t, i) => spansToTags(t, samples[i].spans, types));
  const dim = arch.embeddingDim;

  const layers: tf.layers.Layer[] = [
    new TokenEmbeddingBag({ inputDim: tokenizer.buckets, outputDim: dim, combiner: "sqrtn", inputShape: [null], name: "token_embedding" }),
  ];
  let channels = dim + 1;
  arch.dilations.forEach((dilation, i) => {
    layers.push(new MaskedDilatedConv({ filters: arch.filters, kernelSize: 3, dilation, inputChannels: channels, seed: rng.seed(), name: `conv_${i + 1}` }));
    channels = arch.filters + 1;
  });
  layers.push(tf.layers.dense({ units: numTags, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: "logits" }));
  layers.push(tf.layers.activation({ activation: "softmax", name: "probabilities" }));
  const model = tf.sequential({ layers });

  const table = new SparseEmbeddingTable(tokenizer.buckets, dim, rng.seed(), { learningRate: hyper.embeddingLearningRate });
  const dropRng = createRng(rng.seed());
  const gap = Math.max(0, ...arch.dilations); // kernel size 3: a shift of at most one dilation
  let lastBatch: { samples: readonly number[]; data: RaggedIds; rows: number } | null = null;

  /** Token bags of a batch in the row layout of runtime.ts (empty bags for the gap rows). */
  const batchBags = (batch: readonly number[], training: boolean) => {
    const { starts, rows } = rowLayout(batch.map((s) => tokens[s].length), gap);
    const bags: Int32Array[] = Array.from({ length: rows }, () => new Int32Array(0));
    batch.forEach((s, b) =>
      features[s].forEach((ids, t) => {
        if (training && arch.featureDropout > 0) {
          const kept = ids.filter(() => dropRng.next() >= arch.featureDropout) as Int32Array;
          bags[starts[b] + t] = kept.length > 0 ? kept : ids.subarray(0, 1);
        } else bags[starts[b] + t] = ids;
      }),
    );
    return { data: toRagged(bags), starts, rows };
  };

  const input = {
    forward: (batch: readonly number[], training: boolean) => {
      const { data, rows } = batchBags(batch, training);
      if (training) lastBatch = { samples: batch, data, rows };
      const vectors = bagForward(table, data, Array.from({ length: rows }, (_, i) => i), "sqrtn");
      const x = new Float32Array(rows * (dim + 1));
      for (let r = 0; r < rows; r++) {
        x.set(vectors.subarray(r * dim, (r + 1) * dim), r * (dim + 1));
        x[r * (dim + 1) + dim] = data.offsets[r + 1] > data.offsets[r] ? 1 : 0;
      }
      return tf.tensor2d(x, [rows, dim + 1]);
    },
    sparse: {
      backward: (batch: readonly number[], dInput: Float32Array) => {
        if (!lastBatch || lastBatch.samples !== batch) throw new Error("Tagger training: backward without its forward batch.");
        const rows = lastBatch.rows;
        const d = new Float32Array(rows * dim);
        for (let r = 0; r < rows; r++) d.set(dInput.subarray(r * (dim + 1), r * (dim + 1) + dim), r * dim);
        bagBackward(table, lastBatch.data, Array.from({ length: rows }, (_, i) => i), "sqrtn", d);
      },
      snapshot: () => table.snapshot(),
      restore: (s: unknown) => table.restore(s as Float32Array),
    },
  };

  /** One-hot targets and the token mask of a batch, per row. */
  const targetsOf = (batch: readonly number[]) => {
    const { starts, rows } = rowLayout(batch.map((s) => tokens[s].length), gap);
    const onehot = new Float32Array(rows * numTags);
    const mask = new Float32Array(rows);
    batch.forEach((s, b) => gold[s].forEach((tag, t) => ((onehot[(starts[b] + t) * numTags + tag] = 1), (mask[starts[b] + t] = 1))));
    return { onehot, mask, rows, starts };
  };

  const objective = {
    loss: (out: tf.Tensor, batch: readonly number[]) => {
      const { onehot, mask, rows } = targetsOf(batch);
      const y = tf.tensor2d(onehot, [rows, numTags]);
      const w = tf.tensor1d(mask);
      const loss = tf.losses.softmaxCrossEntropy(y, out, w) as tf.Scalar;
      const right = tf.mul(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(y, 1)), "float32"), w);
      const acc = tf.div(tf.sum(right), tf.maximum(tf.sum(w), 1)) as tf.Scalar;
      return { loss, acc };
    },
    evaluate: async (batch: readonly number[], infer: (chunk: readonly number[]) => tf.Tensor) => {
      let loss = 0;
      let count = 0;
      const predicted: Span[][] = [];
      for (let i = 0; i < batch.length; i += 64) {
        const chunk = batch.slice(i, i + 64);
        const { starts } = rowLayout(chunk.map((s) => tokens[s].length), gap);
        const out = infer(chunk);
        const logits = (await out.data()) as Float32Array;
        out.dispose();
        chunk.forEach((s, b) => {
          const n = tokens[s].length;
          const logProbs = new Float64Array(n * numTags);
          for (let t = 0; t < n; t++) {
            const row = logits.subarray((starts[b] + t) * numTags, (starts[b] + t + 1) * numTags);
            let max = -Infinity;
            for (const v of row) max = Math.max(max, v);
            let z = 0;
            for (const v of row) z += Math.exp(v - max);
            for (let k = 0; k < numTags; k++) logProbs[t * numTags + k] = row[k] - max - Math.log(z);
            loss -= logProbs[t * numTags + gold[s][t]];
            count++;
          }
          predicted.push(tagsToSpans(tokens[s], decodeBio(logProbs, n, numTags), types));
        });
      }
      const report = entityReport(batch.map((s) => tagsToSpans(tokens[s], gold[s], types)), predicted, types, 0);
      return { loss: loss / Math.max(count, 1), acc: report.f1 };
    },
  };

  const draft: ManifestDraft = {
    formatVersion: 1,
    scene: options.scene ?? "entity-extraction",
    modelType,
    task: "entities",
    labels,
    preprocessing: { kind: "token-features", tokenizer },
    backbone: null,
    datasetVersion: options.datasetVersion ?? null,
    payload: { kind: "bio", types, gap },
  };

  return trainWithObjective({
    model,
    trainLayers: model.layers.slice(1, -1),
    input,
    objective,
    task: "classification",
    split,
    hyper,
    seed,
    loopSeed: rng.seed(),
    options,
    draft,
    architecture: { embeddingDim: arch.embeddingDim, filters: arch.filters, dilations: arch.dilations.join(","), featureDropout: arch.featureDropout },
    startedAt,
    commit: () => {
      const values = tf.tensor2d(table.values, [table.rows, table.dim]);
      model.layers[0].setWeights([values]);
      values.dispose();
    },
    afterResume: () => table.values.set(model.layers[0].getWeights()[0].dataSync()),
    evaluate: async (bundle) => {
      const evalSet = split.validation.length > 0 ? split.validation : split.train;
      return {
        metrics: await entityEvaluation(bundle, evalSet.map((s) => samples[s])),
        split: split.validation.length > 0 ? "validation" : "training",
      };
    },
  });
}

/** Entity-level P/R/F1 (exact spans, against the spans of the gold tags) of a tagger bundle. */
export async function entityEvaluation(bundle: Uint8Array, samples: readonly EntitySampleInput[]): Promise<EntitiesReport> {
  const predictor = (await loadPredictor(bundle)) as EntityPredictor;
  try {
    const types = predictor.types;
    const numTags = predictor.manifest.labels.length;
    const probs = await predictor.tagProbabilities(samples.map((s) => s.text));
    const predicted = await predictor.extract(samples.map((s) => s.text));
    let right = 0;
    let total = 0;
    probs.forEach(({ tokens, probs: p }, i) => {
      const goldTags = spansToTags(tokens, samples[i].spans, types);
      const tags = decodeBio(Float64Array.from(p, (v) => Math.log(Math.max(v, 1e-12))), tokens.length, numTags);
      tags.forEach((t, j) => (total++, t === goldTags[j] && right++));
    });
    return entityReport(
      samples.map((s) => s.spans.filter((x) => types.includes(x.label))),
      predicted.map((p) => p.entities.map((e) => ({ start: e.start, end: e.end, label: e.type }))),
      types,
      total > 0 ? right / total : 0,
    );
  } finally {
    predictor.dispose();
  }
}
