/**
 * Multi-label image tagging (scene understanding): a sigmoid head on backbone feature vectors
 * (the same features path as train-head.ts: computed once per image by the caller or the worker's
 * backbone-head cache). [dropout] → [dense relu → dropout] → dense → sigmoid, binary
 * cross-entropy per tag. After training, each tag gets the threshold that maximises its F1 on the
 * validation images; predictions return every tag at or above its threshold.
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random";
import { randomSplit } from "../split";
import { resolveHyperparams, stripUndefined } from "../presets";
import { TrainingDataError } from "../errors";
import { trainWithObjective, type CommonTrainOptions, type TrainedModel } from "../engine/finish";
import { loadPredictor, type TaggerPredictor } from "../predictor";
import { prf, type MultiLabelReport } from "../metrics";
import type { Backbone } from "../backbone";
import type { BackboneRef } from "../bundle";
import { DEFAULT_HEAD_ARCHITECTURE, type HeadArchitecture } from "./train-head";

export interface TagTrainingData {
  features: readonly Float32Array[];
  /** Tags of each sample (any number, possibly none). */
  tags: readonly (readonly string[])[];
}

export interface TrainTagsOptions extends CommonTrainOptions {
  /** Recorded in the manifest; default "mobilenet-multilabel". */
  modelType?: string;
  backbone?: BackboneRef | null;
  backboneInstance?: Backbone<unknown>;
  architecture?: Partial<HeadArchitecture>;
}

export async function trainTagHead(data: TagTrainingData, options: TrainTagsOptions = {}): Promise<TrainedModel> {
  const startedAt = performance.now();
  const n = data.features.length;
  if (!Array.isArray(data.tags) || data.tags.length !== n) throw new TrainingDataError("bad-shape", `Got ${n} feature vectors but ${data.tags?.length ?? 0} tag lists.`);
  const dim = data.features[0]?.length ?? 0;
  if (n < 2 || dim === 0) throw new TrainingDataError("too-few-entries", "Multi-label tagging needs at least two tagged images.");
  data.features.forEach((f, i) => {
    if (!(f instanceof Float32Array) || f.length !== dim) throw new TrainingDataError("bad-shape", `Feature vector ${i} must be a Float32Array of length ${dim}.`);
  });
  const clean: string[][] = data.tags.map((list: readonly string[]) => [...new Set(Array.from(list ?? [], (t: unknown) => String(t).trim()).filter((t) => t !== ""))]);
  const labels = [...new Set(clean.flat())].sort();
  if (labels.length < 2) throw new TrainingDataError("too-few-tags", "Multi-label tagging needs at least two different tags.");
  const k = labels.length;
  const index = new Map(labels.map((t, i) => [t, i]));
  const targets = new Float32Array(n * k);
  clean.forEach((list, i) => list.forEach((t) => (targets[i * k + index.get(t)!] = 1)));

  const hyper = resolveHyperparams("multi-label", options.preset, options.hyperparams);
  const arch: HeadArchitecture = { ...DEFAULT_HEAD_ARCHITECTURE, ...stripUndefined(options.architecture) };
  const seed = options.seed ?? 42;
  const rng = createRng(seed);
  const split = randomSplit(n, { validationFraction: hyper.validationFraction, seed: rng.seed() });

  const layers: tf.layers.Layer[] = [];
  const first = () => (layers.length === 0 ? { inputShape: [dim] } : {});
  if (arch.inputDropout > 0) layers.push(tf.layers.dropout({ rate: arch.inputDropout, name: "input_dropout", ...first() }));
  if (arch.hiddenUnits > 0) {
    layers.push(tf.layers.dense({ units: arch.hiddenUnits, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: rng.seed() }), name: "hidden", ...first() }));
    if (arch.dropout > 0) layers.push(tf.layers.dropout({ rate: arch.dropout, name: "dropout" }));
  }
  layers.push(tf.layers.dense({ units: k, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: "logits", ...first() }));
  layers.push(tf.layers.activation({ activation: "sigmoid", name: "scores" }));
  const model = tf.sequential({ layers });

  const batchTargets = (samples: readonly number[]) => {
    const y = new Float32Array(samples.length * k);
    samples.forEach((s, i) => y.set(targets.subarray(s * k, (s + 1) * k), i * k));
    return tf.tensor2d(y, [samples.length, k]);
  };

  const objective = {
    loss: (out: tf.Tensor, samples: readonly number[]) => {
      const y = batchTargets(samples);
      const loss = tf.losses.sigmoidCrossEntropy(y, out) as tf.Scalar;
      const acc = tf.mean(tf.cast(tf.equal(tf.greater(out, 0), tf.greater(y, 0.5)), "float32")) as tf.Scalar;
      return { loss, acc };
    },
    evaluate: async (samples: readonly number[], infer: (chunk: readonly number[]) => tf.Tensor) => {
      const out = infer(samples);
      const logits = (await out.data()) as Float32Array;
      out.dispose();
      let loss = 0;
      let tp = 0;
      let fp = 0;
      let fn = 0;
      samples.forEach((s, i) => {
        for (let c = 0; c < k; c++) {
          const z = logits[i * k + c];
          const y = targets[s * k + c];
          loss += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
          if (z > 0 && y) tp++;
          else if (z > 0) fp++;
          else if (y) fn++;
        }
      });
      return { loss: loss / Math.max(samples.length * k, 1), acc: prf(tp, tp + fp, tp + fn).f1 };
    },
  };

  const evalSamples = () => (split.validation.length > 0 ? split.validation : split.train);
  return trainWithObjective({
    model,
    trainLayers: model.layers.slice(0, -1),
    input: {
      forward: (samples) => {
        const batch = new Float32Array(samples.length * dim);
        samples.forEach((s, i) => batch.set(data.features[s], i * dim));
        return tf.tensor2d(batch, [samples.length, dim]);
      },
    },
    objective,
    task: "classification",
    split,
    hyper,
    seed,
    loopSeed: rng.seed(),
    options,
    draft: {
      formatVersion: 1,
      scene: options.scene ?? "image-tagging",
      modelType: options.modelType ?? "mobilenet-multilabel",
      task: "multi-label",
      labels,
      preprocessing: { kind: "features", featureDim: dim },
      backbone: options.backbone ?? null,
      datasetVersion: options.datasetVersion ?? null,
      payload: { kind: "multi-label", thresholds: labels.map(() => 0.5) },
    },
    architecture: { ...arch, featureDim: dim },
    startedAt,
    finalize: async (provisional) => {
      const samples = evalSamples();
      const probs = await probabilities(provisional, samples.map((s) => data.features[s]));
      return { kind: "multi-label", thresholds: labels.map((_, c) => bestThreshold(probs.map((p) => p[c]), samples.map((s) => targets[s * k + c] === 1))) };
    },
    evaluate: async (bundle) => {
      const samples = evalSamples();
      return {
        metrics: await multiLabelEvaluation(bundle, samples.map((s) => data.features[s]), samples.map((s) => clean[s])),
        split: split.validation.length > 0 ? "validation" : "training",
      };
    },
  });
}

