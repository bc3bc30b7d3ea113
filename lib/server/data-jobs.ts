import { once } from "node:events";
import fs from "node:fs";
import fsp from "node:fs/promises";
import { sniffAudio, inspectAudio, type AudioInfo } from "../data/audio";
import { readClassZip } from "../data/class-zip";
import type { ByteSource } from "../data/csv";
import { parseEntities } from "../data/entities";
import { inspectImage, sniffImage, type ImageInfo } from "../data/image";
import { type DataIssue, error } from "../data/issues";
import type { DataLimits } from "../data/limits";
import { applyMapping, type ColumnMapping, type MappedDataset, validateMapping } from "../data/mapping";
import { parseTableSource } from "../data/parse-table";
import { capIssues } from "../data/table";
import { readTableFile, tableFileChunks } from "../data/table-file";
import { previewTable, type TablePreviewData } from "../data/table-preview";
import type { ColumnProfile } from "../data/tabular";
import { readTaggedImageZip } from "../data/tagged-zip";
import { getScene } from "../scenes";
import { AppError } from "./errors";
import type { JobContext } from "./worker-thread";

/*
 * The CPU-heavy half of an upload, run in the data worker threads (lib/server/data-worker.ts via
 * lib/server/data-pool.ts): parsing tables, entity files and ZIP archives, inspecting pictures and
 * clips, mapping a parsed table to rows. Plain Node and lib/data: no database, no "server-only";
 * files come in as paths, results go back as plain data (buffers moved, not copied).
 */

/** A row to insert into Sample (datasets.ts writes it). */
export interface NewRow {
  text: string | null;
  label: string | null;
  data?: string | null;
  blobId?: string | null;
  fileName?: string | null;
}

/** What an import changes in the dataset schema besides the rows. */
export interface SchemaPatch {
  /** Text scenes: replies per label found in a reply column. */
  replies?: Record<string, string[]>;
  /** Tabular scenes: column profiles and the task. */
  columns?: ColumnProfile[];
  task?: "classification" | "regression";
}

export type Rejected = { ok: false; issues: DataIssue[] };

const CHUNK_BYTES = 1024 * 1024;

/** A file on disk as a ByteSource (read again from the start on each call, 1 MiB at a time). */
export function fileSource(path: string): ByteSource {
  return () => fs.createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Uint8Array>;
}

async function readWhole(path: string, limit: number): Promise<Uint8Array> {
  const stat = await fsp.stat(path);
  if (stat.size > limit) throw new Error("file larger than the upload limit");
  return new Uint8Array(await fsp.readFile(path));
}

