/**
 * Text classifiers for the text-classification and intent-chatbot scenes.
 *
 *   "ngram-bag" (fastText-style): hashed word + character n-grams → embedding bag (mean or
 *               1/sqrt(n) weighted sum) → dropout → [dense relu] → dense softmax.
 *   "text-cnn": hashed word/CJK-character sequence → embedding → Conv1D (relu) → global max pool
 *               → dropout → dense softmax.
 *
 * The embedding tables train as JS-side sparse tables (see engine/sparse-embedding.ts) and are
 * copied into the tfjs model at the end, so the saved model is a plain tfjs LayersModel.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbeddingBag } from "../layers";
import { createRng } from "../random";
import { stratifiedSplit } from "../split";
import { resolveHyperparams, stripUndefined } from "../presets";
import { balancedClassWeights, type BatchInput } from "../engine/train-loop";
import {
  SparseEmbeddingTable,
  rowsUsedBy,
  bagBackward,
  bagForward,
  sequenceBackward,
  sequenceForward,
  dropTokens,
  toRagged,
  type BagCombiner,
  type RaggedIds,
} from "../engine/sparse-embedding";
import { trainAndFinish, validateLabelled, type CommonTrainOptions, type ManifestDraft, type TrainedModel } from "../engine/finish";
import {
  DEFAULT_BAG_TOKENIZER,
  DEFAULT_SEQUENCE_TOKENIZER,
  tokenizeBag,
  tokenizeSequence,
  type BagTokenizerConfig,
  type SequenceTokenizerConfig,
} from "./tokenizer";
import type { TextModelType } from "../types";

export interface TextArchitecture {
  embeddingDim: number;
  /** ngram-bag: how token vectors are combined. */
  combiner: BagCombiner;
  /** ngram-bag: units of an optional hidden relu layer; 0 = none (fastText). */
  hiddenUnits: number;
  dropout: number;
  /** ngram-bag: share of a text's n-grams dropped at random in each training step. */
  tokenDropout: number;
  /** text-cnn: number of convolution filters and their width in tokens. */
  filters: number;
  kernelSize: number;
}

/**
 * ngram-bag defaults were chosen on banking77 held-out splits of train.csv (3 splits; see
 * scripts/bench-text-node.ts --mode tune): 2^16 buckets x 32 dims matched 2^17 x 64 within noise
 * at a quarter of the bundle size (8 MB instead of 34 MB); word trigrams and token dropout 0.3
 * added about +0.8 points on average.
 */
export const DEFAULT_TEXT_ARCHITECTURE: Record<TextModelType, TextArchitecture> = {
  "ngram-bag": { embeddingDim: 32, combiner: "sqrtn", hiddenUnits: 0, dropout: 0.2, tokenDropout: 0.3, filters: 0, kernelSize: 0 },
  "text-cnn": { embeddingDim: 64, combiner: "mean", hiddenUnits: 0, dropout: 0.3, tokenDropout: 0, filters: 128, kernelSize: 3 },
};

export interface TextTrainingData {
  texts: readonly string[];
  labels: readonly string[];
}

export interface TrainTextOptions extends CommonTrainOptions {
  modelType: TextModelType;
  /** ngram-bag: overrides of DEFAULT_BAG_TOKENIZER; text-cnn: of DEFAULT_SEQUENCE_TOKENIZER. */
  tokenizer?: Partial<BagTokenizerConfig> | Partial<SequenceTokenizerConfig>;
  architecture?: Partial<TextArchitecture>;
}

