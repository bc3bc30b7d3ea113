/**
 * User-supplied image backbones (model type "custom-backbone"): the files an owner uploads (a tfjs
 * model folder — model.json + its .bin weight shards, layers or graph format — a .zip of one, or a
 * single .onnx file) → checked → one canonical "backbone package": what the blob store keeps, what
 * the worker loads and what every model bundle trained on it embeds. Pure TypeScript (no tfjs, no
 * DOM, no Node): the server validates uploads with it, the browser and Node unpack it.
 *
 * Package layout (little endian):
 *   bytes 0..7   magic "AIMSBKBN"
 *   bytes 8..11  u32 length H of the header
 *   bytes 12..   H bytes of UTF-8 JSON: { format, model? (tfjs: topology, weight specs, signature…),
 *                dataLength }
 *   then         dataLength bytes: the tfjs weights (shards joined in manifest order) or the .onnx file
 * Its SHA-256 (= its blob id) is the backbone's content hash.
 */
import { z } from "zod";
import { MAX_MODEL_JSON_DEPTH, findTooDeep } from "../../data/json-depth";

export const CUSTOM_BACKBONE_FORMATS = ["tfjs-layers", "tfjs-graph", "onnx"] as const;
export type CustomBackboneFormat = (typeof CUSTOM_BACKBONE_FORMATS)[number];

/** Largest backbone package: it is embedded in every bundle, whose limit is 64 MB. */
export const MAX_BACKBONE_BYTES = 48 * 1024 * 1024;
export const BACKBONE_PACKAGE_MAGIC = "AIMSBKBN";
/** Recorded as the backbone's "package" in bundle manifests (there is no npm package). */
export const CUSTOM_BACKBONE_PACKAGE = "user-supplied";
/** Longest feature vector accepted (bounds the head's size and the feature cache). */
export const MAX_FEATURE_DIM = 16384;
/** Input sides the owner may choose for a model with a dynamic input size. */
export const MIN_INPUT_SIDE = 16;
export const MAX_INPUT_SIDE = 1024;
export const DEFAULT_INPUT_SIDE = 224;

/**
 * Pixel normalisation presets: value = (rgb / 255 - mean) / std per channel.
 * "zero-one": [0, 1] (TF Hub image modules); "minus-one-one": [-1, 1] (Keras MobileNet, Inception);
 * "imagenet": ImageNet mean/std (torchvision and most ONNX exports).
 */
