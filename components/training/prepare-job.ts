/**
 * Turns the project's training data (GET /api/projects/:id/training-data) into a worker job for the
 * scene's model type. Images are decoded in the browser with their EXIF orientation applied.
 */
import type { TrainJob } from "@/lib/ml/worker/protocol";
import type { RawImage, TabularRow } from "@/lib/ml/types";
import { MOBILENET_V2_ID, MOBILENET_V2_ML_ID, MOBILENET_V2_MS_ID } from "@/lib/ml/backbones/mobilenet";
import { DEFAULT_FINETUNE_ARCHITECTURE } from "@/lib/ml/image/train-finetune";
import { SPEECH_BACKBONE_ID } from "@/lib/ml/backbones/speech";
import { customBackboneId, type CustomBackboneSpec } from "@/lib/ml/backbones/custom-package";
import { decodeAudioClip } from "@/lib/client/audio-clip";

export interface TrainingDataResponse {
  localDataOnly?: boolean;
  datasetVersion: number;
  kind: string;
  labels: string[];
  task: "classification" | "regression" | null;
  target: string | null;
  /** Recommendation: clicks without ratings (null for other scenes). */
  implicit?: boolean | null;
  /** Server samples carry a blob id; device-only samples carry the Blob itself. */
  samples: { id: string; text: string | null; label: string | null; blobId?: string | null; blob?: Blob | null; data: unknown }[];
}

/** The project's uploaded backbone ("custom-backbone"): its package and the settings tested in this browser. */
export interface CustomBackboneSource {
  package: Uint8Array;
  spec: CustomBackboneSpec;
}

export type PreparedJob =
  | { ok: true; job: TrainJob; sampleIds: string[]; backboneId: string | null; customBackbone?: CustomBackboneSource }
  | { ok: false; reason: "unsupported-model" | "unsupported-scene" | "no-data" | "no-backbone" };

const IMAGE_SIZE = { backbone: 224, cnn: 64, finetune: DEFAULT_FINETUNE_ARCHITECTURE.inputSize };

async function decodeImage(source: string | Blob, size: number): Promise<RawImage> {
  let blob: Blob;
  if (typeof source === "string") {
    const res = await fetch(source, { credentials: "same-origin" });
    if (!res.ok) throw new Error(`Could not load ${source} (${res.status})`);
    blob = await res.blob();
  } else blob = source;
  const bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
  try {
    const canvas = new OffscreenCanvas(size, size);
    const ctx = canvas.getContext("2d")!;
    // Centre-crop to a square, as the webcam capture does, then scale.
    const side = Math.min(bitmap.width, bitmap.height);
    ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, size, size);
    const data = ctx.getImageData(0, 0, size, size).data;
    return { width: size, height: size, channels: 4, data };
  } finally {
    bitmap.close();
  }
}

