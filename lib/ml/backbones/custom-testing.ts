/**
 * Tiny, real backbones for tests and the E2E fixture (scripts/make-test-backbones.ts): a tfjs
 * layers model saved through tf.io.withSaveHandler, a hand-written tfjs graph model (the JSON a
 * TensorFlow converter writes: Placeholder → Conv2D → BiasAdd → Relu), and hand-encoded ONNX
 * protobufs (Conv → Relu [→ GlobalAveragePool → Flatten], NCHW or NHWC input via Transpose) that
 * onnxruntime-web runs. Weights are seeded; nothing is downloaded.
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random";
import type { UploadedFile } from "./custom-package";

const enc = new TextEncoder();

/** model.json + shards as uploaded files (the weights split over two shards of one group when asked). */
function tfjsFiles(modelJson: Record<string, unknown>, weights: Uint8Array, shards: 1 | 2): UploadedFile[] {
  const parts = shards === 1 ? [weights] : [weights.slice(0, Math.floor(weights.length / 2)), weights.slice(Math.floor(weights.length / 2))];
  const names = parts.map((_, i) => `group1-shard${i + 1}of${parts.length}.bin`);
  const weightSpecs = (modelJson.weightSpecs ?? []) as unknown[];
  const json = { ...modelJson, weightsManifest: [{ paths: names, weights: weightSpecs }] };
  delete (json as Record<string, unknown>).weightSpecs;
  return [{ name: "model.json", bytes: enc.encode(JSON.stringify(json)) }, ...parts.map((bytes, i) => ({ name: names[i], bytes }))];
}

/**
 * A small conv net in tfjs layers format: [n, s, s, 3] (s = null: any size) → conv 3×3/2 (8) →
 * relu → conv 3×3/2 (12) → relu → [global average pooling → [n, 12]] or the 4-D map.
 */
