/**
 * Pure logic behind "Keep training data on this device only": what a device-only dataset holds,
 * its quality report, CSV export, the metadata summary sent to the server, and the batches used
 * to upload it when the user switches back. No IndexedDB and no DOM here (see local-dataset.ts),
 * so Node tests can run it. Mirrors what lib/server/datasets.ts does for server-stored data.
 */
import type { EntitySample, EntitySpan } from "@/lib/data/entities";
import type { CsvCell } from "@/lib/data/export";
import { type DataIssue, error as issueError } from "@/lib/data/issues";
import type { DataLimits } from "@/lib/data/limits";
import type { ColumnMapping, MappedDataset } from "@/lib/data/mapping";
import { analyzeDataset, analyzeEntityDataset } from "@/lib/data/quality";
import type { ColumnProfile } from "@/lib/data/tabular";
import type { DataKind } from "@/lib/scenes/types";

/** One example stored in the browser. Images and clips keep their bytes as a Blob. */
export interface LocalSample {
  id: string;
  projectId: string;
  /** Insertion order (the list shows examples oldest first, like the server). */
  seq: number;
  label: string | null;
  text: string | null;
  data: Record<string, unknown> | null;
  fileName: string | null;
  /** "upload", "sample", "microphone", "webcam" or "server" (moved from the server). */
  source: string;
  blob?: Blob | null;
  /** SHA-256 (hex) of the blob's bytes: the same picture in the same class is stored once. */
  blobHash?: string | null;
}

/** Per-project dataset settings kept next to the samples (the server's Dataset.schema, on the device). */
export interface LocalMeta {
  projectId: string;
  /** Last version the server assigned to a summary of this data (0 = never reported). */
  version: number;
  labels: string[];
  replies: Record<string, string>;
  mapping?: ColumnMapping;
  columns?: ColumnProfile[];
  task?: "classification" | "regression";
  /** Content hashes of table files already imported, so the same file is not added twice. */
  importedUploads: string[];
  /** The summary as last reported to the server (JSON); when it differs, it is reported again. */
  reportedSummary?: string;
  /** Next insertion number. */
  nextSeq?: number;
}

export function emptyMeta(projectId: string): LocalMeta {
  return { projectId, version: 0, labels: [], replies: {}, importedUploads: [] };
}

/** A row about to be stored (before it gets an id and a place in the order). */
export interface NewLocalRow {
  text: string | null;
  label: string | null;
  data?: Record<string, unknown> | null;
  fileName?: string | null;
}

/** Rows to store for a mapped table: the same shapes the server stores in Sample. */
export function mappedToRows(m: MappedDataset): NewLocalRow[] {
  switch (m.kind) {
    case "text":
      return m.samples.map((s) => ({ text: s.text, label: s.label }));
    case "faq":
      return m.samples.map((s) => ({ text: s.question, label: null, data: { answer: s.answer, paraphrases: s.paraphrases } }));
    case "tabular":
      return m.samples.map((s) => ({ text: null, label: String(s.target), data: { values: s.values, target: s.target } }));
    case "ratings":
      return m.samples.map((s) => ({ text: null, label: null, data: { user: s.user, item: s.item, rating: s.rating } }));
    case "image-tags":
      return m.samples.map((s) => ({ text: null, label: s.tags.join(";"), fileName: s.fileName }));
  }
}

/** Settings learnt from an import: intent replies, tabular columns and task. */
export function patchMetaFromMapped(meta: LocalMeta, m: MappedDataset, mapping?: ColumnMapping): void {
  if (mapping) meta.mapping = mapping;
  if (m.kind === "text") {
    for (const [label, replies] of Object.entries(m.replies)) if (replies[0] && !meta.replies[label]) meta.replies[label] = replies[0];
  }
  if (m.kind === "tabular") {
    meta.columns = m.columns;
    meta.task = m.task;
  }
}

