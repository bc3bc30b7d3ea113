/**
 * The one training loop every trainer uses: a manual loop (not model.fit) so that we control
 * batching per step, JS-side sparse embeddings, seeded dropout, per-batch progress, stopping
 * between batches and keeping the best epoch's weights.
 *
 * Tensor ownership: everything created for a step is disposed in that step; the only tensors
 * that outlive a step are the optimizer's slots and the best-epoch snapshot, both disposed before
 * the function returns. The layers' own weights belong to the caller's model.
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random";
import type { TrainingHyperparams } from "../presets";
import type { EpochLog, StopReason, Task, TrainingProgress } from "../types";

export interface BatchInput {
  /** The network input for these samples (the loop disposes it). */
  forward(samples: readonly number[], training: boolean): tf.Tensor;
  /** Present when the input stage has JS-side weights (sparse embeddings), trained by the loop. */
  sparse?: {
    backward(samples: readonly number[], dInput: Float32Array): void;
    snapshot(): unknown;
    restore(snapshot: unknown): void;
  };
}

/**
 * A training objective other than the built-in softmax cross-entropy / MSE: contrastive retrieval,
 * per-token tagging, multi-label sigmoid, matrix factorisation. The loop still owns batching,
 * progress, stopping, the optimizer and best-epoch weights.
 */
export interface LossObjective {
  /** Loss of a training batch given the network output (and, optionally, a batch accuracy in [0, 1]). */
  loss(out: tf.Tensor, samples: readonly number[]): { loss: tf.Scalar; acc?: tf.Scalar };
  /**
   * Validation loss and score (higher is better, or null to select on loss). `infer` runs the network
   * in inference mode on some samples; the caller disposes the returned tensor.
   */
  evaluate(samples: readonly number[], infer: (chunk: readonly number[]) => tf.Tensor): Promise<{ loss: number; acc: number | null }>;
}

export interface TrainLoopConfig {
  task: Task;
  /** Replaces the built-in loss and validation; `targets` and `numClasses` are then unused. */
  objective?: LossObjective;
  /** Number of classes; 1 for regression. */
  numClasses: number;
  /** Run in order; the output is logits (classification) or the normalised value (regression). */
  layers: readonly tf.layers.Layer[];
  input: BatchInput;
  /** Class id (classification) or normalised target (regression), indexed by sample. */
  targets?: Int32Array | Float32Array;
  trainSamples: readonly number[];
  valSamples: readonly number[];
  hyper: TrainingHyperparams;
  /** Loss weight per class id, or null. */
  classWeights?: Float32Array | null;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainingProgress) => void;
  /** Called after an epoch became the best so far, with its weights in place (for checkpoints). */
  onBest?: (log: EpochLog) => void | Promise<void>;
  /** Standard deviation of the regression target, to report the validation MAE in its units. */
  targetScale?: number;
}

export interface TrainLoopResult {
  history: EpochLog[];
  /** The epoch whose weights were kept; null when stopped before the first epoch ended. */
  bestEpoch: number | null;
  stoppedReason: StopReason;
}

interface EvalResult {
  loss: number;
  acc: number | null;
  mae: number | null;
}

const YIELD_EVERY_MS = 40;