export const PIXEL_NORMALIZATIONS = {
  "zero-one": { mean: [0, 0, 0], std: [1, 1, 1] },
  "minus-one-one": { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
} as const satisfies Record<string, { mean: readonly number[]; std: readonly number[] }>;
export type PixelNormalization = keyof typeof PIXEL_NORMALIZATIONS;
export const PIXEL_NORMALIZATION_IDS = Object.keys(PIXEL_NORMALIZATIONS) as PixelNormalization[];

/** ONNX exports mostly come from PyTorch (ImageNet statistics); tfjs models mostly from TF Hub ([0, 1]). */
export function defaultNormalization(format: CustomBackboneFormat): PixelNormalization {
  return format === "onnx" ? "imagenet" : "zero-one";
}

/** What the owner chooses (the input size only matters when the model's own is dynamic). */
export interface CustomBackboneSettings {
  inputHeight: number;
  inputWidth: number;
  normalization: PixelNormalization;
}

/**
 * Everything needed to run the backbone exactly as it was trained on: recorded in the bundle
 * manifest (backbone.custom) and in the project's backbone settings.
 */
export interface CustomBackboneSpec extends CustomBackboneSettings {
  format: CustomBackboneFormat;
  /** SHA-256 (hex) of the package. */
  contentHash: string;
  /** Package size in bytes. */
  byteLength: number;
  /** Input tensor layout: [n, h, w, 3] or [n, 3, h, w]. */
  layout: "nhwc" | "nchw";
  /** "none": the output is [n, D]; "global-average": a 4-D output averaged over its spatial axes. */
  pooling: "none" | "global-average";
  featureDim: number;
}

/** CustomBackboneSpec as checked in bundle manifests and in PATCH /api/projects/:id/backbone. */
export const customBackboneSpecSchema = z.object({
  format: z.enum(CUSTOM_BACKBONE_FORMATS),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  byteLength: z.number().int().min(1),
  inputHeight: z.number().int().min(MIN_INPUT_SIDE).max(MAX_INPUT_SIDE),
  inputWidth: z.number().int().min(MIN_INPUT_SIDE).max(MAX_INPUT_SIDE),
  normalization: z.enum(PIXEL_NORMALIZATION_IDS as [PixelNormalization, ...PixelNormalization[]]),
  layout: z.enum(["nhwc", "nchw"]),
  pooling: z.enum(["none", "global-average"]),
  featureDim: z.number().int().min(1).max(MAX_FEATURE_DIM),
});

/** Backbone id: content hash + input size + normalisation, so features of different settings never mix. */
export function customBackboneId(s: Pick<CustomBackboneSpec, "contentHash" | "inputHeight" | "inputWidth" | "normalization">): string {
  return `custom-${s.contentHash.slice(0, 16)}-${s.inputHeight}x${s.inputWidth}-${s.normalization}`;
}

export function isCustomBackboneId(id: string): boolean {
  return id.startsWith("custom-");
}

// ---- errors ------------------------------------------------------------------------------------

export type BackboneUploadErrorCode =
  | "no-files"
  | "too-large"
  | "unrecognised"
  | "ambiguous"
  | "zip-invalid"
  | "model-json-invalid"
  | "model-json-too-deep"
  | "model-json-not-tfjs"
  | "missing-shard"
  | "shard-wrong-size"
  | "weights-unsupported"
  | "not-onnx";

/** A refused upload; `code` names the i18n message (backbone.errors.*), `params` fill it. */
export class BackboneUploadError extends Error {
  constructor(
    readonly code: BackboneUploadErrorCode,
    readonly params: Record<string, string | number> = {},
    message?: string,
  ) {
    super(message ?? `${code} ${JSON.stringify(params)}`);
    this.name = "BackboneUploadError";
  }
}

// ---- upload → package --------------------------------------------------------------------------

export interface UploadedFile {
  /** File name as uploaded (a folder picker's relative path is fine: only the last part is used). */
  name: string;
  bytes: Uint8Array;
}

export interface BuiltPackage {
  format: CustomBackboneFormat;
  package: Uint8Array;
  /** The files that went into the package, in order (display). */
  files: { name: string; bytes: number }[];
}

interface WeightSpecJson {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; [k: string]: unknown };
  [k: string]: unknown;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, complex64: 8 };

const baseName = (name: string) => name.split(/[\\/]+/).filter(Boolean).pop() ?? "";
const lower = (name: string) => baseName(name).toLowerCase();

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Checks uploaded files (a .zip is expanded first by ./custom-upload.ts) and builds the package. Throws BackboneUploadError with the first problem:
 * nothing recognisable, a model.json that is not JSON or not a tfjs model, a shard named in the
 * weightsManifest that is missing or has the wrong byte length, a file that is not ONNX, too large.
 */
export function buildBackbonePackage(uploaded: readonly UploadedFile[], options: { maxBytes?: number } = {}): BuiltPackage {
  const maxBytes = options.maxBytes ?? MAX_BACKBONE_BYTES;
  if (uploaded.length === 0) throw new BackboneUploadError("no-files");
  const total = uploaded.reduce((n, f) => n + f.bytes.byteLength, 0);
  if (total > maxBytes + 64 * 1024) throw new BackboneUploadError("too-large", { limitBytes: maxBytes });
  if (uploaded.some((f) => lower(f.name).endsWith(".zip"))) throw new BackboneUploadError("ambiguous");
  // Folder pickers bring along clutter (.DS_Store, README): only model files count.
  const files = uploaded.filter((f) => !baseName(f.name).startsWith("."));
  const onnx = files.filter((f) => lower(f.name).endsWith(".onnx"));
  const jsons = files.filter((f) => lower(f.name).endsWith(".json"));
  const modelJsons = jsons.length > 1 ? jsons.filter((f) => lower(f.name) === "model.json") : jsons;
  if (onnx.length > 1 || (onnx.length === 1 && modelJsons.length > 0) || modelJsons.length > 1) throw new BackboneUploadError("ambiguous");
  if (onnx.length === 1) return packageOnnx(onnx[0], maxBytes);
  if (modelJsons.length === 1) return packageTfjs(modelJsons[0], files, maxBytes);
  throw new BackboneUploadError("unrecognised");
}

