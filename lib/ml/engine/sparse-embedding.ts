/**
 * A hashed embedding table that lives in a plain Float32Array during training and is updated
 * sparsely (only the rows a batch touched), the way fastText trains.
 *
 * Why not a tfjs variable: the gradient of tf.gather is a dense [rows, dim] tensor built with
 * UnsortedSegmentSum, which the cpu backend computes in O(rows x tokens) and the wasm backend does
 * not implement at all; any tfjs optimizer then rewrites every row on every step. With 2^17 rows
 * that costs seconds per batch on the cpu backend. Here a step costs O(tokens x dim) on every
 * backend. The finished table is copied into the model's embedding layer for saving and inference,
 * so inference stays pure tfjs.
 *
 * Row 0 is padding: it stays zero and is never updated.
 */
import { createRng } from "../random";

export interface SparseAdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Token ids of many samples in one buffer: sample i owns ids[offsets[i] .. offsets[i+1]). */
export interface RaggedIds {
  offsets: Int32Array;
  ids: Int32Array;
}

export function toRagged(perSample: readonly Int32Array[]): RaggedIds {
  const offsets = new Int32Array(perSample.length + 1);
  for (let i = 0; i < perSample.length; i++) offsets[i + 1] = offsets[i] + perSample[i].length;
  const ids = new Int32Array(offsets[perSample.length]);
  perSample.forEach((s, i) => ids.set(s, offsets[i]));
  return { offsets, ids };
}

export class SparseEmbeddingTable {
  readonly values: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;
  // Scratch for gradient accumulation: slot of each touched row, -1 when untouched.
  private readonly slotOf: Int32Array;
  private touched: number[] = [];
  private grad: Float32Array;

  constructor(
    readonly rows: number,
    readonly dim: number,
    seed: number,
    private readonly options: SparseAdamOptions,
  ) {
    this.values = new Float32Array(rows * dim);
    // fastText's initialisation: uniform in [-1/dim, 1/dim].
    const rng = createRng(seed);
    const a = 1 / dim;
    for (let i = dim; i < this.values.length; i++) this.values[i] = (rng.next() * 2 - 1) * a;
    this.m = new Float32Array(rows * dim);
    this.v = new Float32Array(rows * dim);
    this.slotOf = new Int32Array(rows).fill(-1);
    this.grad = new Float32Array(64 * dim);
  }

  /** Accumulates `scale * g` into the gradient of `row` (g read from src at srcOffset). */
  accumulate(row: number, src: Float32Array, srcOffset: number, scale: number): void {
    if (row === 0 || scale === 0) return;
    const dim = this.dim;
    let slot = this.slotOf[row];
    if (slot < 0) {
      slot = this.touched.length;
      this.slotOf[row] = slot;
      this.touched.push(row);
      if ((slot + 1) * dim > this.grad.length) {
        const bigger = new Float32Array(this.grad.length * 2);
        bigger.set(this.grad);
        this.grad = bigger;
      }
      this.grad.fill(0, slot * dim, (slot + 1) * dim);
    }
    const g = this.grad;
    const base = slot * dim;
    for (let k = 0; k < dim; k++) g[base + k] += scale * src[srcOffset + k];
  }

  /** Lazy Adam on the touched rows only (as TensorFlow's LazyAdamOptimizer), then clears the gradient. */
  applyGradients(): void {
    this.step++;
    const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = this.options;
    const lr = (learningRate * Math.sqrt(1 - Math.pow(beta2, this.step))) / (1 - Math.pow(beta1, this.step));
    const dim = this.dim;
    const { values, m, v, grad } = this;
    for (let s = 0; s < this.touched.length; s++) {
      const row = this.touched[s];
      const base = row * dim;
      const gBase = s * dim;
      for (let k = 0; k < dim; k++) {
        const g = grad[gBase + k];
        const i = base + k;
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        values[i] -= (lr * m[i]) / (Math.sqrt(v[i]) + epsilon);
      }
      this.slotOf[row] = -1;
    }
    this.touched = [];
  }

  /** A copy of the weights, for keeping the best epoch. */
  snapshot(): Float32Array {
    return this.values.slice();
  }

  restore(snapshot: Float32Array): void {
    this.values.set(snapshot);
  }