/** Labels in display order: the known ones first, then any new ones the samples brought. */
export function mergeLabels(labels: readonly string[], rows: readonly Pick<LocalSample, "label">[]): string[] {
  const out = [...labels];
  const seen = new Set(out);
  for (const r of rows) {
    if (r.label && !seen.has(r.label)) {
      seen.add(r.label);
      out.push(r.label);
    }
  }
  return out;
}

export function spansOf(data: Record<string, unknown> | null | undefined): EntitySpan[] {
  const spans = data?.spans;
  return Array.isArray(spans) ? (spans as EntitySpan[]) : [];
}

export interface LocalReport {
  total: number;
  classes: { label: string; count: number }[];
  issues: DataIssue[];
  canTrain: boolean;
}

type ReportRow = Pick<LocalSample, "label" | "text" | "data" | "fileName">;

/** The same quality report the server computes for its Data tab view. */
export function datasetReport(kind: DataKind, meta: Pick<LocalMeta, "labels" | "task">, rows: readonly ReportRow[]): LocalReport {
  let report: LocalReport;
  if (kind === "entities") {
    const samples: EntitySample[] = rows.map((r, i) => ({ text: r.text ?? "", spans: spansOf(r.data), row: i + 1 }));
    const rep = analyzeEntityDataset(samples);
    report = { total: rows.length, classes: rep.types, issues: rep.issues, canTrain: rep.canTrain };
  } else if (!hasClasses(kind, meta.task)) {
    const issues: DataIssue[] = rows.length < 2 ? [issueError("no-samples")] : [];
    report = { total: rows.length, classes: [], issues, canTrain: rows.length >= 2 };
  } else {
    const useText = kind === "text";
    report = analyzeDataset(rows.map((r) => ({ label: r.label ?? "", text: useText ? (r.text ?? undefined) : undefined, file: r.fileName ?? undefined })));
  }
  if (kind !== "entities") {
    for (const l of meta.labels) if (!report.classes.some((c) => c.label === l)) report.classes.push({ label: l, count: 0 });
  }
  return report;
}

/** Whether the dataset's labels are classes worth counting (not FAQ answers, ratings or numbers). */
export function hasClasses(kind: DataKind, task?: string): boolean {
  return !(kind === "faq" || kind === "ratings" || (kind === "tabular" && task === "regression"));
}

/* ------------------------------------------------------------------ summary for the server */

/** What the server is told about device-only data: counts, never content. */
export interface LocalSummary {
  total: number;
  /** Examples per class (entity types for entity data); empty when labels are not classes. */
  labelCounts: Record<string, number>;
  /** SHA-256 (hex) over the content, so a trained model can name the exact data it saw. */
  checksum: string;
}

const enc = new TextEncoder();

/** SHA-256 as hex through Web Crypto; outside a secure context a 64-bit FNV-1a fallback (padded). */
export async function sha256Hex(input: Uint8Array | string): Promise<string> {
  const bytes = typeof input === "string" ? enc.encode(input) : input;
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    const digest = await subtle.digest("SHA-256", copy.buffer);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  return fnv1a64Hex(bytes).padStart(64, "0");
}

/** 64-bit FNV-1a over bytes, as 16 hex digits (two 32-bit halves, no BigInt). */
export function fnv1a64Hex(bytes: Uint8Array): string {
  let h1 = 0x84222325;
  let h0 = 0xcbf29ce4;
  for (let i = 0; i < bytes.length; i++) {
    h1 = (h1 ^ bytes[i]) >>> 0;
    // multiply by the FNV prime 0x100000001b3 = 2^40 + 0x1b3
    const lo = h1 * 0x1b3;
    const hi = h0 * 0x1b3 + (h1 << 8);
    h1 = lo >>> 0;
    h0 = (hi + Math.floor(lo / 0x100000000)) >>> 0;
  }
  return h0.toString(16).padStart(8, "0") + h1.toString(16).padStart(8, "0");
}