/** Lets queued messages (e.g. "stop" in a worker) and timers run between batches. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export async function runTrainingLoop(config: TrainLoopConfig): Promise<TrainLoopResult> {
  const { task, numClasses, layers, input, hyper, signal, objective } = config;
  const targets = config.targets ?? new Int32Array(0);
  const rng = createRng(config.seed);
  const variables = collectTrainableVariables(layers);
  const optimizer = tf.train.adam(hyper.learningRate);
  const history: EpochLog[] = [];
  const trainSamples = [...config.trainSamples];
  const batchesPerEpoch = Math.ceil(trainSamples.length / hyper.batchSize);
  const totalSamples = hyper.epochs * trainSamples.length;
  const start = performance.now();
  let lastYield = start;
  let samplesSeen = 0;
  let best: { epoch: number; score: number; tieBreak: number; weights: tf.Tensor[]; sparse: unknown } | null = null;
  let stoppedReason: StopReason = "completed";

  if (trainSamples.length === 0) throw new Error("No training samples.");

  const forward = (x: tf.Tensor, training: boolean): tf.Tensor => {
    let h = x;
    for (const layer of layers) {
      if (training && layer.getClassName() === "Dropout") {
        const rate = Number(layer.getConfig().rate ?? 0);
        // tf.dropout with a fixed seed repeats its mask, so each call gets a fresh seed from our PRNG.
        if (rate > 0) h = tf.dropout(h, rate, undefined, rng.seed());
      } else {
        h = layer.apply(h, { training }) as tf.Tensor;
      }
    }
    return h;
  };

  const lossOf = (out: tf.Tensor, samples: readonly number[], y: tf.Tensor): tf.Scalar => {
    if (task === "regression") return tf.losses.meanSquaredError(y, tf.reshape(out, [-1])) as tf.Scalar;
    const weights = config.classWeights ? tf.tensor1d(samples.map((s) => config.classWeights![targets[s]])) : undefined;
    return tf.losses.softmaxCrossEntropy(y, out, weights, hyper.labelSmoothing) as tf.Scalar;
  };

  const targetTensor = (samples: readonly number[]): tf.Tensor =>
    tf.tidy(() =>
      task === "regression"
        ? tf.tensor1d(samples.map((s) => targets[s]), "float32")
        : tf.oneHot(tf.tensor1d(samples.map((s) => targets[s]), "int32"), numClasses),
    );

  const trainStep = async (samples: readonly number[]): Promise<{ loss: number; acc: number | null }> => {
    const owned: tf.Tensor[] = [];
    const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
    try {
      const x = own(input.forward(samples, true));
      const xVar = input.sparse ? own(tf.variable(x, true)) : null;
      let correct: tf.Scalar | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const out = forward(xVar ?? x, true);
        if (objective) {
          const r = objective.loss(out, samples);
          if (r.acc) correct = own(tf.keep(tf.mul(r.acc, samples.length)) as tf.Scalar);
          return r.loss;
        }
        const y = targetTensor(samples);
        if (task === "classification") correct = own(tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), tf.argMax(y, -1)), "float32"))) as tf.Scalar);
        return lossOf(out, samples, y);
      }, xVar ? [...variables, xVar] : variables);
      own(value);
      Object.values(grads).forEach(own);
      const dGrad = xVar ? grads[xVar.name] : null;
      if (xVar) delete grads[xVar.name];
      // The typings ask for Variables; tfjs itself passes gradient tensors here (see Optimizer.minimize).
      optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
      // One readback per step (GPU backends pay a round trip per data() call).
      const stats = own(tf.tidy(() => tf.stack([value, correct ?? tf.scalar(0)])));
      const [dInput, statValues] = await Promise.all([dGrad ? dGrad.data() : null, stats.data()]);
      if (dInput) input.sparse!.backward(samples, dInput as Float32Array);
      return { loss: statValues[0], acc: correct ? statValues[1] / samples.length : null };
    } finally {
      tf.dispose(owned);
    }
  };

  const evaluate = async (samples: readonly number[]): Promise<EvalResult> => {
    if (objective) {
      const r = await objective.evaluate(samples, (chunk) => tf.tidy(() => forward(input.forward(chunk, false), false)));
      return { loss: r.loss, acc: r.acc, mae: null };
    }
    let lossSum = 0;
    let correct = 0;
    let absErr = 0;
    for (let i = 0; i < samples.length; i += 256) {
      const chunk = samples.slice(i, i + 256);
      const out = tf.tidy(() => forward(input.forward(chunk, false), false));
      const values = (await out.data()) as Float32Array;
      out.dispose();
      if (task === "regression") {
        chunk.forEach((s, j) => {
          const d = values[j] - targets[s];
          lossSum += d * d;
          absErr += Math.abs(d);
        });
      } else {
        chunk.forEach((s, j) => {
          const row = values.subarray(j * numClasses, (j + 1) * numClasses);
          let max = -Infinity;
          let arg = 0;
          for (let c = 0; c < numClasses; c++) if (row[c] > max) ((max = row[c]), (arg = c));
          let z = 0;
          for (let c = 0; c < numClasses; c++) z += Math.exp(row[c] - max);
          lossSum += -(row[targets[s]] - max - Math.log(z));
          if (arg === targets[s]) correct++;
        });
      }
    }
    const n = Math.max(samples.length, 1);
    return task === "regression"
      ? { loss: lossSum / n, acc: null, mae: (absErr / n) * (config.targetScale ?? 1) }
      : { loss: lossSum / n, acc: correct / n, mae: null };
  };

  try {
    epochs: for (let epoch = 1; epoch <= hyper.epochs; epoch++) {
      const order = rng.shuffle([...trainSamples]);
      let lossSum = 0;
      let accSum = 0;
      let accSeen = false;
      for (let b = 0; b < batchesPerEpoch; b++) {
        if (signal?.aborted) {
          stoppedReason = "aborted";
          break epochs;
        }
        const samples = order.slice(b * hyper.batchSize, (b + 1) * hyper.batchSize);
        const { loss, acc } = await trainStep(samples);
        lossSum += loss * samples.length;
        accSum += (acc ?? 0) * samples.length;
        if (acc !== null) accSeen = true;
        samplesSeen += samples.length;
        const elapsedMs = performance.now() - start;
        const samplesPerSec = samplesSeen / Math.max(elapsedMs / 1000, 1e-6);
        config.onProgress?.({
          phase: "batch",
          epoch,
          epochs: hyper.epochs,
          batch: b + 1,
          batchesPerEpoch,
          loss,
          acc,
          samplesPerSec,
          etaMs: ((totalSamples - samplesSeen) / samplesPerSec) * 1000,
          elapsedMs,
        });
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await macrotask();
          lastYield = performance.now();
        }
      }
      const trainLoss = lossSum / trainSamples.length;
      const trainAcc = (objective ? accSeen : task === "classification") ? accSum / trainSamples.length : null;
      const val = config.valSamples.length > 0 ? await evaluate(config.valSamples) : null;
      const log: EpochLog = { epoch, loss: trainLoss, acc: trainAcc, valLoss: val?.loss ?? null, valAcc: val?.acc ?? null, valMae: val?.mae ?? null };
      history.push(log);
      // Higher score is better: validation accuracy (ties: lower loss), else lower loss.
      const score = val ? (val.acc ?? -val.loss) : -trainLoss;
      const tieBreak = val ? -val.loss : 0;
      const isBest = !best || score > best.score || (score === best.score && tieBreak > best.tieBreak);
      if (isBest) {
        if (best) tf.dispose(best.weights);
        best = {
          epoch,
          score,
          tieBreak,
          weights: variables.map((v) => tf.keep(tf.clone(v))),
          sparse: input.sparse?.snapshot(),
        };
        await config.onBest?.(log);
      }
      const elapsedMs = performance.now() - start;
      const samplesPerSec = samplesSeen / Math.max(elapsedMs / 1000, 1e-6);
      config.onProgress?.({
        phase: "epoch",
        epoch,
        epochs: hyper.epochs,
        loss: trainLoss,
        acc: trainAcc,
        valLoss: log.valLoss,
        valAcc: log.valAcc,
        valMae: log.valMae,
        isBest,
        samplesPerSec,
        etaMs: ((totalSamples - samplesSeen) / samplesPerSec) * 1000,
        elapsedMs,
      });
      if (hyper.patience > 0 && best && epoch - best.epoch >= hyper.patience && epoch < hyper.epochs) {
        stoppedReason = "early-stopped";
        break;
      }
      await macrotask();
      lastYield = performance.now();
    }
  } finally {
    if (best) {
      variables.forEach((v, i) => v.assign(best!.weights[i]));
      if (input.sparse) input.sparse.restore(best.sparse);
      tf.dispose(best.weights);
    }
    optimizer.dispose();
  }
  return { history, bestEpoch: best?.epoch ?? null, stoppedReason };
}

/** The tf.Variables behind the layers' trainable weights, each once. */
export function collectTrainableVariables(layers: readonly tf.layers.Layer[]): tf.Variable[] {
  const seen = new Set<tf.Variable>();
  for (const layer of layers) for (const w of layer.trainableWeights) seen.add(w.read() as tf.Variable);
  return [...seen];
}

/** Inverse-frequency class weights, normalised to mean 1 over the samples. */
export function balancedClassWeights(targets: Int32Array, samples: readonly number[], numClasses: number): Float32Array {
  const counts = new Float64Array(numClasses);
  for (const s of samples) counts[targets[s]]++;
  const present = counts.filter((c) => c > 0).length;
  const w = new Float32Array(numClasses);
  for (let c = 0; c < numClasses; c++) w[c] = counts[c] > 0 ? samples.length / (present * counts[c]) : 0;
  return w;
}