function packageTfjs(modelFile: UploadedFile, files: readonly UploadedFile[], maxBytes: number): BuiltPackage {
  let json: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(modelFile.bytes);
    // Checked before parsing: packing and tfjs walk the topology recursively.
    if (findTooDeep(text, MAX_MODEL_JSON_DEPTH)) throw new BackboneUploadError("model-json-too-deep", { file: baseName(modelFile.name), limit: MAX_MODEL_JSON_DEPTH });
    json = JSON.parse(text);
  } catch (e) {
    if (e instanceof BackboneUploadError) throw e;
    throw new BackboneUploadError("model-json-invalid", { file: baseName(modelFile.name), reason: e instanceof Error ? e.message.slice(0, 200) : "not UTF-8" });
  }
  if (!isRecord(json) || !isRecord(json.modelTopology) || !Array.isArray(json.weightsManifest)) {
    throw new BackboneUploadError("model-json-not-tfjs", { file: baseName(modelFile.name) });
  }
  const topology = json.modelTopology;
  const isGraph = json.format === "graph-model" || Array.isArray(topology.node);
  const isLayers = json.format === "layers-model" || isRecord(topology.model_config) || typeof topology.class_name === "string";
  if (isGraph === isLayers) throw new BackboneUploadError("model-json-not-tfjs", { file: baseName(modelFile.name) });
  const byName = new Map<string, UploadedFile>();
  for (const f of files) if (f !== modelFile) byName.set(baseName(f.name), f);

  const weightSpecs: WeightSpecJson[] = [];
  const shards: UploadedFile[] = [];
  for (const group of json.weightsManifest as unknown[]) {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights) || !group.paths.every((p) => typeof p === "string")) {
      throw new BackboneUploadError("model-json-not-tfjs", { file: baseName(modelFile.name) });
    }
    let expected = 0;
    for (const w of group.weights as unknown[]) {
      if (!isRecord(w) || typeof w.name !== "string" || !Array.isArray(w.shape) || typeof w.dtype !== "string" || !w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
        throw new BackboneUploadError("model-json-not-tfjs", { file: baseName(modelFile.name) });
      }
      const q = isRecord(w.quantization) ? w.quantization : undefined;
      const dtype = q && typeof q.dtype === "string" ? q.dtype : w.dtype;
      const size = DTYPE_BYTES[dtype];
      if (size === undefined) throw new BackboneUploadError("weights-unsupported", { name: w.name, dtype });
      expected += (w.shape as number[]).reduce((a, b) => a * b, 1) * size;
      weightSpecs.push(w as WeightSpecJson);
    }
    const groupShards = (group.paths as string[]).map((p) => {
      const shard = byName.get(baseName(p));
      if (!shard) throw new BackboneUploadError("missing-shard", { name: baseName(p) });
      return shard;
    });
    const actual = groupShards.reduce((n, s) => n + s.bytes.byteLength, 0);
    if (actual !== expected) {
      throw new BackboneUploadError("shard-wrong-size", { name: groupShards.map((s) => baseName(s.name)).join(", "), expected, actual });
    }
    shards.push(...groupShards);
  }
  const model: Record<string, unknown> = { modelTopology: topology, weightSpecs };
  for (const key of ["format", "generatedBy", "convertedBy", "signature", "userDefinedMetadata", "modelInitializer", "initializerSignature"] as const) {
    if (json[key] !== undefined) model[key] = json[key];
  }
  const format: CustomBackboneFormat = isGraph ? "tfjs-graph" : "tfjs-layers";
  const pkg = encodePackage(format, model, shards.map((s) => s.bytes));
  if (pkg.byteLength > maxBytes) throw new BackboneUploadError("too-large", { limitBytes: maxBytes });
  return {
    format,
    package: pkg,
    files: [modelFile, ...shards].map((f) => ({ name: baseName(f.name), bytes: f.bytes.byteLength })),
  };
}

function packageOnnx(file: UploadedFile, maxBytes: number): BuiltPackage {
  const problem = onnxProblem(file.bytes);
  if (problem) throw new BackboneUploadError("not-onnx", { file: baseName(file.name), reason: problem });
  const pkg = encodePackage("onnx", null, [file.bytes]);
  if (pkg.byteLength > maxBytes) throw new BackboneUploadError("too-large", { limitBytes: maxBytes });
  return { format: "onnx", package: pkg, files: [{ name: baseName(file.name), bytes: file.bytes.byteLength }] };
}

