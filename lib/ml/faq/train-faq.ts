/**
 * FAQ retrieval: question/answer pairs with optional paraphrases → a hybrid retriever.
 *
 *   "hybrid-retriever": BM25 (bm25.ts) + a learned embedding: hashed n-grams → embedding bag
 *       (JS-side sparse table, as in text/train-text.ts) → linear projection → L2 normalisation,
 *       trained contrastively (supervised InfoNCE with in-batch negatives): each training text is
 *       an anchor, a random other text of the same entry (or the same text under token dropout
 *       when the entry has only one) is its positive, every other entry in the batch a negative.
 *   "bm25": BM25 only; nothing is trained (the bundle carries a 2-row placeholder encoder so that
 *       every bundle loads through the same path).
 *
 * Validation: held-out paraphrases (never the main question). The hybrid weight and the softmax
 * temperature are fitted on them after training; top-1/top-3 are measured on them through the
 * saved bundle (so they are somewhat optimistic for the two fitted numbers; see README).
 */
import * as tf from "@tensorflow/tfjs";
import { EmbeddingBag } from "../layers";
import { createRng } from "../random";
import { resolveHyperparams, stripUndefined } from "../presets";
import { TrainingDataError } from "../errors";
import { SparseEmbeddingTable, bagBackward, bagForward, dropTokens, toRagged, type BagCombiner, type RaggedIds } from "../engine/sparse-embedding";
import { finishModel, trainWithObjective, type CommonTrainOptions, type ManifestDraft, type TrainedModel } from "../engine/finish";
import { confidenceCurve, type RetrievalMiss, type RetrievalReport } from "../metrics";
import { loadPredictor, type RetrieverPredictor } from "../predictor";
import { DEFAULT_BAG_TOKENIZER, tokenizeBag, type BagTokenizerConfig } from "../text/tokenizer";
import type { Split } from "../split";
import { buildBm25Stats } from "./bm25";
import { concat, hybridScores, softmax, type ScoreComponents } from "./retriever";

export const FAQ_MODEL_TYPES = ["hybrid-retriever", "bm25"] as const;
export type FaqModelType = (typeof FAQ_MODEL_TYPES)[number];

/** One FAQ entry, as lib/data's FaqSample (row optional). */
export interface FaqEntryInput {
  /** Stable id returned by predictions (e.g. the dataset sample id); default "0", "1", ... */
  id?: string;
  question: string;
  answer: string;
  paraphrases?: readonly string[];
}

export interface FaqArchitecture {
  embeddingDim: number;
  combiner: BagCombiner;
  /** Share of a text's n-grams dropped in each training view. */
  tokenDropout: number;
  /** InfoNCE temperature during training (similarities are divided by it). */
  contrastiveTemperature: number;
}

export const DEFAULT_FAQ_ARCHITECTURE: FaqArchitecture = { embeddingDim: 32, combiner: "sqrtn", tokenDropout: 0.2, contrastiveTemperature: 0.05 };

/** Embedding tokenizer: a smaller hash space than text classification (FAQ bundles stay ~2 MB). */
export const DEFAULT_FAQ_TOKENIZER: BagTokenizerConfig = { ...DEFAULT_BAG_TOKENIZER, buckets: 1 << 14, wordNgrams: [1, 2] };
/** BM25 terms: words, character 3- and 4-grams, CJK characters and bigrams; only document frequencies are stored. */
export const DEFAULT_BM25_TOKENIZER: BagTokenizerConfig = { ...DEFAULT_BAG_TOKENIZER, buckets: 1 << 22, wordNgrams: [1, 1], charNgrams: [3, 4], cjkNgrams: [1, 2] };

export interface TrainFaqOptions extends CommonTrainOptions {
  modelType?: FaqModelType;
  architecture?: Partial<FaqArchitecture>;
  tokenizer?: Partial<BagTokenizerConfig>;
  /** Fix the hybrid weight instead of fitting it (0 = BM25 only, 1 = embedding only). */
  embeddingWeight?: number;
}

