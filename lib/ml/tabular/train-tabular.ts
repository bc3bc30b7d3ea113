/**
 * Tabular prediction: "mlp" (two hidden relu layers with dropout) and "linear" (logistic or
 * linear regression). Classification uses softmax cross-entropy, regression MSE on the
 * standardised target (reported back in target units: MAE, RMSE, R²).
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random";
import { randomSplit, stratifiedSplit } from "../split";
import { resolveHyperparams, stripUndefined } from "../presets";
import { balancedClassWeights } from "../engine/train-loop";
import { trainAndFinish, type CommonTrainOptions, type TrainedModel } from "../engine/finish";
import {
  categoryOf,
  encodeRows,
  fitTabularPreprocessing,
  inferColumnSpecs,
  inferTask,
  isMissing,
  parseNumber,
  type ColumnSpec,
  type FitTabularOptions,
} from "./preprocess";
import type { TabularModelType, TabularRow, Task } from "../types";

export interface TabularArchitecture {
  /** Hidden layer sizes of the MLP (ignored by "linear"). */
  hiddenUnits: number[];
  dropout: number;
}

export const DEFAULT_TABULAR_ARCHITECTURE: TabularArchitecture = { hiddenUnits: [64, 32], dropout: 0.1 };

export interface TrainTabularOptions extends CommonTrainOptions {
  modelType: TabularModelType;
  /** Name of the column to predict. */
  target: string;
  /** Inferred from the target column when absent. */
  task?: Task;
  /** Inferred from the data when absent. */
  columns?: ColumnSpec[];
  architecture?: Partial<TabularArchitecture>;
  preprocessing?: FitTabularOptions;
}

export async function trainTabularModel(rowsIn: readonly TabularRow[], options: TrainTabularOptions): Promise<TrainedModel> {
  const startedAt = performance.now();
  const task = options.task ?? inferTask(rowsIn, options.target);
  // Rows without a usable target cannot teach anything.
  const kept: number[] = [];
  rowsIn.forEach((r, i) => {
    const y = r[options.target];
    if (task === "regression" ? parseNumber(y) !== null : !isMissing(y)) kept.push(i);
  });
  const rows = kept.map((i) => rowsIn[i]);
  if (rows.length < 2) throw new Error(`Need at least two rows with a value in "${options.target}".`);
  const hyper = resolveHyperparams("tabular", options.preset, options.hyperparams);
  const arch: TabularArchitecture = { ...DEFAULT_TABULAR_ARCHITECTURE, ...stripUndefined(options.architecture) };
  const seed = options.seed ?? 42;
  const rng = createRng(seed);
  const columns = options.columns ?? inferColumnSpecs(rows, options.target);

  const classLabels = task === "classification" ? rows.map((r) => categoryOf(r[options.target])!) : [];
  const split =
    task === "classification"
      ? stratifiedSplit(classLabels, { validationFraction: hyper.validationFraction, seed: rng.seed() })
      : randomSplit(rows.length, { validationFraction: hyper.validationFraction, seed: rng.seed() });
  const prep = fitTabularPreprocessing(
    split.train.map((i) => rows[i]),
    columns,
    { name: options.target, task },
    options.preprocessing,
  );
  if (prep.target.task === "classification" && prep.target.labels.length < 2) throw new Error("Classification needs at least two different target values.");
  const X = encodeRows(rows, prep);
  const dim = prep.featureDim;
  let targets: Int32Array | Float32Array;
  let labels: string[] = [];
  let numOut = 1;
  if (prep.target.task === "classification") {
    labels = prep.target.labels;
    const index = new Map(labels.map((l, i) => [l, i]));
    // A class seen only in validation cannot be learnt; such rows are scored as errors on class 0.
    targets = Int32Array.from(classLabels, (l) => index.get(l) ?? 0);
    numOut = labels.length;
  } else {
    const { mean, std } = prep.target;
    targets = Float32Array.from(rows, (r) => (parseNumber(r[options.target])! - mean) / std);
  }

  const init = () => tf.initializers.glorotUniform({ seed: rng.seed() });
  const layers: tf.layers.Layer[] = [];
  if (options.modelType === "mlp") {
    arch.hiddenUnits.forEach((units, i) => {
      layers.push(tf.layers.dense({ units, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: rng.seed() }), name: `hidden_${i + 1}`, ...(i === 0 ? { inputShape: [dim] } : {}) }));
      if (arch.dropout > 0) layers.push(tf.layers.dropout({ rate: arch.dropout, name: `dropout_${i + 1}` }));
    });
  }
  layers.push(tf.layers.dense({ units: numOut, kernelInitializer: init(), name: "output", ...(layers.length === 0 ? { inputShape: [dim] } : {}) }));
  if (task === "classification") layers.push(tf.layers.activation({ activation: "softmax", name: "probabilities" }));
  const model = tf.sequential({ layers });

  return trainAndFinish({
    model,
    trainLayers: task === "classification" ? model.layers.slice(0, -1) : model.layers,
    input: {
      forward: (samples) => {
        const batch = new Float32Array(samples.length * dim);
        samples.forEach((s, i) => batch.set(X.subarray(s * dim, (s + 1) * dim), i * dim));
        return tf.tensor2d(batch, [samples.length, dim]);
      },
    },
    task,
    numClasses: numOut,
    targets,
    split,
    hyper,
    classWeights: task === "classification" && hyper.classWeighting === "balanced" ? balancedClassWeights(targets as Int32Array, split.train, numOut) : null,
    seed,
    loopSeed: rng.seed(),
    // Confusion-matrix ids refer to the caller's rows, including the ones dropped above.
    options: { ...options, sampleIds: kept.map((i) => options.sampleIds?.[i] ?? i) },
    draft: {
      formatVersion: 1,
      scene: options.scene ?? "tabular-prediction",
      modelType: options.modelType,
      task,
      labels,
      preprocessing: { kind: "tabular", tabular: prep },
      backbone: null,
      datasetVersion: options.datasetVersion ?? null,
    },
    architecture: { hiddenUnits: options.modelType === "mlp" ? arch.hiddenUnits.join(",") : "", dropout: arch.dropout, featureDim: dim },
    startedAt,
    evalInput: (s) => rows[s],
    evalTarget: (s) => (task === "classification" ? targets[s] : parseNumber(rows[s][options.target])!),
    targetScale: prep.target.task === "regression" ? prep.target.std : undefined,
  });
}