// ---- ONNX sanity check ---------------------------------------------------------------------------

/**
 * Why `bytes` is not an ONNX model, or null when it looks like one. An .onnx file is a protobuf
 * ModelProto: its top-level fields must parse exactly to the end, with ir_version (field 1, a
 * varint from 1 to 100) and a graph (field 7, length-delimited). Weights stored in external files
 * are not supported (they would be missing here); onnxruntime reports those when it loads.
 */
export function onnxProblem(bytes: Uint8Array): string | null {
  if (bytes.byteLength < 16) return "the file is too small";
  let o = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (o >= bytes.length) throw new Error("truncated");
      const b = bytes[o++];
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return v;
      mul *= 128;
    }
    throw new Error("varint too long");
  };
  let irVersion: number | null = null;
  let graph = false;
  try {
    while (o < bytes.length) {
      const tag = varint();
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (field === 0) return "not a protobuf message";
      if (wire === 0) {
        const v = varint();
        if (field === 1) irVersion = v;
      } else if (wire === 2) {
        const len = varint();
        if (o + len > bytes.length) return "the file is truncated";
        if (field === 7) graph = len > 0;
        o += len;
      } else if (wire === 1) o += 8;
      else if (wire === 5) o += 4;
      else return "not a protobuf message";
    }
    if (o !== bytes.length) return "the file is truncated";
  } catch {
    return "not a protobuf message";
  }
  if (irVersion === null || irVersion < 1 || irVersion > 100) return "no ONNX ir_version";
  if (!graph) return "no ONNX graph";
  return null;
}

// ---- package encode / decode ---------------------------------------------------------------------

function encodePackage(format: CustomBackboneFormat, model: Record<string, unknown> | null, parts: readonly Uint8Array[]): Uint8Array {
  const dataLength = parts.reduce((n, p) => n + p.byteLength, 0);
  const header = new TextEncoder().encode(JSON.stringify(model ? { format, model, dataLength } : { format, dataLength }));
  const out = new Uint8Array(12 + header.byteLength + dataLength);
  out.set(new TextEncoder().encode(BACKBONE_PACKAGE_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.byteLength, true);
  out.set(header, 12);
  let o = 12 + header.byteLength;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** tfjs model artifacts as plain data (tf.io.ModelArtifacts without importing tfjs). */
export interface TfjsPackageModel {
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpecJson[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: Record<string, unknown>;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: Record<string, unknown>;
  initializerSignature?: Record<string, unknown>;
}

export type UnpackedBackbone =
  | { format: "tfjs-layers" | "tfjs-graph"; model: TfjsPackageModel; weightData: ArrayBuffer }
  | { format: "onnx"; onnx: Uint8Array };

/** Reads a package (from the blob store or a bundle). Throws a plain Error when it is not one. */
export function unpackBackbonePackage(bytes: Uint8Array): UnpackedBackbone {
  if (bytes.byteLength < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== BACKBONE_PACKAGE_MAGIC) {
    throw new Error("Not a backbone package (wrong magic bytes).");
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headerLength > bytes.byteLength) throw new Error("The backbone package is truncated.");
  let header: { format?: unknown; model?: unknown; dataLength?: unknown };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + headerLength));
    if (findTooDeep(text, MAX_MODEL_JSON_DEPTH)) throw new Error(`nested more than ${MAX_MODEL_JSON_DEPTH} levels deep`);
    header = JSON.parse(text);
  } catch {
    throw new Error("The backbone package header is not valid JSON.");
  }
  const start = 12 + headerLength;
  if (typeof header.dataLength !== "number" || start + header.dataLength !== bytes.byteLength) throw new Error("The backbone package has the wrong length.");
  const data = bytes.subarray(start);
  if (header.format === "onnx") return { format: "onnx", onnx: data };
  if ((header.format === "tfjs-layers" || header.format === "tfjs-graph") && isRecord(header.model) && isRecord(header.model.modelTopology) && Array.isArray(header.model.weightSpecs)) {
    return { format: header.format, model: header.model as unknown as TfjsPackageModel, weightData: data.slice().buffer };
  }
  throw new Error("The backbone package header is invalid.");
}