export async function trainFaqRetriever(entriesIn: readonly FaqEntryInput[], options: TrainFaqOptions = {}): Promise<TrainedModel> {
  const startedAt = performance.now();
  const modelType = options.modelType ?? "hybrid-retriever";
  if (!FAQ_MODEL_TYPES.includes(modelType)) throw new TrainingDataError("bad-shape", `Unknown FAQ model type "${modelType}".`);
  const entries = validateEntries(entriesIn);
  const hyper = resolveHyperparams("retrieval", options.preset, options.hyperparams);
  const arch: FaqArchitecture = { ...DEFAULT_FAQ_ARCHITECTURE, ...stripUndefined(options.architecture) };
  const seed = options.seed ?? 42;
  const rng = createRng(seed);

  // Texts: every question and paraphrase; held-out paraphrases go to validation.
  const texts: string[] = [];
  const entryOf: number[] = [];
  const train: number[] = [];
  const validation: number[] = [];
  const splitRng = createRng(rng.seed());
  entries.forEach((e, i) => {
    texts.push(e.question);
    entryOf.push(i);
    train.push(texts.length - 1);
    const paraphrases = splitRng.shuffle([...e.paraphrases]);
    const nVal = hyper.validationFraction > 0 && paraphrases.length > 0 ? Math.min(paraphrases.length, Math.max(1, Math.round(paraphrases.length * hyper.validationFraction))) : 0;
    paraphrases.forEach((p, j) => {
      texts.push(p);
      entryOf.push(i);
      (j < nVal ? validation : train).push(texts.length - 1);
    });
  });
  if (modelType === "hybrid-retriever" && entries.every((e) => e.paraphrases.length === 0)) {
    throw new TrainingDataError(
      "no-paraphrases",
      "The hybrid retriever learns from paraphrases (other ways to ask each question) and is measured on them: add at least one paraphrase to some questions, or choose keyword search (BM25).",
    );
  }
  const split: Split = { train, validation };
  const trainTextsOf = entries.map(() => [] as number[]);
  for (const t of train) trainTextsOf[entryOf[t]].push(t);

  const bm25Tokenizer: BagTokenizerConfig = DEFAULT_BM25_TOKENIZER;
  const tokenizer: BagTokenizerConfig =
    modelType === "bm25"
      ? { ...DEFAULT_FAQ_TOKENIZER, buckets: 2, maxTokens: 1 }
      : { ...DEFAULT_FAQ_TOKENIZER, ...stripUndefined(options.tokenizer) };
  const dim = modelType === "bm25" ? 1 : arch.embeddingDim;
  const payloadEntries = entries.map((e, i) => ({ id: e.id, question: e.question, answer: e.answer, questions: trainTextsOf[i].map((t) => texts[t]) }));
  const docs = payloadEntries.map((e) => concat([...e.questions, e.answer].map((q) => tokenizeBag(q, bm25Tokenizer))));
  const fixedWeight = modelType === "bm25" ? 0 : options.embeddingWeight;
  const draft: ManifestDraft = {
    formatVersion: 1,
    scene: options.scene ?? "faq-retrieval",
    modelType,
    task: "retrieval",
    labels: entries.map((e) => e.id),
    preprocessing: { kind: "faq", tokenizer, bm25Tokenizer },
    backbone: null,
    datasetVersion: options.datasetVersion ?? null,
    payload: { kind: "retrieval", entries: payloadEntries, bm25: buildBm25Stats(docs), embeddingWeight: fixedWeight ?? 0.5, temperature: 0.1 },
  };

  const model = tf.sequential({
    layers: [
      new EmbeddingBag({ inputDim: tokenizer.buckets, outputDim: dim, combiner: arch.combiner, inputShape: [null], name: "embedding_bag" }),
      tf.layers.dense({ units: dim, useBias: false, kernelInitializer: tf.initializers.identity({}), name: "projection" }),
    ],
  });

  const finalize = async (provisional: Uint8Array) => fitHybrid(provisional, texts, validation, entryOf, fixedWeight);
  const evaluate = async (bundle: Uint8Array) => {
    const evalSet = validation.length > 0 ? validation : train;
    return { metrics: await retrievalReport(bundle, evalSet.map((t) => texts[t]), evalSet.map((t) => entryOf[t])), split: validation.length > 0 ? ("validation" as const) : ("training" as const) };
  };

  if (modelType === "bm25") {
    try {
      const { bundle, manifest } = await finishModel(model, draft, null, startedAt, finalize, evaluate);
      return { bundle, manifest, history: [], bestEpoch: null, stoppedReason: "completed", split, trainingMs: manifest.trainingMs };
    } finally {
      model.dispose();
    }
  }

  const ids = texts.map((t) => tokenizeBag(t, tokenizer));
  const ragged = toRagged(ids);
  const table = new SparseEmbeddingTable(tokenizer.buckets, dim, rng.seed(), { learningRate: hyper.embeddingLearningRate });
  const viewRng = createRng(rng.seed());
  // The two views of the last training batch, kept for its backward pass.
  let views: { samples: readonly number[]; data: RaggedIds; rows: number[] } | null = null;
  const input = {
    forward: (samples: readonly number[], training: boolean) => {
      if (!training) return tf.tensor2d(bagForward(table, ragged, samples, arch.combiner), [samples.length, dim]);
      // Rows 0..B-1: anchors; rows B..2B-1: positives.
      const positives = samples.map((s) => {
        const same = trainTextsOf[entryOf[s]].filter((t) => t !== s);
        return same.length > 0 ? same[viewRng.int(same.length)] : s;
      });
      const rows = [...samples, ...positives];
      const data = arch.tokenDropout > 0 ? dropTokens(ragged, rows, arch.tokenDropout, viewRng.next) : sliceRagged(ragged, rows);
      views = { samples, data, rows };
      return tf.tensor2d(bagForward(table, data, rows.map((_, i) => i), arch.combiner), [rows.length, dim]);
    },
    sparse: {
      backward: (samples: readonly number[], dInput: Float32Array) => {
        if (!views || views.samples !== samples) throw new Error("FAQ training: backward without its forward batch.");
        bagBackward(table, views.data, views.rows.map((_, i) => i), arch.combiner, dInput);
      },
      snapshot: () => table.snapshot(),
      restore: (s: unknown) => table.restore(s as Float32Array),
    },
  };

  const scale = 1 / arch.contrastiveTemperature;
  const objective = {
    loss: (out: tf.Tensor, samples: readonly number[]) => {
      const b = samples.length;
      const z = tf.div(out, tf.maximum(tf.norm(out, 2, 1, true), 1e-12));
      const anchors = tf.slice(z, [0, 0], [b, dim]);
      const positives = tf.slice(z, [b, 0], [b, dim]);
      const logits = tf.mul(tf.matMul(anchors, positives, false, true), scale);
      // Every positive of the same entry counts as right (an entry can appear twice in a batch).
      const same = new Float32Array(b * b);
      samples.forEach((s, i) => {
        const n = samples.filter((t) => entryOf[t] === entryOf[s]).length;
        samples.forEach((t, j) => {
          if (entryOf[s] === entryOf[t]) same[i * b + j] = 1 / n;
        });
      });
      const labels = tf.tensor2d(same, [b, b]);
      const loss = tf.add(tf.losses.softmaxCrossEntropy(labels, logits), tf.losses.softmaxCrossEntropy(tf.transpose(labels), tf.transpose(logits))).div(2) as tf.Scalar;
      const acc = tf.mean(tf.cast(tf.greater(tf.sum(tf.mul(tf.oneHot(tf.argMax(logits, 1), b), labels), 1), 0), "float32")) as tf.Scalar;
      return { loss, acc };
    },
    evaluate: async (samples: readonly number[], infer: (chunk: readonly number[]) => tf.Tensor) => {
      // Embedding-only retrieval of the held-out paraphrases against the training questions.
      const embed = async (rows: readonly number[]) => {
        const out = infer(rows);
        const v = (await out.data()) as Float32Array;
        out.dispose();
        return rows.map((_, i) => normalized(v.subarray(i * dim, (i + 1) * dim)));
      };
      const docs = await embed(train);
      const queries = await embed(samples);
      let correct = 0;
      let loss = 0;
      queries.forEach((q, i) => {
        const best = new Float64Array(entries.length).fill(-1);
        docs.forEach((d, j) => {
          let dot = 0;
          for (let k = 0; k < dim; k++) dot += q[k] * d[k];
          const e = entryOf[train[j]];
          if (dot > best[e]) best[e] = dot;
        });
        const p = softmax(best, arch.contrastiveTemperature);
        const target = entryOf[samples[i]];
        loss -= Math.log(Math.max(p[target], 1e-12));
        if (p.every((v, e) => v < p[target] || (v === p[target] && e >= target))) correct++;
      });
      return { loss: loss / Math.max(samples.length, 1), acc: correct / Math.max(samples.length, 1) };
    },
  };

  return trainWithObjective({
    model,
    trainLayers: model.layers.slice(1),
    input,
    objective,
    task: "classification",
    split,
    hyper,
    seed,
    loopSeed: rng.seed(),
    options,
    draft,
    architecture: { ...arch, entries: entries.length },
    startedAt,
    commit: () => {
      const values = tf.tensor2d(table.values, [table.rows, table.dim]);
      model.layers[0].setWeights([values]);
      values.dispose();
    },
    afterResume: () => table.values.set(model.layers[0].getWeights()[0].dataSync()),
    finalize,
    evaluate,
  });
}

