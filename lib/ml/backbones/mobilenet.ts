/**
 * MobileNetV2 image backbone (weights from the nsfwjs package, copied to /models/mobilenet_v2/ by
 * scripts/copy-assets.mjs). Browser, worker and Node safe: no DOM or Node imports here.
 *
 * Feature extractor: input -> ... -> `out_relu` (7x7x1280) -> global average pooling -> 1280-d
 * ("mobilenet-v2-1280"). These weights were fine-tuned by nsfwjs for its own five classes, so the
 * top layer alone transfers poorly to other tasks. Two richer feature sets add earlier layers:
 * - "mobilenet-v2-ms-2880" (multi-label tagging; image models of an earlier release): the pooled
 *   top plus `block_16_project` (7x7x320) pooled whole and over four overlapping quadrants.
 * - "mobilenet-v2-ml-3520" (the default for new image models): mid-level maps with their layout —
 *   3x3 grids of `block_9_add` and `block_12_add` (14x14), `block_15_add` whole and in 2x2
 *   (7x7), and the pooled top — with `featureGroups` so heads rescale each block
 *   (train-head.ts). On sign-digits (80/20 split, seed 42, head of the bench: 20 epochs on all
 *   989 training pictures; scratch experiment, Node wasm, 3 seeds): 96.4 % held-out with these
 *   features, 97.99–98.80 % with 2 augmented copies per picture; the 2,880-d features with the
 *   same head reached 88.8 % in the browser bench and the 1,280-d ones 85.1 %.
 * BatchNormalization layers are folded into the preceding convolutions when the model is built,
 * so the network has no BN layers: inference is cheaper and fine-tuning is safe (tfjs would
 * otherwise normalise with batch statistics during fit(), even for frozen BN layers).
 *
 * Preprocessing follows nsfwjs (authoritative for these weights; its model was trained on
 * images rescaled by 1/255): RGB / 255 -> [0, 1], then bilinear resize to 224x224 with
 * alignCorners = true. (This is NOT Keras' mobilenet_v2.preprocess_input, which maps to [-1, 1].)
 */
import * as tf from "@tensorflow/tfjs";
import { fetchAllWithProgress, resolveUrl } from "./fetch";
import type { ImageBackbone, ImageLike, ProgressCallback, RawImage } from "./types";

/** Backbone id recorded in model bundles: pooled top features (1,280-d). */
export const MOBILENET_V2_ID = "mobilenet-v2-1280";
/** Multi-scale features (2,880-d): pooled top + pooled and quadrant-pooled block_16. */
export const MOBILENET_V2_MS_ID = "mobilenet-v2-ms-2880";
export const MOBILENET_V2_MS_FEATURE_DIM = 2880;
/**
 * Mid-level features (3,520-d), the default for new image models: 3x3 grids of `block_9_add`
 * (14x14x64 → 576) and `block_12_add` (14x14x96 → 864), `block_15_add` (7x7x160) pooled whole and
 * in 2x2 (800), and the pooled top (1,280). See the file comment.
 */
export const MOBILENET_V2_ML_ID = "mobilenet-v2-ml-3520";
export const MOBILENET_V2_ML_FEATURE_DIM = 3520;
/** Lengths of the mid-level feature blocks, in order (one per source layer; see featureGroups). */
export const MOBILENET_V2_ML_FEATURE_GROUPS: readonly number[] = [576, 864, 800, 1280];
export type MobileNetBackboneId = typeof MOBILENET_V2_ID | typeof MOBILENET_V2_MS_ID | typeof MOBILENET_V2_ML_ID;
/** npm package the weights come from. */
export const MOBILENET_V2_PACKAGE = "nsfwjs";
export const MOBILENET_V2_URL = "/models/mobilenet_v2/model.json";
export const MOBILENET_V2_INPUT_SIZE = 224;
export const MOBILENET_V2_FEATURE_DIM = 1280;
export const MOBILENET_V2_CUT_LAYER = "out_relu";
/** Name of the pooling layer appended after the cut; the feature model's output layer. */
export const MOBILENET_V2_POOL_LAYER = "feature_pool";
/** Highest `trainableBlocks` value: 16 inverted-residual blocks + first block + top conv + stem. */
export const MOBILENET_V2_MAX_TRAINABLE_BLOCKS = 19;