export async function trainTextClassifier(data: TextTrainingData, options: TrainTextOptions): Promise<TrainedModel> {
  const startedAt = performance.now();
  const { modelType } = options;
  const classes = validateLabelled(data.texts.length, data.labels);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const targets = Int32Array.from(data.labels, (l) => classIndex.get(l)!);
  const hyper = resolveHyperparams(modelType === "ngram-bag" ? "text-bag" : "text-cnn", options.preset, options.hyperparams);
  const arch: TextArchitecture = { ...DEFAULT_TEXT_ARCHITECTURE[modelType], ...stripUndefined(options.architecture) };
  const seed = options.seed ?? 42;
  const rng = createRng(seed);
  const split = stratifiedSplit(data.labels, { validationFraction: hyper.validationFraction, seed: rng.seed() });

  let model: tf.Sequential;
  let table: SparseEmbeddingTable;
  let draft: ManifestDraft;
  let input: BatchInput;
  if (modelType === "ngram-bag") {
    const tokenizer: BagTokenizerConfig = { ...DEFAULT_BAG_TOKENIZER, ...stripUndefined(options.tokenizer as Partial<BagTokenizerConfig>) };
    const ragged = toRagged(data.texts.map((t) => tokenizeBag(t, tokenizer)));
    table = new SparseEmbeddingTable(tokenizer.buckets, arch.embeddingDim, rng.seed(), { learningRate: hyper.embeddingLearningRate });
    if (!options.fullPrecision) table.keepOnlyRows(rowsUsedBy(table.rows, (s) => ragged.ids.subarray(ragged.offsets[s], ragged.offsets[s + 1]), split.train));
    const t = table;
    model = tf.sequential({
      layers: [
        new EmbeddingBag({ inputDim: tokenizer.buckets, outputDim: arch.embeddingDim, combiner: arch.combiner, inputShape: [null], name: "embedding_bag" }),
        tf.layers.dropout({ rate: arch.dropout, name: "dropout" }),
        ...(arch.hiddenUnits > 0
          ? [tf.layers.dense({ units: arch.hiddenUnits, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: rng.seed() }), name: "hidden" })]
          : []),
        tf.layers.dense({ units: classes.length, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: "logits" }),
        tf.layers.activation({ activation: "softmax", name: "probabilities" }),
      ],
    });
    const dropRng = createRng(rng.seed());
    // The training batch after token dropout, remembered for the backward pass of the same batch.
    let dropped: { samples: readonly number[]; data: RaggedIds; local: number[] } | null = null;
    input = {
      forward: (samples, training) => {
        if (training && arch.tokenDropout > 0) {
          const local = samples.map((_, i) => i);
          dropped = { samples, data: dropTokens(ragged, samples, arch.tokenDropout, dropRng.next), local };
          return tf.tensor2d(bagForward(t, dropped.data, local, arch.combiner), [samples.length, t.dim]);
        }
        return tf.tensor2d(bagForward(t, ragged, samples, arch.combiner), [samples.length, t.dim]);
      },
      sparse: {
        backward: (samples, dInput) =>
          dropped && dropped.samples === samples
            ? bagBackward(t, dropped.data, dropped.local, arch.combiner, dInput)
            : bagBackward(t, ragged, samples, arch.combiner, dInput),
        snapshot: () => t.snapshot(),
        restore: (s) => t.restore(s as Float32Array),
      },
    };
    draft = draftFor(options, classes, { kind: "text-bag", tokenizer });
  } else {
    const tokenizer: SequenceTokenizerConfig = { ...DEFAULT_SEQUENCE_TOKENIZER, ...stripUndefined(options.tokenizer as Partial<SequenceTokenizerConfig>) };
    const L = tokenizer.maxLength;
    const seqIds = new Int32Array(data.texts.length * L);
    data.texts.forEach((text, i) => seqIds.set(tokenizeSequence(text, tokenizer), i * L));
    table = new SparseEmbeddingTable(tokenizer.buckets, arch.embeddingDim, rng.seed(), { learningRate: hyper.embeddingLearningRate });
    if (!options.fullPrecision) table.keepOnlyRows(rowsUsedBy(table.rows, (s) => seqIds.subarray(s * L, s * L + L), split.train));
    const t = table;
    model = tf.sequential({
      layers: [
        tf.layers.embedding({
          inputDim: tokenizer.buckets,
          outputDim: arch.embeddingDim,
          inputLength: L,
          inputShape: [L],
          embeddingsInitializer: "zeros",
          name: "embedding",
        }),
        tf.layers.conv1d({
          filters: arch.filters,
          kernelSize: Math.min(arch.kernelSize, L),
          activation: "relu",
          kernelInitializer: tf.initializers.heNormal({ seed: rng.seed() }),
          name: "conv",
        }),
        tf.layers.globalMaxPooling1d({ name: "max_pool" }),
        tf.layers.dropout({ rate: arch.dropout, name: "dropout" }),
        tf.layers.dense({ units: classes.length, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: "logits" }),
        tf.layers.activation({ activation: "softmax", name: "probabilities" }),
      ],
    });
    input = {
      forward: (samples) => tf.tensor3d(sequenceForward(t, seqIds, L, samples), [samples.length, L, t.dim]),
      sparse: {
        backward: (samples, dInput) => sequenceBackward(t, seqIds, L, samples, dInput),
        snapshot: () => t.snapshot(),
        restore: (s) => t.restore(s as Float32Array),
      },
    };
    draft = draftFor(options, classes, { kind: "text-sequence", tokenizer });
  }

  return trainAndFinish({
    model,
    trainLayers: model.layers.slice(1, -1), // the embedding runs in JS; the softmax is in the loss
    input,
    task: "classification",
    numClasses: classes.length,
    targets,
    split,
    hyper,
    classWeights: hyper.classWeighting === "balanced" ? balancedClassWeights(targets, split.train, classes.length) : null,
    seed,
    loopSeed: rng.seed(),
    options,
    draft,
    architecture: { ...arch },
    startedAt,
    commit: () => {
      const values = tf.tensor2d(table.values, [table.rows, table.dim]);
      model.layers[0].setWeights([values]);
      values.dispose();
    },
    afterResume: () => table.values.set(model.layers[0].getWeights()[0].dataSync()),
    evalInput: (s) => data.texts[s],
    evalTarget: (s) => targets[s],
    pack: true,
  });
}

function draftFor(options: TrainTextOptions, labels: string[], preprocessing: ManifestDraft["preprocessing"]): ManifestDraft {
  return {
    formatVersion: 1,
    scene: options.scene ?? "text-classification",
    modelType: options.modelType,
    task: "classification",
    labels,
    preprocessing,
    backbone: null,
    datasetVersion: options.datasetVersion ?? null,
  };
}