interface FaqEntry {
  id: string;
  question: string;
  answer: string;
  paraphrases: string[];
}

function validateEntries(entries: readonly FaqEntryInput[]): FaqEntry[] {
  if (!Array.isArray(entries)) throw new TrainingDataError("bad-shape", "Expected a list of {question, answer, paraphrases} entries.");
  const ids = new Set<string>();
  const out = entries.map((e, i) => {
    const question = typeof e?.question === "string" ? e.question.trim() : "";
    const answer = typeof e?.answer === "string" ? e.answer.trim() : "";
    if (!question) throw new TrainingDataError("empty-text", `Entry ${i + 1} has no question.`);
    if (!answer) throw new TrainingDataError("empty-text", `Entry ${i + 1} ("${question}") has no answer.`);
    const id = e.id === undefined ? String(i) : String(e.id);
    if (ids.has(id)) throw new TrainingDataError("bad-shape", `Two entries have the id "${id}".`);
    ids.add(id);
    const cleaned: string[] = Array.from(e.paraphrases ?? [], (p: unknown) => (typeof p === "string" ? p.trim() : ""));
    const paraphrases = [...new Set(cleaned.filter((p) => p !== "" && p !== question))];
    return { id, question, answer, paraphrases };
  });
  if (out.length < 2) throw new TrainingDataError("too-few-entries", "FAQ retrieval needs at least two question/answer pairs.");
  return out;
}