/** Recorded in the model bundle manifest ("preprocessing config"). */
export const MOBILENET_V2_PREPROCESSING = {
  colorSpace: "rgb",
  scale: 1 / 255,
  offset: 0,
  resize: { width: MOBILENET_V2_INPUT_SIZE, height: MOBILENET_V2_INPUT_SIZE, method: "bilinear", alignCorners: true },
} as const;

export type MobileNetFeatures = "pooled" | "multiscale" | "midlevel";

/** Where to load the layers model from. */
export type MobileNetSource =
  /** A model.json URL (browser/worker), e.g. MOBILENET_V2_URL. */
  | { url: string }
  /** Any tfjs IOHandler, e.g. tf.io.fromMemory(...). */
  | { handler: tf.io.IOHandler }
  /** A parsed model.json and its shard bytes, in the order of weightsManifest[*].paths. */
  | { modelJson: LayersModelJson; weights: ArrayBuffer | Uint8Array | Array<ArrayBuffer | Uint8Array> };

/** The parts of a tfjs `model.json` this loader reads. */
export interface LayersModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  userDefinedMetadata?: Record<string, unknown>;
}

export interface LoadMobileNetOptions {
  /** Overrides the package version read from the model's userDefinedMetadata (e.g. "4.4.0"). */
  version?: string;
  /** Images per forward pass in embed(); bounds peak memory. Default 8. */
  batchSize?: number;
  /** Download / compile / warm-up progress (downloads are reported only for `{ url }` sources). */
  onProgress?: ProgressCallback;
  /** Run one prediction on zeros after loading (compiles WebGPU/WebGL shaders up front). Default false. */
  warmUp?: boolean;
  /**
   * "pooled" (default): 1,280-d `mobilenet-v2-1280`; "multiscale": 2,880-d `mobilenet-v2-ms-2880`;
   * "midlevel": 3,520-d `mobilenet-v2-ml-3520`.
   */
  features?: MobileNetFeatures;
}

export interface FineTuneOptions {
  /**
   * How many top stages to unfreeze, counted from the output: 1 = the final 1x1 conv (Conv_1),
   * 2 = also block_16, 3 = also block_15, ... Default 2. 0 freezes everything.
   */
  trainableBlocks?: number;
  /**
   * Square input side (default 224). The network is fully convolutional, so a smaller input
   * (e.g. 160) trains faster; feed it preprocessImages(images, inputSize). Features then differ
   * from the 224-pixel features of embed().
   */
  inputSize?: number;
}

export interface MobileNetBackbone extends ImageBackbone {
  readonly id: MobileNetBackboneId;
  /** The feature model: [n, 224, 224, 3] preprocessed -> [n, featureDim]. Owned by the backbone. */
  readonly model: tf.LayersModel;
  /**
   * A fresh, independent copy of the feature model ([n,224,224,3] preprocessed in [0,1] ->
   * [n,1280]) whose top `trainableBlocks` stages are trainable and the rest frozen. Put a head on
   * `outputs[0]`, train on images from preprocessImages(). The caller disposes it.
   */
  createFineTuneModel(options?: FineTuneOptions): Promise<tf.LayersModel>;
}

/* ------------------------------------------------------------------------------------------ */
/* Images -> tensors                                                                           */

type PixelArray = Uint8Array | Uint8ClampedArray | Float32Array;
/** RawImage, or ImageData (RGBA, no `channels`). */
function isPixelImage(x: unknown): x is { width: number; height: number; data: PixelArray; channels?: number } {
  const r = x as { width?: unknown; height?: unknown; data?: unknown };
  return (
    typeof r === "object" &&
    r !== null &&
    typeof r.width === "number" &&
    typeof r.height === "number" &&
    (r.data instanceof Uint8Array || r.data instanceof Uint8ClampedArray || r.data instanceof Float32Array)
  );
}

