/**
 * The model bundle: the one artifact per trained model. It travels from the browser to the server
 * (ModelVersion) and back to every place that runs the model (playground, share page, embed
 * widget, REST API in Node).
 *
 * Binary layout (little endian):
 *   bytes 0..7    magic "AIMSBNDL"
 *   bytes 8..11   u32 length H of the header
 *   bytes 12..    H bytes of UTF-8 JSON: { manifest, model: { modelTopology, weightSpecs, ... },
 *                 weights: { byteLength, crc32 } }
 *   then          the tfjs weight bytes (as produced by model.save), byteLength of them
 *   then          only for a user-supplied backbone (manifest.backbone.custom): its package
 *                 (backbones/custom-package.ts), header.backbone.byteLength bytes, so the bundle is
 *                 self-contained wherever it runs
 *
 * Everything is validated on decode (zod), so a truncated, corrupt or foreign file fails with a
 * BundleError whose code says which, instead of a tfjs error deep inside model loading.
 */
// Types only: decoding a bundle needs no tfjs (a visitor's page that runs a model without tfjs
// decodes bundles too); saving a tfjs model is in bundle-tf.ts.
import type * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { HASH_FUNCTIONS } from "./text/hash";
import type { BagTokenizerConfig, SequenceTokenizerConfig } from "./text/tokenizer";
import type { TabularPreprocessing } from "./tabular/preprocess";
import type { EvaluationReport } from "./metrics";
import type { TokenFeatureConfig } from "./entities/tokens";
import { PRESET_IDS, type TrainingHyperparams } from "./presets";
// How a user-supplied backbone ran during training (recorded as backbone.custom).
import { customBackboneSpecSchema, type CustomBackboneSpec } from "./backbones/custom-package";
import { MAX_MODEL_JSON_DEPTH, findTooDeep } from "../data/json-depth";
import { DTYPE_BYTES, elements, PACKING_ENCODINGS, PackingError, packWeights, unpackWeights } from "./weight-packing";

export const BUNDLE_FORMAT_VERSION = 1;
/** classification/regression: predict(); the others have their own method (see predictor.ts). */
export const MANIFEST_TASKS = ["classification", "regression", "retrieval", "entities", "ranking", "multi-label"] as const;
export const BUNDLE_MAGIC = "AIMSBNDL";
/** The MIME type to store and serve bundles with. */
export const BUNDLE_CONTENT_TYPE = "application/vnd.ai-mass-studio.model-bundle";

export type BundleErrorCode = "not-a-bundle" | "truncated" | "invalid-header" | "unsupported-version" | "checksum-mismatch";

export class BundleError extends Error {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BundleError";
  }
}

// ---- schema ------------------------------------------------------------------------------------

const range = z.tuple([z.number().int().min(1), z.number().int().min(1)]).refine(([a, b]) => a <= b, "range min must be <= max");
const hashId = z.enum(HASH_FUNCTIONS);
const buckets = z.number().int().min(2).max(1 << 24);

const bagTokenizerSchema = z.object({
  type: z.literal("hashed-ngram-bag"),
  version: z.literal(1),
  normalization: z.literal("nfkc-lowercase"),
  hash: hashId,
  seed: z.number().int().min(0),
  buckets,
  wordNgrams: range,
  charNgrams: range.nullable(),
  cjkNgrams: range.nullable(),
  maxTokens: z.number().int().min(1),
});

const sequenceTokenizerSchema = z.object({
  type: z.literal("hashed-sequence"),
  version: z.literal(1),
  normalization: z.literal("nfkc-lowercase"),
  hash: hashId,
  seed: z.number().int().min(0),
  buckets,
  maxLength: z.number().int().min(1),
});

const tokenFeatureSchema = z.object({
  type: z.literal("hashed-token-features"),
  version: z.literal(1),
  normalization: z.literal("nfkc-lowercase"),
  hash: hashId,
  seed: z.number().int().min(0),
  buckets,
  affixLength: z.number().int().min(1).max(6),
  maxTokens: z.number().int().min(1),
});

const encodedColumnSchema = z.discriminatedUnion("kind", [
  z.object({ name: z.string(), kind: z.literal("numeric"), mean: z.number(), std: z.number().positive(), missingIndicator: z.boolean() }),
  z.object({ name: z.string(), kind: z.literal("categorical"), categories: z.array(z.string()) }),
  z.object({ name: z.string(), kind: z.literal("text"), tokenizer: bagTokenizerSchema }),
]);