function sliceRagged(data: RaggedIds, rows: readonly number[]): RaggedIds {
  return toRagged(rows.map((r) => data.ids.subarray(data.offsets[r], data.offsets[r + 1])));
}

function normalized(v: Float32Array): Float32Array {
  const out = v.slice();
  let n = 0;
  for (const x of out) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let k = 0; k < out.length; k++) out[k] /= n;
  return out;
}

/** Rank (1-based) of the target in scores (ties: lower index first). */
function rankOf(scores: ArrayLike<number>, target: number): number {
  let rank = 1;
  for (let e = 0; e < scores.length; e++) if (scores[e] > scores[target] || (scores[e] === scores[target] && e < target)) rank++;
  return rank;
}

const WEIGHT_GRID = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * Fits the hybrid weight (best top-1, then MRR, then closest to 0.5) and the temperature (lowest
 * negative log-likelihood of the right entry, log-spaced grid) on the held-out paraphrases.
 */
async function fitHybrid(provisional: Uint8Array, texts: string[], validation: number[], entryOf: number[], fixedWeight: number | undefined) {
  const predictor = (await loadPredictor(provisional)) as RetrieverPredictor;
  try {
    const payload = predictor.manifest.payload;
    if (payload?.kind !== "retrieval") throw new Error("unreachable: not a retrieval bundle");
    if (validation.length === 0) return { ...payload, embeddingWeight: fixedWeight ?? payload.embeddingWeight };
    const c: ScoreComponents = await predictor.scoreComponents(validation.map((t) => texts[t]));
    const targets = validation.map((t) => entryOf[t]);
    let weight = fixedWeight ?? 0.5;
    if (fixedWeight === undefined) {
      let best = [-1, -1, -1];
      for (const w of WEIGHT_GRID) {
        let top1 = 0;
        let mrr = 0;
        targets.forEach((target, q) => {
          const r = rankOf(hybridScores(c, q, w), target);
          if (r === 1) top1++;
          mrr += 1 / r;
        });
        const key = [top1, Math.round(mrr * 1e9), -Math.abs(w - 0.5)];
        if (key[0] > best[0] || (key[0] === best[0] && (key[1] > best[1] || (key[1] === best[1] && key[2] > best[2])))) ((best = key), (weight = w));
      }
    }
    let temperature = 0.1;
    let bestNll = Infinity;
    for (let i = 0; i <= 40; i++) {
      const t = Math.exp(Math.log(0.005) + (i / 40) * (Math.log(2) - Math.log(0.005)));
      let nll = 0;
      targets.forEach((target, q) => (nll -= Math.log(Math.max(softmax(hybridScores(c, q, weight), t)[target], 1e-12))));
      if (nll < bestNll) ((bestNll = nll), (temperature = t));
    }
    return { ...payload, embeddingWeight: weight, temperature };
  } finally {
    predictor.dispose();
  }
}