/** RGB tensor [h, w, 3] with values 0..255 (int32, or float32 for Float32Array pixels). Caller disposes. */
export function imageToTensor(image: ImageLike): tf.Tensor3D {
  if (isPixelImage(image)) {
    const { width, height, data } = image;
    const channels = image.channels ?? data.length / (width * height);
    if (channels !== 1 && channels !== 3 && channels !== 4) {
      throw new Error(`Image data has ${data.length} values for ${width}x${height}: not 1, 3 or 4 channels`);
    }
    if (data.length !== width * height * channels) {
      throw new Error(`Image data has ${data.length} values, expected ${width * height * channels}`);
    }
    const rgb = data instanceof Float32Array ? new Float32Array(width * height * 3) : new Int32Array(width * height * 3);
    for (let i = 0, j = 0; j < rgb.length; i += channels, j += 3) {
      if (channels === 1) {
        rgb[j] = rgb[j + 1] = rgb[j + 2] = data[i];
      } else {
        rgb[j] = data[i];
        rgb[j + 1] = data[i + 1];
        rgb[j + 2] = data[i + 2];
      }
    }
    return tf.tensor3d(rgb, [height, width, 3], rgb instanceof Float32Array ? "float32" : "int32");
  }
  if (typeof OffscreenCanvas !== "undefined" && image instanceof OffscreenCanvas) {
    const ctx = image.getContext("2d") as OffscreenCanvasRenderingContext2D | null;
    if (!ctx) throw new Error("OffscreenCanvas has no 2d context");
    const pixels = ctx.getImageData(0, 0, image.width, image.height);
    return imageToTensor({ width: pixels.width, height: pixels.height, data: pixels.data, channels: 4 });
  }
  return tf.browser.fromPixels(image as Exclude<ImageLike, RawImage | ImageData | OffscreenCanvas>, 3);
}

/**
 * Pixel values 0..255 ([h,w,3] or [n,h,w,3]) -> float [n,224,224,3] in [0,1], exactly as the
 * backbone sees them. Does not dispose its input.
 */
export function preprocessPixels(pixels: tf.Tensor3D | tf.Tensor4D, size = MOBILENET_V2_INPUT_SIZE): tf.Tensor4D {
  return tf.tidy(() => {
    const batch = (pixels.rank === 3 ? tf.expandDims(pixels, 0) : pixels) as tf.Tensor4D;
    const scaled = tf.mul(tf.cast(batch, "float32"), MOBILENET_V2_PREPROCESSING.scale) as tf.Tensor4D;
    if (scaled.shape[1] === size && scaled.shape[2] === size) return scaled;
    return tf.image.resizeBilinear(scaled, [size, size], true);
  });
}

/** Images -> float [n,224,224,3] in [0,1]: the input of the feature and fine-tune models. Caller disposes. */
export function preprocessImages(images: readonly ImageLike[], size = MOBILENET_V2_INPUT_SIZE): tf.Tensor4D {
  if (images.length === 0) throw new Error("preprocessImages: no images");
  return tf.tidy(() => tf.concat(images.map((img) => preprocessPixels(imageToTensor(img), size)), 0));
}

/* ------------------------------------------------------------------------------------------ */
/* Topology surgery: cut at out_relu, add pooling, fold BatchNorm into convolutions            */

type InboundRef = [string, number, number, Record<string, unknown>?];
interface LayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: InboundRef[][];
}
interface ModelConfigJson {
  name?: string;
  layers: LayerJson[];
  input_layers: [string, number, number][];
  output_layers: [string, number, number][];
}

function modelConfigOf(topology: object): ModelConfigJson {
  const t = topology as { model_config?: { config?: ModelConfigJson }; config?: ModelConfigJson };
  const config = t.model_config?.config ?? t.config;
  if (!config || !Array.isArray(config.layers)) throw new Error("MobileNetV2: unexpected model topology");
  return config;
}

/** Stage index of a layer (for freezing): 0 = stem, 1 = expanded_conv, 2..17 = block_1..16, 18 = Conv_1/out_relu. */
function stageOf(layerName: string): number {
  if (/^(Conv1|bn_Conv1|Conv1_pad|Conv1_relu)$/.test(layerName)) return 0;
  if (layerName.startsWith("expanded_conv")) return 1;
  const m = /^block_(\d+)_/.exec(layerName);
  if (m) return Number(m[1]) + 1;
  return 18;
}

interface FusionPlan {
  topology: object;
  /** conv layer name -> the BatchNormalization layer folded into it */
  folded: Map<string, LayerJson>;
}

