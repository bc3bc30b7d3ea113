/**
 * Custom tfjs layers. Importing this module registers them with tfjs serialization, which
 * tf.loadLayersModel needs; the bundle loader imports it, so every path that loads a model has it.
 */
import * as tf from "@tensorflow/tfjs";
import type { BagCombiner } from "./engine/sparse-embedding";

const SEGMENT_SUM_BACKENDS = new Set(["cpu", "wasm"]);

export interface EmbeddingBagArgs {
  inputDim: number;
  outputDim: number;
  combiner: BagCombiner;
  name?: string;
  inputShape?: (number | null)[];
  batchInputShape?: (number | null)[];
  dtype?: tf.DataType;
}

/**
 * Embedding bag: input int ids [batch, tokens] with 0 as padding; output [batch, outputDim] =
 * sum over real tokens of E[id] * w, with w = 1/n ("mean") or 1/sqrt(n) ("sqrtn"), n = real tokens.
 * A text with no tokens gives the zero vector. Must agree with bagForward in engine/sparse-embedding.
 */
export class EmbeddingBag extends tf.layers.Layer {
  static className = "AimsEmbeddingBag";
  readonly inputDim: number;
  readonly outputDim: number;
  readonly combiner: BagCombiner;
  private embeddings: tf.LayerVariable | null = null;

  constructor(args: EmbeddingBagArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.combiner = args.combiner;
  }

  override build(): void {
    this.embeddings = this.addWeight("embeddings", [this.inputDim, this.outputDim], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], this.outputDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const raw = Array.isArray(inputs) ? inputs[0] : inputs;
      const ids = (raw.dtype === "int32" ? raw : tf.cast(raw, "int32")) as tf.Tensor2D;
      const [n, length] = ids.shape;
      const table = this.embeddings!.read();
      const mask = tf.cast(tf.notEqual(ids, 0), "float32");
      const count = tf.sum(mask, 1, true);
      const n1 = tf.maximum(count, 1);
      const denom = this.combiner === "mean" ? n1 : tf.sqrt(n1);
      if (SEGMENT_SUM_BACKENDS.has(tf.getBackend())) {
        // cpu/wasm: gather's kernel is slow there; a segment sum over the rows is a plain loop.
        // Padding (id 0) adds row 0, which is subtracted again (it is zero in bundles we write).
        const rowOf = tf.floorDiv(tf.range(0, n * length, 1, "int32"), tf.scalar(length, "int32"));
        const summed = tf.sparse.sparseSegmentSum(table, tf.reshape(ids, [-1]) as tf.Tensor1D, rowOf as tf.Tensor1D);
        const padding = tf.sub(tf.scalar(length), count);
        const row0 = tf.slice(table, [0, 0], [1, this.outputDim]);
        return tf.div(tf.sub(summed, tf.mul(padding, row0)), denom);
      }
      // webgl (whose segment sum reads the whole table back to the CPU), webgpu: gather on the GPU.
      const vectors = tf.gather(table, ids);
      return tf.sum(tf.mul(vectors, tf.expandDims(tf.div(mask, denom), 2)), 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim, combiner: this.combiner };
  }
}

tf.serialization.registerClass(EmbeddingBag);

/**
 * Embedding bag per token: ids [batch, tokens, features] (0 = padding) → [batch, tokens, dim + 1],
 * where the last channel is the token mask (1 for a token with any feature, 0 for padding).
 * Each token's vector is computed exactly as EmbeddingBag computes a text's.
 */
export class TokenEmbeddingBag extends EmbeddingBag {
  static override className = "AimsTokenEmbeddingBag";

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], shape[1], this.outputDim + 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const raw = Array.isArray(inputs) ? inputs[0] : inputs;
      const ids = (raw.dtype === "int32" ? raw : tf.cast(raw, "int32")) as tf.Tensor3D;
      const [b, l, f] = ids.shape;
      const flat = tf.reshape(ids, [b * l, f]);
      const vectors = tf.reshape(super.call(flat), [b, l, this.outputDim]);
      const mask = tf.cast(tf.greater(tf.max(ids, 2, true), 0), "float32");
      return tf.concat([vectors, mask], 2);
    });
  }
}

tf.serialization.registerClass(TokenEmbeddingBag);

export interface MaskedConvArgs {
  filters: number;
  kernelSize: number;
  dilation: number;
  /** Input channels without the mask channel. */
  inputChannels: number;
  seed: number;
  name?: string;
}

/**
 * Dilated 1-D convolution over [batch, tokens, channels + mask] → [batch, tokens, filters + mask]:
 * relu(conv(h)), plus h when the widths match (residual), zeroed on padding tokens so outputs never
 * depend on how much padding a batch has. Written with shifts and matMuls rather than tf.conv1d,
 * whose gradient does not support dilation in tfjs (and conv backprop is missing on wasm).
 */
export class MaskedDilatedConv extends tf.layers.Layer {
  static className = "AimsMaskedDilatedConv";
  readonly filters: number;
  readonly kernelSize: number;
  readonly dilation: number;
  readonly inputChannels: number;
  readonly seed: number;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: MaskedConvArgs) {
    super({ name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.dilation = args.dilation;
    this.inputChannels = args.inputChannels;
    this.seed = args.seed;
  }

  override build(): void {
    const fanIn = this.kernelSize * this.inputChannels;
    this.kernel = this.addWeight("kernel", [this.kernelSize, this.inputChannels, this.filters], "float32", tf.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / fanIn), seed: this.seed }));
    this.bias = this.addWeight("bias", [this.filters], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], shape[1], this.filters + 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [b, l] = x.shape;
      const c = this.inputChannels;
      const h = tf.slice(x, [0, 0, 0], [b, l, c]);
      const mask = tf.slice(x, [0, 0, c], [b, l, 1]);
      const half = Math.floor(this.kernelSize / 2);
      const pad = half * this.dilation;
      const padded = tf.pad(h, [[0, 0], [pad, pad], [0, 0]]);
      const kernel = this.kernel!.read();
      let sum: tf.Tensor = tf.reshape(this.bias!.read(), [1, this.filters]);
      for (let k = 0; k < this.kernelSize; k++) {
        const shifted = tf.reshape(tf.slice(padded, [0, k * this.dilation, 0], [b, l, c]), [b * l, c]);
        const w = tf.reshape(tf.slice(kernel, [k, 0, 0], [1, c, this.filters]), [c, this.filters]);
        sum = tf.add(sum, tf.matMul(shifted, w));
      }
      let out: tf.Tensor = tf.reshape(tf.relu(sum), [b, l, this.filters]);
      if (c === this.filters) out = tf.add(out, h);
      return tf.concat([tf.mul(out, mask), mask], 2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      dilation: this.dilation,
      inputChannels: this.inputChannels,
      seed: this.seed,
    };
  }
}

tf.serialization.registerClass(MaskedDilatedConv);