function transferable(bytes: Uint8Array): Uint8Array {
  // only a view of its whole buffer can be moved; copy a view of a larger one
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

export function mediaData(image?: Pick<ImageInfo, "width" | "height" | "orientation" | "format">, audio?: Pick<AudioInfo, "format" | "durationSec">) {
  if (image) return { width: image.width, height: image.height, orientation: image.orientation, format: image.format };
  if (audio) return { format: audio.format, durationSec: audio.durationSec ?? null };
  return {};
}

export function mappedRows(m: MappedDataset): NewRow[] {
  switch (m.kind) {
    case "text":
      return m.samples.map((s) => ({ text: s.text, label: s.label }));
    case "faq":
      return m.samples.map((s) => ({ text: s.question, label: null, data: JSON.stringify({ answer: s.answer, paraphrases: s.paraphrases }) }));
    case "tabular":
      return m.samples.map((s) => ({ text: null, label: String(s.target), data: JSON.stringify({ values: s.values, target: s.target }) }));
    case "ratings":
      return m.samples.map((s) => ({ text: null, label: null, data: JSON.stringify({ user: s.user, item: s.item, rating: s.rating }) }));
    case "image-tags":
      return m.samples.map((s) => ({ text: null, label: s.tags.join(";"), fileName: s.fileName }));
  }
}

export function schemaPatch(m: MappedDataset): SchemaPatch {
  if (m.kind === "text") return { replies: m.replies };
  if (m.kind === "tabular") return { columns: m.columns, task: m.task };
  return {};
}

/* ------------------------------------------------------------------ tables */

export interface TablePreviewJob {
  /** The uploaded file (a temporary file of the blob store). */
  path: string;
  /** Where to write the parse result (a table file), chunk by chunk; the caller stores and removes it. */
  outPath: string;
  fileName: string;
  format?: "pasted-lines";
  sceneId: string;
  limits: DataLimits;
}

export type TablePreviewResult =
  | Rejected
  | {
      ok: true;
      format: string;
      encoding?: string;
      preview: TablePreviewData;
      issues: DataIssue[];
    };

/**
 * Parses an uploaded table once, streaming CSV/TSV from disk: the preview for the column-mapping
 * step, and the whole parse result written to `outPath` as a table file, which the import reads
 * instead of the upload.
 */
export async function tablePreview(job: TablePreviewJob): Promise<TablePreviewResult> {
  const { size } = await fsp.stat(job.path);
  const parsed = await parseTableSource(fileSource(job.path), size, { fileName: job.fileName, limits: job.limits, format: job.format });
  if (!parsed.ok) return { ok: false, issues: capIssues(parsed.issues, job.limits.maxIssues) };
  const table = parsed.value;
  const issues = capIssues(parsed.issues, job.limits.maxIssues);
  const preview = previewTable(table, getScene(job.sceneId));
  // stored without the upload's name (the import reports issues as a re-parse always did)
  const stored = issues.map((i) => {
    if (i.file !== job.fileName) return i;
    const { file: _file, ...rest } = i;
    return rest;
  });
  await writeChunks(job.outPath, tableFileChunks(table, stored));
  return { ok: true, format: table.format, encoding: table.encoding, preview, issues };
}

/** Writes chunks to a new file as they are made, waiting for the disk (memory stays one chunk). */
async function writeChunks(file: string, chunks: Iterable<Uint8Array>): Promise<void> {
  const out = fs.createWriteStream(file, { flags: "wx" });
  try {
    for (const chunk of chunks) if (!out.write(chunk)) await once(out, "drain");
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (e) {
    out.destroy();
    throw e;
  }
}

export interface TableImportJob {
  /** The stored table file of the upload. */
  path: string;
  mapping: ColumnMapping;
  limits: DataLimits;
}

export type TableImportResult = Rejected | { ok: true; rows: NewRow[]; issues: DataIssue[]; patch: SchemaPatch };

/** Applies a confirmed column mapping to a stored table file: the rows to insert. */
export async function tableImport(job: TableImportJob): Promise<TableImportResult> {
  // an upload stored before uploads were parsed once holds the raw file: ask for it again
  const { table, issues } = await readTableFile(fileSource(job.path)).catch(() => {
    throw new AppError("not_found", "errors.uploadExpired");
  });
  const mappingIssues = validateMapping(table, job.mapping);
  if (mappingIssues.some((i) => i.severity === "error")) return { ok: false, issues: mappingIssues };
  const mapped = applyMapping(table, job.mapping, { limits: job.limits });
  if (!mapped.ok) return { ok: false, issues: capIssues(mapped.issues, job.limits.maxIssues) };
  return {
    ok: true,
    rows: mappedRows(mapped.value),
    issues: capIssues([...issues, ...mapped.issues], job.limits.maxIssues),
    patch: schemaPatch(mapped.value),
  };
}

/* ------------------------------------------------------------------ entities */

export interface EntitiesJob {
  path: string;
  limits: DataLimits;
}

export type EntitiesResult = Rejected | { ok: true; rows: NewRow[]; issues: DataIssue[] };

/** CoNLL, JSONL spans or inline markup: one row per sentence with its spans. */
export async function entities(job: EntitiesJob): Promise<EntitiesResult> {
  const parsed = parseEntities(await readWhole(job.path, job.limits.maxUploadBytes), undefined, { limits: job.limits });
  if (!parsed.ok) return { ok: false, issues: capIssues(parsed.issues, job.limits.maxIssues) };
  return {
    ok: true,
    rows: parsed.value.map((s) => ({ text: s.text, label: null, data: JSON.stringify({ spans: s.spans }), fileName: null })),
    issues: capIssues(parsed.issues, job.limits.maxIssues),
  };
}

/* ------------------------------------------------------------------ pictures and clips */

export interface MediaZipJob {
  path: string;
  fileName: string;
  accept: "image" | "audio";
  /** Pictures with tags (a tags table inside) instead of one folder per class. */
  tagged: boolean;
  limits: DataLimits;
}

export interface MediaEntry {
  label: string;
  fileName: string;
  mime: string;
  /** Sample.data as JSON. */
  data: string;
  bytes: Uint8Array;
}

export type MediaZipResult = Rejected | { ok: true; entries: MediaEntry[]; issues: DataIssue[]; tags: string[] };

/** A ZIP of class folders, or of tagged pictures: every good file with its label, inflated and checked. */
export async function mediaZip(job: MediaZipJob, ctx?: JobContext): Promise<MediaZipResult> {
  const bytes = await readWhole(job.path, job.limits.maxUploadBytes);
  const entries: MediaEntry[] = [];
  let issues: DataIssue[];
  let tags: string[] = [];
  if (job.tagged) {
    const zip = await readTaggedImageZip(bytes, { fileName: job.fileName, limits: job.limits });
    if (!zip.ok) return { ok: false, issues: capIssues(zip.issues, job.limits.maxIssues) };
    for (const e of zip.value.entries) {
      entries.push({ label: e.tags.join(";"), fileName: e.fileName, mime: e.image.mime, data: JSON.stringify({ ...mediaData(e.image), tags: e.tags }), bytes: transferable(e.bytes) });
    }
    issues = zip.issues;
    tags = zip.value.tags;
  } else {
    const zip = readClassZip(bytes, { accept: job.accept, limits: job.limits });
    if (!zip.ok) return { ok: false, issues: capIssues(zip.issues, job.limits.maxIssues) };
    for (const e of zip.value.entries) {
      const info = e.image ?? e.audio;
      entries.push({ label: e.className, fileName: e.fileName, mime: info?.mime ?? "application/octet-stream", data: JSON.stringify(mediaData(e.image, e.audio)), bytes: transferable(e.bytes) });
    }
    issues = zip.issues;
  }
  ctx?.transfer(...new Set(entries.map((e) => e.bytes.buffer as ArrayBuffer)));
  return { ok: true, entries, issues: capIssues(issues, job.limits.maxIssues), tags };
}

export interface MediaFileJob {
  path: string;
  fileName: string;
  accept: "image" | "audio";
  limits: DataLimits;
}

export type MediaFileResult = Rejected | { ok: true; mime: string; data: string; issues: DataIssue[] };

/** One picture or clip: its type, size and (for a clip) length, checked against the limits. */
export async function mediaFile(job: MediaFileJob): Promise<MediaFileResult> {
  const bytes = await readWhole(job.path, job.limits.maxUploadBytes);
  const opts = { fileName: job.fileName, limits: job.limits };
  if (job.accept === "image") {
    if (sniffAudio(bytes) && !sniffImage(bytes)) return { ok: false, issues: [error("image-unknown-format", {}, { file: job.fileName })] };
    const info = inspectImage(bytes, opts);
    if (!info.ok) return { ok: false, issues: info.issues };
    return { ok: true, mime: info.value.mime, data: JSON.stringify(mediaData(info.value)), issues: info.issues };
  }
  const info = inspectAudio(bytes, opts);
  if (!info.ok) return { ok: false, issues: info.issues };
  return { ok: true, mime: info.value.mime, data: JSON.stringify(mediaData(undefined, info.value)), issues: info.issues };
}

/** Every job the data worker serves, by kind. */
export const DATA_JOBS = { tablePreview, tableImport, entities, mediaZip, mediaFile };
export type DataJobs = typeof DATA_JOBS;