function planFeatureModel(topology: object, trainableFromStage: number, inputSize = MOBILENET_V2_INPUT_SIZE): FusionPlan {
  const src = modelConfigOf(topology);
  const byName = new Map(src.layers.map((l) => [l.name, l]));
  if (!byName.has(MOBILENET_V2_CUT_LAYER)) throw new Error(`MobileNetV2: no layer "${MOBILENET_V2_CUT_LAYER}"`);

  // Keep only the ancestors of the cut layer.
  const keep = new Set<string>();
  const stack = [MOBILENET_V2_CUT_LAYER];
  while (stack.length) {
    const name = stack.pop()!;
    if (keep.has(name)) continue;
    keep.add(name);
    for (const node of byName.get(name)!.inbound_nodes) for (const ref of node) stack.push(ref[0]);
  }
  const kept = src.layers.filter((l) => keep.has(l.name));
  const consumers = new Map<string, number>();
  for (const l of kept) for (const node of l.inbound_nodes) for (const ref of node) consumers.set(ref[0], (consumers.get(ref[0]) ?? 0) + 1);

  const replace = new Map<string, string>();
  const folded = new Map<string, LayerJson>();
  for (const l of kept) {
    if (l.class_name !== "BatchNormalization") continue;
    const inputs = l.inbound_nodes.length === 1 ? l.inbound_nodes[0] : [];
    const prev = inputs.length === 1 ? byName.get(inputs[0][0]) : undefined;
    const axis = l.config.axis;
    if (
      prev &&
      (prev.class_name === "Conv2D" || prev.class_name === "DepthwiseConv2D") &&
      prev.config.use_bias === false &&
      (prev.config.activation ?? "linear") === "linear" &&
      (axis === -1 || axis === 3 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3))) &&
      consumers.get(prev.name) === 1
    ) {
      replace.set(l.name, prev.name);
      folded.set(prev.name, l);
    }
  }

  const layers: LayerJson[] = [];
  for (const l of kept) {
    if (replace.has(l.name)) continue;
    const config: Record<string, unknown> = { ...l.config, trainable: stageOf(l.name) >= trainableFromStage };
    if (folded.has(l.name)) config.use_bias = true;
    if (l.class_name === "InputLayer") config.batch_input_shape = [null, inputSize, inputSize, 3];
    const inbound_nodes = l.inbound_nodes.map((node) =>
      node.map((ref) => [replace.get(ref[0]) ?? ref[0], ...ref.slice(1)] as InboundRef),
    );
    layers.push({ ...l, config, inbound_nodes });
  }
  const cut = replace.get(MOBILENET_V2_CUT_LAYER) ?? MOBILENET_V2_CUT_LAYER;
  layers.push({
    name: MOBILENET_V2_POOL_LAYER,
    class_name: "GlobalAveragePooling2D",
    config: { name: MOBILENET_V2_POOL_LAYER, trainable: false, data_format: "channels_last" },
    inbound_nodes: [[[cut, 0, 0, {}]]],
  });
  const config: ModelConfigJson = {
    name: "mobilenet_v2_features",
    layers,
    input_layers: src.input_layers,
    output_layers: [[MOBILENET_V2_POOL_LAYER, 0, 0]],
  };
  const t = topology as Record<string, unknown>;
  return {
    topology: {
      keras_version: t.keras_version,
      backend: t.backend,
      model_config: { class_name: "Model", config },
    },
    folded,
  };
}

interface DecodedWeights {
  /** Float32 weights by manifest name ("Conv1/kernel", ...). */
  values: Map<string, { shape: number[]; data: Float32Array }>;
}