async function probabilities(bundle: Uint8Array, features: readonly Float32Array[]): Promise<Float32Array[]> {
  const predictor = (await loadPredictor(bundle)) as TaggerPredictor;
  try {
    return await predictor.predictProbabilities(features);
  } finally {
    predictor.dispose();
  }
}

/**
 * The threshold with the best F1 for one tag: candidates are midpoints between consecutive distinct
 * scores (and 0.5); ties go to the candidate closest to 0.5. A tag without positives keeps 0.5.
 */
export function bestThreshold(scores: readonly number[], positive: readonly boolean[]): number {
  const positives = positive.filter(Boolean).length;
  if (positives === 0) return 0.5;
  const sorted = [...new Set(scores)].sort((a, b) => a - b);
  const candidates = [0.5, ...sorted.map((s, i) => (i === 0 ? s / 2 : (s + sorted[i - 1]) / 2))].map((t) => Math.min(Math.max(t, 1e-6), 1 - 1e-6));
  let best = 0.5;
  let bestF1 = -1;
  for (const t of candidates) {
    let tp = 0;
    let predicted = 0;
    scores.forEach((s, i) => {
      if (s >= t) (predicted++, positive[i] && tp++);
    });
    const f1 = prf(tp, predicted, positives).f1;
    if (f1 > bestF1 + 1e-12 || (Math.abs(f1 - bestF1) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best - 0.5))) ((bestF1 = f1), (best = t));
  }
  return best;
}

/** Per-tag, micro and macro F1 (and exact-match rate) of a tagger bundle. */
export async function multiLabelEvaluation(bundle: Uint8Array, features: readonly Float32Array[], gold: readonly (readonly string[])[]): Promise<MultiLabelReport> {
  const predictor = (await loadPredictor(bundle)) as TaggerPredictor;
  try {
    const predictions = await predictor.predictTags(features);
    const labels = predictor.labels;
    const counts = labels.map(() => ({ tp: 0, predicted: 0, support: 0 }));
    let exact = 0;
    predictions.forEach((p, i) => {
      const predicted = new Set(p.tags.map((t) => t.label));
      const truth = new Set(gold[i]);
      labels.forEach((label, c) => {
        if (predicted.has(label)) counts[c].predicted++;
        if (truth.has(label)) counts[c].support++;
        if (predicted.has(label) && truth.has(label)) counts[c].tp++;
      });
      if (predicted.size === truth.size && [...predicted].every((t) => truth.has(t))) exact++;
    });
    const perTag = labels.map((label, c) => ({ label, ...prf(counts[c].tp, counts[c].predicted, counts[c].support), support: counts[c].support, threshold: predictor.thresholds[c] }));
    const sum = (f: (c: (typeof counts)[number]) => number) => counts.reduce((s, c) => s + f(c), 0);
    const micro = prf(sum((c) => c.tp), sum((c) => c.predicted), sum((c) => c.support));
    const present = perTag.filter((t) => t.support > 0 || counts[labels.indexOf(t.label)].predicted > 0);
    return {
      kind: "multi-label",
      samples: features.length,
      microPrecision: micro.precision,
      microRecall: micro.recall,
      microF1: micro.f1,
      macroF1: present.length > 0 ? present.reduce((s, t) => s + t.f1, 0) / present.length : 0,
      exactMatch: features.length > 0 ? exact / features.length : 0,
      perTag,
    };
  } finally {
    predictor.dispose();
  }
}