const tabularSchema = z.object({
  type: z.literal("tabular"),
  version: z.literal(1),
  columns: z.array(encodedColumnSchema),
  featureDim: z.number().int().min(1),
  target: z.discriminatedUnion("task", [
    z.object({ name: z.string(), task: z.literal("classification"), labels: z.array(z.string()) }),
    z.object({ name: z.string(), task: z.literal("regression"), mean: z.number(), std: z.number().positive() }),
  ]),
});

const preprocessingSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text-bag"), tokenizer: bagTokenizerSchema }),
  z.object({ kind: z.literal("text-sequence"), tokenizer: sequenceTokenizerSchema }),
  z.object({ kind: z.literal("tabular"), tabular: tabularSchema }),
  /** Precomputed feature vectors (e.g. from a backbone), used as they are. */
  z.object({ kind: z.literal("features"), featureDim: z.number().int().min(1) }),
  /** FAQ retrieval: texts → embedding-bag ids (tokenizer) and BM25 terms (bm25Tokenizer). */
  z.object({ kind: z.literal("faq"), tokenizer: bagTokenizerSchema, bm25Tokenizer: bagTokenizerSchema }),
  /** Entity extraction: a text → tokens with character offsets → hashed features per token. */
  z.object({ kind: z.literal("token-features"), tokenizer: tokenFeatureSchema }),
  /** Recommendation: user and item ids, mapped to rows through payload.users / payload.items. */
  z.object({ kind: z.literal("ids") }),
  /** Raw pixels: resized to width x height, then value * scale + offset. */
  z.object({
    kind: z.literal("image"),
    width: z.number().int().min(1),
    height: z.number().int().min(1),
    channels: z.union([z.literal(1), z.literal(3)]),
    scale: z.number(),
    offset: z.number(),
  }),
]);


const classificationReportSchema = z.object({
  kind: z.literal("classification"),
  samples: z.number().int().min(0),
  accuracy: z.number(),
  macroF1: z.number(),
  perClass: z.array(z.object({ label: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() })),
  labels: z.array(z.string()),
  confusion: z.array(z.array(z.number())),
  cells: z.array(z.object({ actual: z.number().int(), predicted: z.number().int(), count: z.number().int(), samples: z.array(z.number()) })),
  confidence: z
    .object({ thresholds: z.array(z.number()), fallbackRate: z.array(z.number()), answeredAccuracy: z.array(z.number().nullable()) })
    .optional(),
});

const retrievalReportSchema = z.object({
  kind: z.literal("retrieval"),
  samples: z.number().int().min(0),
  top1: z.number(),
  top3: z.number(),
  /** Mean reciprocal rank of the right entry. */
  mrr: z.number(),
  misses: z.array(
    z.object({
      query: z.string(),
      expectedId: z.string(),
      expectedQuestion: z.string(),
      predictedId: z.string(),
      predictedQuestion: z.string(),
      confidence: z.number(),
      /** 1-based rank of the right entry. */
      rank: z.number().int(),
    }),
  ),
  confidence: z.object({ thresholds: z.array(z.number()), fallbackRate: z.array(z.number()), answeredAccuracy: z.array(z.number().nullable()) }).optional(),
});

const prfSchema = { precision: z.number(), recall: z.number(), f1: z.number() };

const entitiesReportSchema = z.object({
  kind: z.literal("entities"),
  /** Sentences evaluated. */
  samples: z.number().int().min(0),
  ...prfSchema,
  perType: z.array(z.object({ type: z.string(), ...prfSchema, support: z.number().int(), predicted: z.number().int() })),
  tokenAccuracy: z.number(),
});

const rankingReportSchema = z.object({
  kind: z.literal("ranking"),
  /** Held-out ratings. */
  samples: z.number().int().min(0),
  /** Null for implicit feedback (no rating scale). */
  rmse: z.number().nullable(),
  mae: z.number().nullable(),
  hitRate10: z.number().nullable(),
  /** Users the hit rate was computed over. */
  users: z.number().int().min(0),
});