/** Counts and checksum of the device data, in a stable order (independent of insertion order). */
export async function summarize(kind: DataKind, meta: Pick<LocalMeta, "labels" | "task">, rows: readonly LocalSample[]): Promise<LocalSummary> {
  const report = datasetReport(kind, meta, rows);
  const labelCounts: Record<string, number> = {};
  if (hasClasses(kind, meta.task)) for (const c of report.classes) labelCounts[c.label] = c.count;
  const lines = rows
    .map((r) => [r.id, r.label ?? "", r.text ?? "", r.blobHash ?? "", r.data ? JSON.stringify(r.data) : ""].join("\u0000"))
    .sort();
  const checksum = await sha256Hex(lines.join("\n"));
  return { total: report.total, labelCounts, checksum };
}

/* ------------------------------------------------------------------ CSV export */

/** Rows of the CSV export, the same columns the server's export writes. */
export function exportRows(sceneId: string, kind: DataKind, meta: Pick<LocalMeta, "replies" | "columns" | "mapping">, rows: readonly LocalSample[]): CsvCell[][] {
  const out: CsvCell[][] = [];
  switch (kind) {
    case "text": {
      const intent = sceneId === "intent-chatbot";
      out.push(intent ? ["text", "label", "reply"] : ["text", "label"]);
      for (const r of rows) out.push(intent ? [r.text, r.label, meta.replies[r.label ?? ""] ?? ""] : [r.text, r.label]);
      break;
    }
    case "faq":
      out.push(["question", "answer", "paraphrases"]);
      for (const r of rows) {
        const d = r.data as { answer?: string; paraphrases?: string[] } | null;
        out.push([r.text, d?.answer ?? "", (d?.paraphrases ?? []).join(" | ")]);
      }
      break;
    case "entities":
      out.push(["text", "entities"]);
      for (const r of rows) out.push([r.text, JSON.stringify(spansOf(r.data))]);
      break;
    case "tabular": {
      const cols = meta.columns?.map((c) => c.name) ?? [];
      const target = meta.mapping?.kind === "tabular" ? meta.mapping.target : "target";
      const features = cols.filter((c) => c !== target);
      out.push([...features, target]);
      for (const r of rows) {
        const d = r.data as { values?: Record<string, string | number | null> } | null;
        out.push([...features.map((f) => d?.values?.[f] ?? null), r.label]);
      }
      break;
    }
    case "ratings":
      out.push(["user", "item", "rating"]);
      for (const r of rows) {
        const d = r.data as { user?: string; item?: string; rating?: number } | null;
        out.push([d?.user ?? "", d?.item ?? "", d?.rating ?? null]);
      }
      break;
    default:
      out.push(["file", "label"]);
      for (const r of rows) out.push([r.fileName, r.label]);
  }
  return out;
}

/* ------------------------------------------------------------------ upload when switching back */

/**
 * A file that re-creates some device examples on the server through the ordinary upload route:
 * JSON Lines (its keys are the column names, so no header guessing), imported with `mapping`
 * (tables) or parsed as entity spans (no mapping). `ids` are the device examples it carries.
 */
export interface UploadBatch {
  fileName: string;
  body: string;
  mapping: ColumnMapping | null;
  ids: string[];
}

/** UTF-16 index → code point index (entity JSONL counts code points, like Python and spaCy). */
export function codePointOffset(text: string, utf16Index: number): number {
  return [...text.slice(0, utf16Index)].length;
}