export async function tinyLayersBackbone(options: { seed?: number; inputSize?: number | null; pooled?: boolean; shards?: 1 | 2 } = {}): Promise<{ files: UploadedFile[]; model: tf.LayersModel }> {
  const rng = createRng(options.seed ?? 7);
  const s = options.inputSize === undefined ? 32 : options.inputSize;
  const input = tf.input({ shape: [s, s, 3], name: "pixels" });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: "same", activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: rng.seed() }), name: "c1" }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 12, kernelSize: 3, strides: 2, padding: "same", activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: "c2" }).apply(x) as tf.SymbolicTensor;
  if (options.pooled ?? true) x = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x, name: "tiny_backbone" });
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  const a = artifacts as unknown as tf.io.ModelArtifacts;
  const weights = new Uint8Array(a.weightData as ArrayBuffer);
  const files = tfjsFiles({ format: "layers-model", generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`, convertedBy: null, modelTopology: a.modelTopology, weightSpecs: a.weightSpecs }, weights, options.shards ?? 1);
  return { files, model };
}

const b64 = (s: string) => btoa(s);

/**
 * A tfjs graph model, written as TensorFlow's converter would: Placeholder [-1, s, s, 3] → Conv2D
 * 3×3/2 SAME (8 filters) → BiasAdd → Relu: a 4-D output the backbone averages. Returns the files
 * and the weights, so a test can compute the same features with tf ops.
 */
export function tinyGraphBackbone(options: { seed?: number; inputSize?: number | null } = {}): { files: UploadedFile[]; kernel: Float32Array; bias: Float32Array } {
  const rng = createRng(options.seed ?? 11);
  const s = options.inputSize === undefined ? 32 : options.inputSize;
  const kernel = Float32Array.from({ length: 3 * 3 * 3 * 8 }, () => (rng.next() - 0.5) * 0.6);
  const bias = Float32Array.from({ length: 8 }, () => (rng.next() - 0.5) * 0.2);
  const dims = (d: (number | null)[]) => ({ dim: d.map((v) => ({ size: String(v ?? -1) })) });
  const float = { type: "DT_FLOAT" };
  const node = [
    { name: "pixels", op: "Placeholder", attr: { dtype: float, shape: { shape: dims([null, s, s, 3]) } } },
    { name: "conv/kernel", op: "Const", attr: { dtype: float, value: { tensor: { dtype: "DT_FLOAT", tensorShape: dims([3, 3, 3, 8]) } } } },
    { name: "conv/bias", op: "Const", attr: { dtype: float, value: { tensor: { dtype: "DT_FLOAT", tensorShape: dims([8]) } } } },
    {
      name: "conv/Conv2D",
      op: "Conv2D",
      input: ["pixels", "conv/kernel"],
      attr: { T: float, strides: { list: { i: ["1", "2", "2", "1"] } }, padding: { s: b64("SAME") }, data_format: { s: b64("NHWC") }, dilations: { list: { i: ["1", "1", "1", "1"] } }, use_cudnn_on_gpu: { b: true }, explicit_paddings: { list: {} } },
    },
    { name: "conv/BiasAdd", op: "BiasAdd", input: ["conv/Conv2D", "conv/bias"], attr: { T: float, data_format: { s: b64("NHWC") } } },
    { name: "features", op: "Relu", input: ["conv/BiasAdd"], attr: { T: float } },
  ];
  const weightSpecs = [
    { name: "conv/kernel", shape: [3, 3, 3, 8], dtype: "float32" },
    { name: "conv/bias", shape: [8], dtype: "float32" },
  ];
  const weights = new Uint8Array(4 * (kernel.length + bias.length));
  weights.set(new Uint8Array(kernel.buffer), 0);
  weights.set(new Uint8Array(bias.buffer), kernel.byteLength);
  const files = tfjsFiles(
    { format: "graph-model", generatedBy: "2.15.0", convertedBy: "TensorFlow.js Converter v4.22.0", modelTopology: { node, library: {}, versions: { producer: 1286 } }, weightSpecs },
    weights,
    1,
  );
  return { files, kernel, bias };
}

/* ---- ONNX (protobuf written by hand) ---------------------------------------------------------- */

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}
const concat = (parts: (Uint8Array | number[])[]) => {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const fVarint = (field: number, v: number) => concat([varint(field * 8), varint(v)]);
const fBytes = (field: number, b: Uint8Array) => concat([varint(field * 8 + 2), varint(b.length), b]);
const fString = (field: number, s: string) => fBytes(field, enc.encode(s));
const message = (...fields: Uint8Array[]) => concat(fields);

const ONNX_FLOAT = 1;
const ATTR_INTS = 7;

function tensorType(dims: (number | string)[]): Uint8Array {
  const shape = message(...dims.map((d) => fBytes(1, typeof d === "number" ? fVarint(1, d) : fString(2, d))));
  return message(fBytes(1, message(fVarint(1, ONNX_FLOAT), fBytes(2, shape))));
}
const valueInfo = (name: string, dims: (number | string)[]) => message(fString(1, name), fBytes(2, tensorType(dims)));
const initializer = (name: string, dims: number[], data: Float32Array) =>
  message(...dims.map((d) => fVarint(1, d)), fVarint(2, ONNX_FLOAT), fString(8, name), fBytes(9, new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))));
const intsAttr = (name: string, values: number[]) => message(fString(1, name), ...values.map((v) => fVarint(8, v)), fVarint(20, ATTR_INTS));
const node = (op: string, inputs: string[], outputs: string[], attrs: Uint8Array[] = []) =>
  message(...inputs.map((i) => fString(1, i)), ...outputs.map((o) => fString(2, o)), fString(3, `${op}_${outputs[0]}`), fString(4, op), ...attrs.map((a) => fBytes(5, a)));

/**
 * A tiny ONNX image backbone (opset 13): [N, 3, H, W] ("nchw") or [N, H, W, 3] ("nhwc", through a
 * Transpose) → Conv 3×3 stride 2 (8 filters) → Relu → GlobalAveragePool → Flatten: [N, 8]; or,
 * with pooled: false, the 4-D map [N, 8, H', W']. Sides are fixed numbers or symbolic ("H").
 */
export function tinyOnnxBackbone(options: { seed?: number; layout?: "nchw" | "nhwc"; size?: number | null; batch?: number | null; pooled?: boolean } = {}): {
  bytes: Uint8Array;
  kernel: Float32Array;
  bias: Float32Array;
} {
  const rng = createRng(options.seed ?? 5);
  const layout = options.layout ?? "nchw";
  const side: number | string = options.size === undefined ? 32 : (options.size ?? "S");
  const batch: number | string = options.batch === undefined ? "N" : (options.batch ?? "N");
  const kernel = Float32Array.from({ length: 8 * 3 * 3 * 3 }, () => (rng.next() - 0.5) * 0.6);
  const bias = Float32Array.from({ length: 8 }, () => (rng.next() - 0.5) * 0.2);
  const pooled = options.pooled ?? true;
  const nodes: Uint8Array[] = [];
  const conv = layout === "nhwc" ? "nchw_pixels" : "pixels";
  if (layout === "nhwc") nodes.push(node("Transpose", ["pixels"], ["nchw_pixels"], [intsAttr("perm", [0, 3, 1, 2])]));
  nodes.push(node("Conv", [conv, "W", "B"], ["conv"], [intsAttr("kernel_shape", [3, 3]), intsAttr("strides", [2, 2]), intsAttr("pads", [1, 1, 1, 1])]));
  nodes.push(node("Relu", ["conv"], [pooled ? "relu" : "features"]));
  if (pooled) {
    nodes.push(node("GlobalAveragePool", ["relu"], ["gap"]));
    nodes.push(node("Flatten", ["gap"], ["features"]));
  }
  const inputDims = layout === "nhwc" ? [batch, side, side, 3] : [batch, 3, side, side];
  const outputDims = pooled ? [batch, 8] : [batch, 8, "OH", "OW"];
  const graph = message(
    ...nodes.map((n) => fBytes(1, n)),
    fString(2, "tiny_backbone"),
    fBytes(5, initializer("W", [8, 3, 3, 3], kernel)),
    fBytes(5, initializer("B", [8], bias)),
    fBytes(11, valueInfo("pixels", inputDims)),
    fBytes(12, valueInfo("features", outputDims)),
  );
  const model = message(fVarint(1, 8), fString(2, "ai-mass-studio-tests"), fBytes(7, graph), fBytes(8, message(fString(1, ""), fVarint(2, 13))));
  return { bytes: model, kernel, bias };
}