export async function prepareJob(
  projectId: string,
  scene: string,
  modelType: string,
  data: TrainingDataResponse,
  onDecode: (done: number, total: number) => void,
  customBackbone: CustomBackboneSource | null = null,
): Promise<PreparedJob> {
  const checkpointKey = `project:${projectId}`;
  const datasetVersion = String(data.datasetVersion);

  // Scenes whose samples carry no class label: the data holds what they learn from.
  if (data.kind === "faq") {
    if (modelType !== "hybrid-retriever" && modelType !== "bm25") return { ok: false, reason: "unsupported-model" };
    const rows = data.samples.filter((s) => (s.text ?? "").trim() !== "" && typeof (s.data as { answer?: unknown } | null)?.answer === "string");
    if (rows.length === 0) return { ok: false, reason: "no-data" };
    const entries = rows.map((s) => {
      const d = s.data as { answer: string; paraphrases?: string[] };
      return { id: s.id, question: s.text!, answer: d.answer, paraphrases: d.paraphrases ?? [] };
    });
    return { ok: true, sampleIds: rows.map((s) => s.id), backboneId: null, job: { kind: "faq", modelType, entries, scene, datasetVersion, checkpointKey } };
  }
  if (data.kind === "entities") {
    if (modelType !== "cnn-tagger") return { ok: false, reason: "unsupported-model" };
    const rows = data.samples.filter((s) => (s.text ?? "") !== "" && Array.isArray((s.data as { spans?: unknown } | null)?.spans));
    if (rows.length === 0) return { ok: false, reason: "no-data" };
    const samples = rows.map((s) => ({ text: s.text!, spans: (s.data as { spans: { start: number; end: number; label: string }[] }).spans }));
    return { ok: true, sampleIds: rows.map((s) => s.id), backboneId: null, job: { kind: "entities", modelType, samples, scene, datasetVersion, checkpointKey } };
  }
  if (data.kind === "ratings") {
    if (modelType !== "matrix-factorization") return { ok: false, reason: "unsupported-model" };
    const rows = data.samples.filter((s) => (s.data as { user?: unknown; item?: unknown } | null)?.user != null && (s.data as { item?: unknown }).item != null);
    if (rows.length === 0) return { ok: false, reason: "no-data" };
    const ratings = rows.map((s) => s.data as { user: string; item: string; rating?: number });
    return {
      ok: true,
      sampleIds: rows.map((s) => s.id),
      backboneId: null,
      job: { kind: "ratings", modelType, ratings, implicit: data.implicit ?? undefined, scene, datasetVersion, checkpointKey },
    };
  }

  const samples = data.samples.filter((s) => s.label !== null && s.label !== "");
  if (samples.length === 0) return { ok: false, reason: "no-data" };
  const sampleIds = samples.map((s) => s.id);
  const common = { scene, datasetVersion, sampleIds: samples.map((_, i) => i), checkpointKey };
  const labels = samples.map((s) => s.label!);

  if (data.kind === "text") {
    if (modelType !== "ngram-bag" && modelType !== "text-cnn") return { ok: false, reason: "unsupported-model" };
    return { ok: true, sampleIds, backboneId: null, job: { kind: "text", modelType, texts: samples.map((s) => s.text ?? ""), labels, ...common } };
  }
  if (data.kind === "tabular") {
    if (modelType !== "mlp" && modelType !== "linear") return { ok: false, reason: "unsupported-model" };
    const rows = samples.map((s) => ((s.data as { values?: TabularRow } | null)?.values ?? {}) as TabularRow);
    const target = data.target ?? "target";
    const withTarget = samples.map((s, i) => ({ ...rows[i], [target]: (s.data as { target?: string | number } | null)?.target ?? s.label }));
    return { ok: true, sampleIds, backboneId: null, job: { kind: "tabular", modelType, rows: withTarget, target, task: data.task ?? undefined, ...common } };
  }
  if (data.kind === "image" && scene === "image-recognition") {
    if (!["mobilenet-transfer", "small-cnn", "mobilenet-finetune", "custom-backbone"].includes(modelType)) return { ok: false, reason: "unsupported-model" };
    if (modelType === "custom-backbone" && !customBackbone) return { ok: false, reason: "no-backbone" };
    const size = modelType === "small-cnn" ? IMAGE_SIZE.cnn : modelType === "mobilenet-finetune" ? IMAGE_SIZE.finetune : IMAGE_SIZE.backbone;
    const images: RawImage[] = [];
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      images.push(await decodeImage(s.blob ?? `/api/projects/${projectId}/blobs/${s.blobId}`, size));
      if (i % 8 === 7 || i === samples.length - 1) onDecode(i + 1, samples.length);
    }
    if (modelType === "small-cnn") return { ok: true, sampleIds, backboneId: null, job: { kind: "small-cnn", images, labels, imageSize: size, ...common } };
    if (modelType === "mobilenet-finetune") {
      // The pooled MobileNetV2 is the network that gets fine-tuned; the saved model contains it.
      return { ok: true, sampleIds, backboneId: MOBILENET_V2_ID, job: { kind: "finetune", backboneId: MOBILENET_V2_ID, images, labels, architecture: { inputSize: size }, ...common } };
    }
    // Blob ids are content hashes: the worker's feature cache never embeds the same picture twice.
    const cacheKeys = samples.map((s) => s.blobId ?? `local:${s.id}`);
    // An uploaded backbone's id carries its content hash and settings, so its cached features
    // never mix with another backbone's.
    const backboneId = customBackbone ? customBackboneId(customBackbone.spec) : MOBILENET_V2_ML_ID;
    return {
      ok: true,
      sampleIds,
      backboneId,
      ...(customBackbone ? { customBackbone } : {}),
      job: { kind: "backbone-head", modelType, backboneId, images, labels, cacheKeys, ...common },
    };
  }
  if (data.kind === "image" && scene === "image-tagging") {
    if (modelType !== "mobilenet-multilabel") return { ok: false, reason: "unsupported-model" };
    const images: RawImage[] = [];
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      images.push(await decodeImage(s.blob ?? `/api/projects/${projectId}/blobs/${s.blobId}`, IMAGE_SIZE.backbone));
      if (i % 8 === 7 || i === samples.length - 1) onDecode(i + 1, samples.length);
    }
    // Tags are stored as "a;b;c" in the label.
    const tags = labels.map((l) => l.split(";").map((t) => t.trim()).filter(Boolean));
    const cacheKeys = samples.map((s) => s.blobId ?? `local:${s.id}`);
    return {
      ok: true,
      sampleIds,
      backboneId: MOBILENET_V2_MS_ID,
      job: { kind: "image-tags", modelType, backboneId: MOBILENET_V2_MS_ID, images, tags, cacheKeys, ...common },
    };
  }
  if (data.kind === "audio" && scene === "voice-commands") {
    if (modelType !== "speech-embedding") return { ok: false, reason: "unsupported-model" };
    // Decoded here (WAV exactly; WebM/MP3/OGG through Web Audio); the worker resamples to 16 kHz.
    const clips = [];
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      clips.push(await decodeAudioClip(s.blob ?? `/api/projects/${projectId}/blobs/${s.blobId}`));
      if (i % 8 === 7 || i === samples.length - 1) onDecode(i + 1, samples.length);
    }
    const cacheKeys = samples.map((s) => s.blobId ?? `local:${s.id}`);
    return {
      ok: true,
      sampleIds,
      backboneId: SPEECH_BACKBONE_ID,
      // A background / silence class is added by the worker when the data has none.
      job: { kind: "backbone-head", modelType, backboneId: SPEECH_BACKBONE_ID, clips, labels, cacheKeys, ...common },
    };
  }
  return { ok: false, reason: "unsupported-scene" };
}