function decodeAllWeights(artifacts: tf.io.ModelArtifacts): DecodedWeights {
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new Error("MobileNetV2: model has no weights");
  const tensors = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  try {
    for (const [name, t] of Object.entries(tensors)) {
      values.set(name, { shape: t.shape.slice(), data: Float32Array.from(t.dataSync() as ArrayLike<number>) });
    }
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  return { values };
}

/** Builds the weights of the planned feature model (BatchNorm folded into kernels and biases). */
function fuseWeights(plan: FusionPlan, decoded: DecodedWeights): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const out: { name: string; shape: number[]; data: Float32Array }[] = [];
  const get = (name: string) => {
    const w = decoded.values.get(name);
    if (!w) throw new Error(`MobileNetV2: missing weight "${name}"`);
    return w;
  };
  const config = modelConfigOf(plan.topology);
  for (const layer of config.layers) {
    const bn = plan.folded.get(layer.name);
    const prefix = `${layer.name}/`;
    if (!bn) {
      for (const [name, w] of decoded.values) if (name.startsWith(prefix) && !name.slice(prefix.length).includes("/")) out.push({ name, ...w });
      continue;
    }
    const isDepthwise = layer.class_name === "DepthwiseConv2D";
    const kernelName = `${layer.name}/${isDepthwise ? "depthwise_kernel" : "kernel"}`;
    const kernel = get(kernelName);
    const channels = kernel.shape[2] * (isDepthwise ? kernel.shape[3] : 1);
    const outChannels = isDepthwise ? channels : kernel.shape[3];
    const eps = typeof bn.config.epsilon === "number" ? bn.config.epsilon : 1e-3;
    const bnw = (suffix: string) => decoded.values.get(`${bn.name}/${suffix}`)?.data;
    const gamma = bn.config.scale === false ? undefined : bnw("gamma");
    const beta = bn.config.center === false ? undefined : bnw("beta");
    const mean = bnw("moving_mean");
    const variance = bnw("moving_variance");
    if (!mean || !variance) throw new Error(`MobileNetV2: BatchNorm ${bn.name} has no moving statistics`);
    const scale = new Float32Array(outChannels);
    const bias = new Float32Array(outChannels);
    for (let c = 0; c < outChannels; c++) {
      scale[c] = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + eps);
      bias[c] = (beta ? beta[c] : 0) - mean[c] * scale[c];
    }
    // Kernel layout: Conv2D [kh, kw, in, out]; DepthwiseConv2D [kh, kw, in, multiplier] with
    // output channel = in * multiplier + m. Either way the output channel is the flat index
    // modulo the output channel count.
    const fusedKernel = new Float32Array(kernel.data.length);
    for (let i = 0; i < fusedKernel.length; i++) fusedKernel[i] = kernel.data[i] * scale[i % outChannels];
    out.push({ name: kernelName, shape: kernel.shape, data: fusedKernel });
    out.push({ name: `${layer.name}/bias`, shape: [outChannels], data: bias });
  }
  const total = out.reduce((n, w) => n + w.data.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const w of out) {
    data.set(w.data, offset);
    offset += w.data.length;
    specs.push({ name: w.name, shape: w.shape, dtype: "float32" });
  }
  return { specs, data: data.buffer };
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

function toArrayBuffer(b: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (b instanceof ArrayBuffer) return b;
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** An IOHandler over a parsed model.json and its shard bytes (Node, tests, custom storage). */
export function handlerFromModelJson(
  modelJson: LayersModelJson,
  weights: ArrayBuffer | Uint8Array | Array<ArrayBuffer | Uint8Array>,
): tf.io.IOHandler {
  const list = Array.isArray(weights) ? weights : [weights];
  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const weightData = tf.io.concatenateArrayBuffers(list.map(toArrayBuffer));
  return tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs,
    weightData,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy ?? undefined,
    userDefinedMetadata: modelJson.userDefinedMetadata as tf.io.ModelArtifacts["userDefinedMetadata"],
  });
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a weights-manifest group occupies (quantised weights included). */
function groupBytes(weights: tf.io.WeightsManifestEntry[]): number {
  return weights.reduce((n, w) => {
    const count = w.shape.reduce((a, b) => a * b, 1);
    return n + count * BYTES_PER_DTYPE[w.quantization ? w.quantization.dtype : w.dtype];
  }, 0);
}