const multiLabelReportSchema = z.object({
  kind: z.literal("multi-label"),
  samples: z.number().int().min(0),
  microPrecision: z.number(),
  microRecall: z.number(),
  microF1: z.number(),
  macroF1: z.number(),
  /** Share of samples whose whole tag set was predicted exactly. */
  exactMatch: z.number(),
  perTag: z.array(z.object({ label: z.string(), ...prfSchema, support: z.number().int(), threshold: z.number() })),
});

const regressionReportSchema = z.object({
  kind: z.literal("regression"),
  samples: z.number().int().min(0),
  mae: z.number(),
  rmse: z.number(),
  r2: z.number(),
});

const epochLogSchema = z.object({
  epoch: z.number().int(),
  loss: z.number(),
  acc: z.number().nullable(),
  valLoss: z.number().nullable(),
  valAcc: z.number().nullable(),
  valMae: z.number().nullable(),
});

const hyperparamsSchema = z.object({
  epochs: z.number(),
  batchSize: z.number(),
  learningRate: z.number(),
  embeddingLearningRate: z.number(),
  patience: z.number(),
  labelSmoothing: z.number(),
  validationFraction: z.number(),
  classWeighting: z.enum(["none", "balanced"]),
  // Added after format version 1 shipped: older bundles have none (= 0).
  augmentViews: z.number().int().min(0).default(0),
});

const trainingSummarySchema = z.object({
  preset: z.enum(PRESET_IDS),
  hyperparams: hyperparamsSchema,
  architecture: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  seed: z.number().int(),
  bestEpoch: z.number().int().nullable(),
  stoppedReason: z.enum(["completed", "early-stopped", "aborted"]),
  trainSamples: z.number().int(),
  validationSamples: z.number().int(),
  history: z.array(epochLogSchema),
});

/** What turns model outputs into predictions, with the data predictions return (answers, items). */
const payloadSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("retrieval"),
    entries: z.array(z.object({ id: z.string(), question: z.string(), answer: z.string(), questions: z.array(z.string()).min(1) })).min(1),
    bm25: z.object({
      k1: z.number().positive(),
      b: z.number().min(0).max(1),
      avgDocLength: z.number().min(0),
      docLengths: z.array(z.number().int().min(0)),
      /** Document frequency of every hashed term that occurs: termIds[i] occurs in docFreqs[i] entries. */
      termIds: z.array(z.number().int().min(1)),
      docFreqs: z.array(z.number().int().min(1)),
    }),
    /** score = embeddingWeight * cosine + (1 - embeddingWeight) * normalised BM25; confidence = softmax(score / temperature). */
    embeddingWeight: z.number().min(0).max(1),
    temperature: z.number().positive(),
  }),
  /** labels are "O", "B-T", "I-T"...; sentences are laid out as token rows with `gap` zero rows around each. */
  z.object({ kind: z.literal("bio"), types: z.array(z.string()).min(1), gap: z.number().int().min(0) }),
  z.object({
    kind: z.literal("ranking"),
    users: z.array(z.string()),
    items: z.array(z.string()).min(1),
    factors: z.number().int().min(1),
    implicit: z.boolean(),
    globalMean: z.number(),
    minRating: z.number(),
    maxRating: z.number(),
    /** Ridge penalty used to fold in a new user from a few ratings. */
    foldInL2: z.number().positive(),
    /** Item indices, most popular first (the cold-start answer). */
    popular: z.array(z.number().int().min(0)),
    /** Item indices each known user has rated, excluded from their recommendations. */
    rated: z.array(z.array(z.number().int().min(0))),
  }),
  z.object({ kind: z.literal("multi-label"), thresholds: z.array(z.number().min(0).max(1)) }),
]);