/** Top-1 / top-3 / MRR and the worst misses of a retriever bundle on labelled queries. */
export async function retrievalReport(bundle: Uint8Array, queries: readonly string[], targets: readonly number[], maxMisses = 20): Promise<RetrievalReport> {
  const predictor = (await loadPredictor(bundle)) as RetrieverPredictor;
  try {
    const payload = predictor.manifest.payload;
    if (payload?.kind !== "retrieval") throw new Error("unreachable: not a retrieval bundle");
    const c = await predictor.scoreComponents(queries);
    let top1 = 0;
    let top3 = 0;
    let mrr = 0;
    const misses: RetrievalMiss[] = [];
    const confidences: number[] = [];
    const correct: boolean[] = [];
    queries.forEach((query, q) => {
      const probs = softmax(hybridScores(c, q, payload.embeddingWeight), payload.temperature);
      const rank = rankOf(probs, targets[q]);
      let arg = 0;
      for (let e = 1; e < probs.length; e++) if (probs[e] > probs[arg]) arg = e;
      confidences.push(probs[arg]);
      correct.push(rank === 1);
      if (rank === 1) top1++;
      if (rank <= 3) top3++;
      mrr += 1 / rank;
      if (rank > 1) {
        const expected = payload.entries[targets[q]];
        const predicted = payload.entries[arg];
        misses.push({ query, expectedId: expected.id, expectedQuestion: expected.question, predictedId: predicted.id, predictedQuestion: predicted.question, confidence: probs[arg], rank });
      }
    });
    misses.sort((a, b) => b.rank - a.rank || b.confidence - a.confidence);
    const n = Math.max(queries.length, 1);
    return { kind: "retrieval", samples: queries.length, top1: top1 / n, top3: top3 / n, mrr: mrr / n, misses: misses.slice(0, maxMisses), confidence: confidenceCurve(confidences, correct) };
  } finally {
    predictor.dispose();
  }
}
