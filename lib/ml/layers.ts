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
        // gather, not slice: tfjs-backend-wasm's Slice of one row of a large table took 4-9 ms.
        const row0 = tf.gather(table, tf.tensor1d([0], "int32"));
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