export const manifestSchema = z.object({
  formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
  scene: z.string().min(1),
  modelType: z.string().min(1),
  task: z.enum(MANIFEST_TASKS),
  /** Class names in output order; empty for regression. */
  labels: z.array(z.string()),
  preprocessing: preprocessingSchema,
  /**
   * The pretrained feature extractor the inputs must go through first, or null. A user-supplied
   * one (model type "custom-backbone") says how it ran in `custom`, and the bundle embeds it.
   */
  backbone: z.object({ id: z.string(), package: z.string(), version: z.string(), custom: customBackboneSpecSchema.optional() }).nullable(),
  tfjsVersion: z.string(),
  /** Evaluation of the saved weights on metricsSplit. */
  metrics: z
    .discriminatedUnion("kind", [classificationReportSchema, regressionReportSchema, retrievalReportSchema, entitiesReportSchema, rankingReportSchema, multiLabelReportSchema])
    .nullable(),
  metricsSplit: z.enum(["validation", "training"]).nullable(),
  /** tfjs backend the model was trained on. */
  backend: z.string(),
  trainingMs: z.number().min(0),
  datasetVersion: z.string().nullable(),
  createdAt: z.string(),
  training: trainingSummarySchema.nullable(),
  /** Scene-specific data (absent for the classifier and regressor models). */
  payload: payloadSchema.optional(),
}).superRefine((m, ctx) => {
  const needs: Partial<Record<BundleManifestTask, { payload: string; preprocessing: readonly string[] }>> = {
    retrieval: { payload: "retrieval", preprocessing: ["faq"] },
    entities: { payload: "bio", preprocessing: ["token-features"] },
    ranking: { payload: "ranking", preprocessing: ["ids"] },
    "multi-label": { payload: "multi-label", preprocessing: ["features", "image"] },
  };
  const need = needs[m.task];
  if (need && m.payload?.kind !== need.payload) ctx.addIssue({ code: "custom", path: ["payload"], message: `a ${m.task} model needs a "${need.payload}" payload` });
  if (need && !need.preprocessing.includes(m.preprocessing.kind)) ctx.addIssue({ code: "custom", path: ["preprocessing"], message: `a ${m.task} model cannot use "${m.preprocessing.kind}" preprocessing` });
  if (m.payload?.kind === "multi-label" && m.payload.thresholds.length !== m.labels.length) ctx.addIssue({ code: "custom", path: ["payload", "thresholds"], message: "one threshold per label" });
});

type BundleManifestTask = (typeof MANIFEST_TASKS)[number];

export type BundleManifest = z.infer<typeof manifestSchema>;
export type Preprocessing = z.infer<typeof preprocessingSchema>;
export type BackboneRef = NonNullable<BundleManifest["backbone"]>;
export type TrainingSummary = NonNullable<BundleManifest["training"]>;
export type ManifestPayload = NonNullable<BundleManifest["payload"]>;

// The schema and the TypeScript types written elsewhere must describe the same objects.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typeChecks: [
  Same<z.infer<typeof bagTokenizerSchema>, BagTokenizerConfig>,
  Same<z.infer<typeof sequenceTokenizerSchema>, SequenceTokenizerConfig>,
  Same<z.infer<typeof tokenFeatureSchema>, TokenFeatureConfig>,
  Same<z.infer<typeof tabularSchema>, TabularPreprocessing>,
  Same<NonNullable<BundleManifest["metrics"]>, EvaluationReport>,
  Same<z.infer<typeof hyperparamsSchema>, TrainingHyperparams>,
  Same<z.infer<typeof customBackboneSpecSchema>, CustomBackboneSpec>,
] = [true, true, true, true, true, true, true];
void typeChecks;

const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  dtype: z.enum(["float32", "int32", "bool", "string", "complex64"]),
  quantization: z.unknown().optional(),
});

const headerSchema = z.object({
  manifest: manifestSchema,
  model: z.object({
    format: z.string().optional(),
    generatedBy: z.string().optional(),
    convertedBy: z.string().nullable().optional(),
    modelTopology: z.record(z.string(), z.unknown()),
    weightSpecs: z.array(weightSpecSchema),
  }),
  weights: z.object({
    byteLength: z.number().int().min(0),
    crc32: z.number().int().min(0),
    /** How the weights are stored when packed (lib/ml/weight-packing.ts); absent: as tfjs saved them. */
    packing: z
      .object({
        version: z.literal(1),
        tensors: z.array(z.object({ encoding: z.enum(PACKING_ENCODINGS), byteLength: z.number().int().min(0) })),
      })
      .optional(),
  }),
  /** The embedded package of a user-supplied backbone, after the weights. */
  backbone: z.object({ byteLength: z.number().int().min(1), crc32: z.number().int().min(0) }).optional(),
});

// ---- encode / decode ---------------------------------------------------------------------------