  /**
   * Sets every row that `keep` does not mark to zero. Called before training with the rows the
   * training samples use (rowsUsedBy): the others would never be updated, so they hold no
   * information, only their random start; zero, they cost one bit in a packed bundle
   * (lib/ml/weight-packing.ts) and an n-gram never seen in training adds nothing to a text's vector.
   */
  keepOnlyRows(keep: Uint8Array): void {
    for (let r = 0; r < this.rows; r++) if (!keep[r]) this.values.fill(0, r * this.dim, r * this.dim + this.dim);
  }
}

/** The rows any of the given samples uses, as a 0/1 map; row 0 (padding) never. */
export function rowsUsedBy(rows: number, idsOfSample: (sample: number) => ArrayLike<number>, samples: readonly number[]): Uint8Array {
  const keep = new Uint8Array(rows);
  for (const s of samples) {
    const ids = idsOfSample(s);
    for (let k = 0; k < ids.length; k++) if (ids[k] > 0 && ids[k] < rows) keep[ids[k]] = 1;
  }
  return keep;
}

export type BagCombiner = "mean" | "sqrtn";

/** Weight of every token of a text with n tokens; must match EmbeddingBag.call exactly. */
export function bagWeight(n: number, combiner: BagCombiner): number {
  const c = Math.max(n, 1);
  return combiner === "mean" ? 1 / c : 1 / Math.sqrt(c);
}

/** Embedding bag over a batch: out[b] = sum_t w * E[id_t]. Returns [batch * dim]. */
export function bagForward(table: SparseEmbeddingTable, data: RaggedIds, samples: readonly number[], combiner: BagCombiner): Float32Array {
  const dim = table.dim;
  const out = new Float32Array(samples.length * dim);
  const E = table.values;
  samples.forEach((sample, b) => {
    const start = data.offsets[sample];
    const end = data.offsets[sample + 1];
    const w = bagWeight(end - start, combiner);
    const o = b * dim;
    for (let t = start; t < end; t++) {
      const base = data.ids[t] * dim;
      for (let k = 0; k < dim; k++) out[o + k] += E[base + k];
    }
    for (let k = 0; k < dim; k++) out[o + k] *= w;
  });
  return out;
}

/** Backward of bagForward, given d(loss)/d(out) as [batch * dim]. Then applies the update. */
export function bagBackward(table: SparseEmbeddingTable, data: RaggedIds, samples: readonly number[], combiner: BagCombiner, dOut: Float32Array): void {
  const dim = table.dim;
  samples.forEach((sample, b) => {
    const start = data.offsets[sample];
    const end = data.offsets[sample + 1];
    const w = bagWeight(end - start, combiner);
    for (let t = start; t < end; t++) table.accumulate(data.ids[t], dOut, b * dim, w);
  });
  table.applyGradients();
}

/** Sequence lookup: ids is [numSamples * length]; returns [batch * length * dim]. */
export function sequenceForward(table: SparseEmbeddingTable, ids: Int32Array, length: number, samples: readonly number[]): Float32Array {
  const dim = table.dim;
  const out = new Float32Array(samples.length * length * dim);
  samples.forEach((sample, b) => {
    for (let t = 0; t < length; t++) {
      const id = ids[sample * length + t];
      if (id !== 0) out.set(table.values.subarray(id * dim, id * dim + dim), (b * length + t) * dim);
    }
  });
  return out;
}

export function sequenceBackward(table: SparseEmbeddingTable, ids: Int32Array, length: number, samples: readonly number[], dOut: Float32Array): void {
  const dim = table.dim;
  samples.forEach((sample, b) => {
    for (let t = 0; t < length; t++) table.accumulate(ids[sample * length + t], dOut, (b * length + t) * dim, 1);
  });
  table.applyGradients();
}

/**
 * Token dropout for bag training: a copy of the given samples (re-indexed 0..n-1) where each
 * token is dropped with probability rate; a text keeps at least one token if it had any.
 */
export function dropTokens(data: RaggedIds, samples: readonly number[], rate: number, random: () => number): RaggedIds {
  const offsets = new Int32Array(samples.length + 1);
  const ids: number[] = [];
  samples.forEach((s, b) => {
    const start = data.offsets[s];
    const end = data.offsets[s + 1];
    const before = ids.length;
    for (let t = start; t < end; t++) if (random() >= rate) ids.push(data.ids[t]);
    if (ids.length === before && end > start) ids.push(data.ids[start + Math.floor(random() * (end - start))]);
    offsets[b + 1] = ids.length;
  });
  return { offsets, ids: Int32Array.from(ids) };
}