/** Fetches model.json and its shards with byte-level progress. */
async function fetchLayersModel(url: string, onProgress?: ProgressCallback): Promise<tf.io.IOHandler> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not download ${url}: HTTP ${res.status}`);
  const modelJson = (await res.json()) as LayersModelJson;
  // Sizes are known only per group; a one-shard group (our case) gets its exact size.
  const files = modelJson.weightsManifest.flatMap((g) =>
    g.paths.map((p) => ({ url: resolveUrl(url, p), bytes: g.paths.length === 1 ? groupBytes(g.weights) : undefined })),
  );
  const weights = await fetchAllWithProgress(files, onProgress);
  return handlerFromModelJson(modelJson, weights);
}

async function handlerOf(source: MobileNetSource, onProgress?: ProgressCallback): Promise<tf.io.IOHandler> {
  if ("url" in source) return fetchLayersModel(source.url, onProgress);
  if ("handler" in source) return source.handler;
  return handlerFromModelJson(source.modelJson, source.weights);
}

function sourceOf(artifacts: tf.io.ModelArtifacts): { package: string; version: string } {
  const src = (artifacts.userDefinedMetadata as { source?: { package?: unknown; version?: unknown } } | undefined)?.source;
  return {
    package: typeof src?.package === "string" ? src.package : MOBILENET_V2_PACKAGE,
    version: typeof src?.version === "string" ? src.version : "unknown",
  };
}

async function instantiate(plan: FusionPlan, weights: { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }) {
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: plan.topology, weightSpecs: weights.specs, weightData: weights.data }),
  );
}

/**
 * Loads MobileNetV2 and returns the 1280-d feature extractor.
 * Browser/worker: loadMobileNetV2({ url: MOBILENET_V2_URL }); Node: see ./node.ts.
 */
/** Adds the multi-scale outputs (see the file comment) to the pooled feature model. */
function multiScaleModel(base: tf.LayersModel): tf.LayersModel {
  const block16 = base.getLayer("block_16_project").output as tf.SymbolicTensor;
  const top = base.outputs[0];
  const block16Mean = tf.layers.globalAveragePooling2d({ name: "ms_block16_pool" }).apply(block16) as tf.SymbolicTensor;
  // 7x7 -> 2x2 with 4x4 windows at stride 3: rows/cols 0-3 and 3-6.
  const quadrants = tf.layers.averagePooling2d({ poolSize: 4, strides: 3, padding: "valid", name: "ms_block16_quadrants" }).apply(block16) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: "ms_block16_flat" }).apply(quadrants) as tf.SymbolicTensor;
  const out = tf.layers.concatenate({ name: "ms_features" }).apply([top, block16Mean, flat]) as tf.SymbolicTensor;
  return tf.model({ inputs: base.inputs, outputs: out, name: "mobilenet_v2_multiscale" });
}

/** Adds the mid-level outputs (see MOBILENET_V2_ML_ID) to the pooled feature model. */
function midLevelModel(base: tf.LayersModel): tf.LayersModel {
  const at = (name: string) => base.getLayer(name).output as tf.SymbolicTensor;
  const flat = (x: tf.SymbolicTensor, name: string) => tf.layers.flatten({ name: `${name}_flat` }).apply(x) as tf.SymbolicTensor;
  // 14x14 -> 3x3 with 6x6 windows at stride 4: rows/cols 0-5, 4-9, 8-13.
  const grid14 = (name: string) => flat(tf.layers.averagePooling2d({ poolSize: 6, strides: 4, padding: "valid", name: `ml_${name}_grid` }).apply(at(name)) as tf.SymbolicTensor, `ml_${name}`);
  const block15 = at("block_15_add");
  const block15Mean = tf.layers.globalAveragePooling2d({ name: "ml_block_15_pool" }).apply(block15) as tf.SymbolicTensor;
  // 7x7 -> 2x2 with 4x4 windows at stride 3: rows/cols 0-3 and 3-6.
  const block15Quadrants = flat(tf.layers.averagePooling2d({ poolSize: 4, strides: 3, padding: "valid", name: "ml_block_15_quadrants" }).apply(block15) as tf.SymbolicTensor, "ml_block_15");
  const out = tf.layers
    .concatenate({ name: "ml_features" })
    .apply([grid14("block_9_add"), grid14("block_12_add"), block15Mean, block15Quadrants, base.outputs[0]]) as tf.SymbolicTensor;
  return tf.model({ inputs: base.inputs, outputs: out, name: "mobilenet_v2_midlevel" });
}

const FEATURE_SETS: Record<MobileNetFeatures, { id: MobileNetBackboneId; dim: number; groups?: readonly number[]; build?: (base: tf.LayersModel) => tf.LayersModel }> = {
  pooled: { id: MOBILENET_V2_ID, dim: MOBILENET_V2_FEATURE_DIM },
  multiscale: { id: MOBILENET_V2_MS_ID, dim: MOBILENET_V2_MS_FEATURE_DIM, build: multiScaleModel },
  midlevel: { id: MOBILENET_V2_ML_ID, dim: MOBILENET_V2_ML_FEATURE_DIM, groups: MOBILENET_V2_ML_FEATURE_GROUPS, build: midLevelModel },
};

export async function loadMobileNetV2(source: MobileNetSource, options: LoadMobileNetOptions = {}): Promise<MobileNetBackbone> {
  const { onProgress } = options;
  const handler = await handlerOf(source, onProgress);
  if (!handler.load) throw new Error("MobileNetV2: the IOHandler cannot load");
  const artifacts = await handler.load();
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error("MobileNetV2: expected a layers model (JSON topology)");
  }
  const topology = artifacts.modelTopology as object;
  const weightBytes = artifacts.weightSpecs ? groupBytes(artifacts.weightSpecs) : 0;
  onProgress?.({ stage: "compile", loadedBytes: weightBytes, totalBytes: weightBytes });
  const decoded = decodeAllWeights(artifacts);
  const frozenPlan = planFeatureModel(topology, Number.POSITIVE_INFINITY);
  const fused = fuseWeights(frozenPlan, decoded);
  decoded.values.clear();
  const base = await instantiate(frozenPlan, fused);
  const featureSet = FEATURE_SETS[options.features ?? "pooled"];
  if (!featureSet) throw new Error(`MobileNetV2: unknown feature set "${options.features}"`);
  const model = featureSet.build ? featureSet.build(base) : base;
  const featureDim = featureSet.dim;
  if (options.warmUp) {
    onProgress?.({ stage: "warm-up", loadedBytes: weightBytes, totalBytes: weightBytes });
    const size = MOBILENET_V2_INPUT_SIZE;
    const y = tf.tidy(() => model.predict(tf.zeros([1, size, size, 3])) as tf.Tensor);
    await y.data();
    y.dispose();
  }
  const origin = sourceOf(artifacts);
  const version = options.version ?? origin.version;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 8));
  let disposed = false;

  /** Runs the model batch by batch; `prepare` builds the preprocessed input of one batch (inside tidy). */
  const embedBatches = async (n: number, prepare: (start: number, count: number) => tf.Tensor4D): Promise<Float32Array[]> => {
    if (disposed) throw new Error("MobileNetV2 backbone is disposed");
    const result: Float32Array[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const features = tf.tidy(() => model.predict(prepare(start, count)) as tf.Tensor2D);
      try {
        const data = (await features.data()) as Float32Array;
        for (let i = 0; i < count; i++) {
          result.push(data.slice(i * featureDim, (i + 1) * featureDim));
        }
      } finally {
        features.dispose();
      }
    }
    return result;
  };

  const backbone: MobileNetBackbone = {
    kind: "image",
    id: featureSet.id,
    ...(featureSet.groups ? { featureGroups: featureSet.groups } : {}),
    package: origin.package,
    version,
    featureDim,
    inputSize: MOBILENET_V2_INPUT_SIZE,
    model,
    embed(images) {
      return embedBatches(images.length, (start, count) => preprocessImages(images.slice(start, start + count)));
    },
    async embedPixels(pixels) {
      if (pixels.rank !== 4 || pixels.shape[3] !== 3) {
        throw new Error(`embedPixels: expected a [n, h, w, 3] tensor, got [${pixels.shape.join(", ")}]`);
      }
      return embedBatches(pixels.shape[0], (start, count) => preprocessPixels(tf.slice(pixels, [start, 0, 0, 0], [count, -1, -1, -1])));
    },
    async createFineTuneModel({ trainableBlocks = 2, inputSize = MOBILENET_V2_INPUT_SIZE }: FineTuneOptions = {}) {
      if (disposed) throw new Error("MobileNetV2 backbone is disposed");
      const n = Math.max(0, Math.min(MOBILENET_V2_MAX_TRAINABLE_BLOCKS, Math.floor(trainableBlocks)));
      if (!(Number.isInteger(inputSize) && inputSize >= 32)) throw new Error(`inputSize must be an integer >= 32, got ${inputSize}`);
      const plan = planFeatureModel(topology, n === 0 ? Number.POSITIVE_INFINITY : 19 - n, inputSize);
      return instantiate(plan, fused);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      // The multi-scale and mid-level models share base's layers and add none with weights.
      base.dispose();
    },
  };
  return backbone;
}