export interface DecodedBundle {
  manifest: BundleManifest;
  /** Ready for tf.io.fromMemory. */
  artifacts: tf.io.ModelArtifacts;
  /** The embedded package of a user-supplied backbone (manifest.backbone.custom), else null. */
  backbonePackage: Uint8Array | null;
  /** The weights were stored packed (smaller, float16/int8); `artifacts` holds them unpacked. */
  packed: boolean;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function weightBytes(data: tf.io.ModelArtifacts["weightData"]): Uint8Array {
  if (!data) return new Uint8Array(0);
  if (!Array.isArray(data)) return new Uint8Array(data);
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let o = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return out;
}


/**
 * `pack`: store the weights packed (lib/ml/weight-packing.ts: int8 rows for large embedding tables,
 * float16 for other large tensors), which published models are; checkpoints stay exact.
 */
export function encodeBundle(manifest: BundleManifest, artifacts: tf.io.ModelArtifacts, options: { backbonePackage?: Uint8Array; pack?: boolean } = {}): Uint8Array {
  const checked = manifestSchema.safeParse(manifest);
  if (!checked.success) throw new BundleError("invalid-header", `Refusing to encode an invalid manifest: ${z.prettifyError(checked.error)}`);
  if (!artifacts.modelTopology || !artifacts.weightSpecs) throw new BundleError("invalid-header", "Model artifacts need a topology and weight specs.");
  const custom = checked.data.backbone?.custom;
  const pkg = options.backbonePackage;
  if (custom && pkg?.byteLength !== custom.byteLength) {
    throw new BundleError("invalid-header", "A model on a user-supplied backbone must embed that backbone's package (of the recorded size).");
  }
  if (pkg && !custom) throw new BundleError("invalid-header", "Only a model on a user-supplied backbone embeds a backbone package.");
  let weights = weightBytes(artifacts.weightData);
  let packing: ReturnType<typeof packWeights>["packing"] | undefined;
  if (options.pack) {
    try {
      ({ packing, bytes: weights } = packWeights(artifacts.weightSpecs, weights));
    } catch (e) {
      if (e instanceof PackingError) throw new BundleError("invalid-header", `The model's weights do not match their specs: ${e.message}`);
      throw e;
    }
  }
  const header = {
    manifest: checked.data,
    model: {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      modelTopology: artifacts.modelTopology,
      weightSpecs: artifacts.weightSpecs,
    },
    weights: { byteLength: weights.byteLength, crc32: crc32(weights), ...(packing ? { packing } : {}) },
    ...(pkg ? { backbone: { byteLength: pkg.byteLength, crc32: crc32(pkg) } } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + json.byteLength + weights.byteLength + (pkg?.byteLength ?? 0));
  out.set(new TextEncoder().encode(BUNDLE_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.byteLength, true);
  out.set(json, 12);
  out.set(weights, 12 + json.byteLength);
  if (pkg) out.set(pkg, 12 + json.byteLength + weights.byteLength);
  return out;
}

/**
 * The same bundle on a user-supplied backbone: `backbone` (with its `custom` spec) replaces the
 * manifest's record and the package is embedded. Trainers save heads on plain feature refs; the
 * worker calls this on the final bundle and on every checkpoint.
 */
export function embedBackbone(bundle: Uint8Array, backbone: BackboneRef, backbonePackage: Uint8Array): { bundle: Uint8Array; manifest: BundleManifest } {
  const { manifest, artifacts, packed } = decodeBundle(bundle);
  const next: BundleManifest = { ...manifest, backbone };
  // re-packing unpacked float16 values gives the same values; int8 tables are not in these models
  return { bundle: encodeBundle(next, artifacts, { backbonePackage, pack: packed }), manifest: next };
}

function asBytes(input: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new BundleError("not-a-bundle", "Expected the bundle as bytes (ArrayBuffer or Uint8Array).");
}

function readHeader(input: ArrayBuffer | ArrayBufferView): { header: z.infer<typeof headerSchema>; bytes: Uint8Array; weightsStart: number } {
  const bytes = asBytes(input);
  if (bytes.byteLength < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== BUNDLE_MAGIC) {
    throw new BundleError("not-a-bundle", "This file is not an AI Mass Studio model bundle (wrong magic bytes).");
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headerLength > bytes.byteLength) {
    throw new BundleError("truncated", `The bundle is truncated: the header needs ${headerLength} bytes, only ${bytes.byteLength - 12} follow.`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + headerLength));
  } catch {
    throw new BundleError("invalid-header", "The bundle header is not valid UTF-8 JSON.");
  }
  // Checked before parsing: tfjs walks the model topology recursively when it loads the model.
  if (findTooDeep(text, MAX_MODEL_JSON_DEPTH)) {
    throw new BundleError("invalid-header", `The bundle header nests more than ${MAX_MODEL_JSON_DEPTH} levels deep.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BundleError("invalid-header", "The bundle header is not valid UTF-8 JSON.");
  }
  const version = (json as { manifest?: { formatVersion?: unknown } } | null)?.manifest?.formatVersion;
  if (typeof version === "number" && version !== BUNDLE_FORMAT_VERSION) {
    throw new BundleError("unsupported-version", `Bundle format version ${version} is not supported (this build reads version ${BUNDLE_FORMAT_VERSION}).`);
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw new BundleError("invalid-header", `The bundle header is invalid: ${z.prettifyError(parsed.error)}`);
  return { header: parsed.data, bytes, weightsStart: 12 + headerLength };
}

/** Reads and validates only the manifest (cheap; no weight checksum). */
export function readManifest(input: ArrayBuffer | ArrayBufferView): BundleManifest {
  return readHeader(input).header.manifest;
}

export function decodeBundle(input: ArrayBuffer | ArrayBufferView): DecodedBundle {
  const { header, bytes, weightsStart } = readHeader(input);
  const { byteLength } = header.weights;
  const backboneLength = header.backbone?.byteLength ?? 0;
  const total = weightsStart + byteLength + backboneLength;
  if (total > bytes.byteLength) {
    throw new BundleError("truncated", `The bundle is truncated: ${byteLength + backboneLength} bytes of weights expected, ${bytes.byteLength - weightsStart} present.`);
  }
  if (total < bytes.byteLength) {
    throw new BundleError("invalid-header", `The bundle has ${bytes.byteLength - total} unexpected bytes after the weights.`);
  }
  let weights: Uint8Array<ArrayBuffer> = bytes.slice(weightsStart, weightsStart + byteLength);
  if (crc32(weights) !== header.weights.crc32) throw new BundleError("checksum-mismatch", "The bundle's weights are corrupt (checksum mismatch).");
  const { packing } = header.weights;
  if (packing) {
    try {
      weights = unpackWeights(header.model.weightSpecs, packing, weights);
    } catch (e) {
      if (e instanceof PackingError) throw new BundleError("invalid-header", `The bundle's packed weights are invalid: ${e.message}`);
      throw e;
    }
  }
  const custom = header.manifest.backbone?.custom;
  let backbonePackage: Uint8Array | null = null;
  if (header.backbone || custom) {
    if (!header.backbone || !custom || custom.byteLength !== header.backbone.byteLength) {
      throw new BundleError("invalid-header", "The bundle's user-supplied backbone is missing or does not match its record.");
    }
    backbonePackage = bytes.slice(weightsStart + byteLength, total);
    if (crc32(backbonePackage) !== header.backbone.crc32) throw new BundleError("checksum-mismatch", "The bundle's embedded backbone is corrupt (checksum mismatch).");
  }
  let expected = 0;
  for (const spec of header.model.weightSpecs) {
    if (spec.quantization !== undefined || !(spec.dtype in DTYPE_BYTES)) {
      expected = -1;
      break;
    }
    expected += elements(spec.shape) * DTYPE_BYTES[spec.dtype];
  }
  if (expected >= 0 && expected !== weights.byteLength) {
    throw new BundleError("invalid-header", `The weight specs describe ${expected} bytes but the bundle holds ${weights.byteLength}.`);
  }
  return {
    manifest: header.manifest,
    artifacts: {
      modelTopology: header.model.modelTopology as tf.io.ModelArtifacts["modelTopology"],
      weightSpecs: header.model.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData: weights.buffer,
      format: header.model.format,
      generatedBy: header.model.generatedBy,
      convertedBy: header.model.convertedBy ?? null,
    },
    backbonePackage,
    packed: packing !== undefined,
  };
}