function recordFor(kind: DataKind, sceneId: string, meta: Pick<LocalMeta, "replies" | "mapping" | "columns">, r: LocalSample, target: string): Record<string, unknown> | null {
  const d = r.data ?? {};
  switch (kind) {
    case "text":
      return sceneId === "intent-chatbot" ? { text: r.text ?? "", label: r.label ?? "", reply: meta.replies[r.label ?? ""] ?? "" } : { text: r.text ?? "", label: r.label ?? "" };
    case "faq":
      return { question: r.text ?? "", answer: String(d.answer ?? ""), paraphrases: Array.isArray(d.paraphrases) ? d.paraphrases : [] };
    case "tabular": {
      const values = (d.values ?? {}) as Record<string, unknown>;
      return { ...values, [target]: d.target ?? r.label ?? "" };
    }
    case "ratings":
      return { user: String(d.user ?? ""), item: String(d.item ?? ""), rating: d.rating ?? "" };
    case "entities": {
      const text = r.text ?? "";
      return { text, entities: spansOf(d).map((s) => [codePointOffset(text, s.start), codePointOffset(text, s.end), s.label]) };
    }
    default:
      return null;
  }
}

function mappingFor(kind: DataKind, sceneId: string, meta: Pick<LocalMeta, "mapping" | "columns" | "task">, target: string): ColumnMapping | null {
  switch (kind) {
    case "text":
      return sceneId === "intent-chatbot" ? { kind: "text", text: "text", label: "label", reply: "reply" } : { kind: "text", text: "text", label: "label" };
    case "faq":
      return { kind: "faq", question: "question", answer: "answer", paraphrases: ["paraphrases"] };
    case "tabular": {
      const features = meta.mapping?.kind === "tabular" && meta.mapping.features ? meta.mapping.features : (meta.columns ?? []).map((c) => c.name).filter((c) => c !== target);
      return { kind: "tabular", target, features, ...(meta.task ? { task: meta.task } : {}) };
    }
    case "ratings":
      return { kind: "ratings", user: "user", item: "item", rating: "rating" };
    default:
      return null;
  }
}

/**
 * Splits the device's table-like examples (text, FAQ, tabular, ratings, entities) into JSONL files
 * of at most `maxBytes` each. Images and clips are uploaded one file at a time instead.
 */
export function uploadBatches(
  sceneId: string,
  kind: DataKind,
  meta: Pick<LocalMeta, "replies" | "mapping" | "columns" | "task">,
  rows: readonly LocalSample[],
  maxBytes = 1024 * 1024,
): UploadBatch[] {
  if (kind === "image" || kind === "audio") return [];
  const target = meta.mapping?.kind === "tabular" ? meta.mapping.target : "target";
  const mapping = mappingFor(kind, sceneId, meta, target);
  const batches: UploadBatch[] = [];
  let lines: string[] = [];
  let ids: string[] = [];
  let size = 0;
  const flush = () => {
    if (!lines.length) return;
    batches.push({ fileName: `device-data-${batches.length + 1}.jsonl`, body: `${lines.join("\n")}\n`, mapping, ids });
    lines = [];
    ids = [];
    size = 0;
  };
  for (const r of rows) {
    const rec = recordFor(kind, sceneId, meta, r, target);
    if (!rec) continue;
    const line = JSON.stringify(rec);
    const bytes = enc.encode(line).byteLength + 1;
    if (size + bytes > maxBytes) flush();
    lines.push(line);
    ids.push(r.id);
    size += bytes;
  }
  flush();
  return batches;
}

/* ------------------------------------------------------------------ small checks */

/** The error key for a class name the server would refuse, or null when it is fine. */
export function labelProblem(label: string, limits: Pick<DataLimits, "maxLabelChars">): "errors.classRequired" | "errors.classTooLong" | null {
  const l = label.trim();
  if (!l) return "errors.classRequired";
  if (l.length > limits.maxLabelChars) return "errors.classTooLong";
  return null;
}

let counter = 0;
/** An id for a device example; unique without Web Crypto (which needs a secure context). */
export function newLocalId(now = Date.now()): string {
  counter = (counter + 1) % 1_000_000;
  return `l${now.toString(36)}${counter.toString(36).padStart(4, "0")}${Math.random().toString(36).slice(2, 10)}`;
}
