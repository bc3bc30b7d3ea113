import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { parseEntities, type EntitySample, type EntitySpan } from "@/lib/data/entities";
import { toCsv } from "@/lib/data/export";
import { error as issueError, type DataIssue } from "@/lib/data/issues";
import type { DataLimits } from "@/lib/data/limits";
import { applyMapping, type ColumnMapping } from "@/lib/data/mapping";
import { formatBytes, formatIssue } from "@/lib/data/messages";
import { parseTable } from "@/lib/data/parse-table";
import { getSampleDataset } from "@/lib/data/samples";
import { analyzeDataset, analyzeEntityDataset } from "@/lib/data/quality";
import { TABLE_FILE_MIME } from "@/lib/data/table-file";
import type { TablePreviewData } from "@/lib/data/table-preview";
import type { ColumnProfile } from "@/lib/data/tabular";
import { isZip } from "@/lib/data/zip";
import type { Locale } from "@/lib/i18n/config";
import type { LocalSummaryInput } from "@/lib/schemas/local-summary";
import { getScene, type DataKind, type SceneDecl } from "@/lib/scenes";
import { localBlobFile, openBlob, putBytes, putStream, tempFile } from "./blob-store";
import { type DataJobs, type MediaZipJob, type NewRow, type Rejected, type SchemaPatch, mappedRows, schemaPatch } from "./data-jobs";
import { dataJobLimitLabel, runDataJob } from "./data-pool";
import { db, type Prisma } from "./db";
import { AppError, notFound } from "./errors";
import { serverLimits } from "./limits";
import { insertSamples } from "./bulk-insert";
import { WorkerJobError } from "./worker-pool";

/* Per-project dataset: one "default" dataset whose samples are rows in Sample. Every change runs
 * in one transaction and bumps the dataset version; training records the version it used. */

export interface DatasetSchema {
  /** Classes in display order, including classes the user added that have no samples yet. */
  labels: string[];
  /** Intent chatbot: reply per intent. */
  replies: Record<string, string>;
  mapping?: ColumnMapping;
  columns?: ColumnProfile[];
  task?: "classification" | "regression";
  /** Uploads parsed for this project and waiting for the column-mapping step (blob ids). */
  pendingUploads: string[];
  /** Uploads already imported (blob ids), so the same file is not added twice. */
  importedUploads: string[];
}

const MAX_PENDING = 20;
/** Rows per statement; keeps every query under SQLite's bound-parameter limit. */
const CHUNK = 500;
/**
 * An import is one transaction (all rows or none). Prisma's default 5 s limit would fail a large
 * upload's import on a slow disk; the lock wait stays the default.
 */
const IMPORT_TRANSACTION = { timeout: 180_000 };

export interface FormattedIssue extends DataIssue {
  message: string;
}

export function formatIssues(issues: readonly DataIssue[], locale: Locale): FormattedIssue[] {
  return issues.map((i) => ({ ...i, message: formatIssue(i, locale) }));
}

function parseSchema(raw: string): DatasetSchema {
  let v: Partial<DatasetSchema> = {};
  try {
    v = JSON.parse(raw) as Partial<DatasetSchema>;
  } catch {
    v = {};
  }
  return {
    labels: Array.isArray(v.labels) ? v.labels : [],
    replies: v.replies && typeof v.replies === "object" ? v.replies : {},
    mapping: v.mapping,
    columns: v.columns,
    task: v.task,
    pendingUploads: Array.isArray(v.pendingUploads) ? v.pendingUploads : [],
    importedUploads: Array.isArray(v.importedUploads) ? v.importedUploads : [],
  };
}

type Tx = Prisma.TransactionClient;

async function ownedProject(userId: string, projectId: string) {
  if (typeof projectId !== "string" || projectId.length > 64) throw notFound();
  const project = await db.project.findFirst({ where: { id: projectId, ownerId: userId } });
  if (!project) throw notFound();
  const scene = getScene(project.scene);
  if (!scene) throw new AppError("bad_request", "errors.sceneUnknown");
  return { project, scene };
}

async function ensureDataset(tx: Tx | typeof db, projectId: string, kind: DataKind) {
  const existing = await tx.dataset.findUnique({ where: { projectId_name: { projectId, name: "default" } } });
  if (existing) return existing;
  return tx.dataset.create({ data: { projectId, name: "default", kind, schema: JSON.stringify(parseSchema("{}")) } });
}

/** Records a new dataset version with its counts and a checksum of its content. */
async function bumpVersion(tx: Tx, datasetId: string, schema: DatasetSchema): Promise<number> {
  const samples = await tx.sample.findMany({
    where: { datasetId },
    select: { id: true, label: true, text: true, blobId: true, data: true },
    orderBy: { id: "asc" },
  });
  const hash = createHash("sha256");
  const counts: Record<string, number> = {};
  for (const s of samples) {
    hash.update(`${s.id}\u0000${s.label ?? ""}\u0000${s.text ?? ""}\u0000${s.blobId ?? ""}\u0000${s.data ?? ""}\n`);
    if (s.label) counts[s.label] = (counts[s.label] ?? 0) + 1;
  }
  const labels = [...new Set([...schema.labels, ...Object.keys(counts)])];
  const ds = await tx.dataset.update({
    where: { id: datasetId },
    data: { version: { increment: 1 }, schema: JSON.stringify({ ...schema, labels }) },
  });
  await tx.datasetVersion.create({
    data: { datasetId, version: ds.version, sampleCount: samples.length, labelCounts: JSON.stringify(counts), checksum: hash.digest("hex") },
  });
  await tx.project.update({ where: { id: ds.projectId }, data: { updatedAt: new Date() } });
  return ds.version;
}

/* ------------------------------------------------------------------ reading */

export interface SampleView {
  id: string;
  label: string | null;
  text: string | null;
  data: unknown;
  blobId: string | null;
  fileName: string | null;
  source: string;
}

export interface DatasetView {
  id: string;
  kind: string;
  version: number;
  schema: Omit<DatasetSchema, "pendingUploads" | "importedUploads">;
  total: number;
  classes: { label: string; count: number }[];
  issues: FormattedIssue[];
  canTrain: boolean;
  localDataOnly: boolean;
}

function toView(s: { id: string; label: string | null; text: string | null; data: string | null; blobId: string | null; fileName: string | null; source: string }): SampleView {
  let data: unknown = null;
  if (s.data) {
    try {
      data = JSON.parse(s.data);
    } catch {
      data = null;
    }
  }
  return { id: s.id, label: s.label, text: s.text, data, blobId: s.blobId, fileName: s.fileName, source: s.source };
}

export async function getDatasetView(userId: string, projectId: string, locale: Locale): Promise<DatasetView> {
  const { project, scene } = await ownedProject(userId, projectId);
  const ds = await ensureDataset(db, project.id, scene.dataKind);
  const schema = parseSchema(ds.schema);
  if (project.localDataOnly) return localDatasetView(ds, schema, scene, locale);
  const rows = await db.sample.findMany({ where: { datasetId: ds.id }, select: { label: true, text: true, data: true, fileName: true } });
  let report: { total: number; classes: { label: string; count: number }[]; issues: DataIssue[]; canTrain: boolean };
  if (scene.dataKind === "entities") {
    const samples: EntitySample[] = rows.map((r, i) => ({ text: r.text ?? "", spans: parseSpans(r.data), row: i + 1 }));
    const rep = analyzeEntityDataset(samples);
    report = {
      total: rows.length,
      classes: rep.types,
      issues: rep.issues,
      canTrain: rep.canTrain,
    };
  } else if (scene.dataKind === "faq" || scene.dataKind === "ratings" || (scene.dataKind === "tabular" && schema.task === "regression")) {
    const issues: DataIssue[] = rows.length < 2 ? [issueError("no-samples")] : [];
    report = { total: rows.length, classes: [], issues, canTrain: rows.length >= 2 };
  } else if (scene.output === "multi-label") {
    // One entry per tag: counts, small-tag and imbalance warnings are about tags, not combinations.
    report = analyzeDataset(rows.flatMap((r) => (r.label ?? "").split(";").filter(Boolean).map((label) => ({ label, file: r.fileName ?? undefined }))));
    report = { ...report, total: rows.length };
  } else {
    const useText = scene.dataKind === "text";
    const rep = analyzeDataset(rows.map((r) => ({ label: r.label ?? "", text: useText ? (r.text ?? undefined) : undefined, file: r.fileName ?? undefined })));
    report = rep;
  }
  // Classes the user added but has not filled yet are shown too (with a count of 0).
  const classes = [...report.classes];
  for (const l of schema.labels) if (!classes.some((c) => c.label === l) && scene.dataKind !== "entities") classes.push({ label: l, count: 0 });
  return {
    id: ds.id,
    kind: ds.kind,
    version: ds.version,
    schema: { labels: schema.labels, replies: schema.replies, mapping: schema.mapping, columns: schema.columns, task: schema.task },
    total: report.total,
    classes,
    issues: formatIssues(report.issues, locale),
    canTrain: report.canTrain,
    localDataOnly: project.localDataOnly,
  };
}

function parseSpans(data: string | null): EntitySpan[] {
  try {
    const v = JSON.parse(data ?? "{}") as { spans?: EntitySpan[] };
    return Array.isArray(v.spans) ? v.spans : [];
  } catch {
    return [];
  }
}


export async function listSamples(
  userId: string,
  projectId: string,
  opts: { label?: string; offset?: number; limit?: number },
): Promise<{ samples: SampleView[]; total: number }> {
  const { project, scene } = await ownedProject(userId, projectId);
  const ds = await ensureDataset(db, project.id, scene.dataKind);
  const where = { datasetId: ds.id, ...(opts.label !== undefined ? { label: opts.label } : {}) };
  const [rows, total] = await Promise.all([
    db.sample.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: Math.max(0, opts.offset ?? 0),
      take: Math.min(500, Math.max(1, opts.limit ?? 100)),
    }),
    db.sample.count({ where }),
  ]);
  return { samples: rows.map(toView), total };
}

/* ------------------------------------------------------------------ uploads */

export interface TablePreview extends TablePreviewData {
  kind: "table";
  /** The stored parse result (a table file in the blob store) that the import maps. */
  uploadId: string;
  fileName: string;
  format: string;
  encoding?: string;
  issues: FormattedIssue[];
}

export interface ImportResult {
  kind: "imported";
  added: number;
  skipped: number;
  version: number;
  issues: FormattedIssue[];
}

export interface RejectedUpload {
  kind: "rejected";
  issues: FormattedIssue[];
}

const TABLE_KINDS: readonly DataKind[] = ["text", "faq", "tabular", "ratings"];

function rejected(issues: DataIssue[], locale: Locale): RejectedUpload {
  return { kind: "rejected", issues: formatIssues(issues, locale) };
}

/**
 * A data job on the worker pool. A job that ran out of memory or time becomes a rejection
 * ("file-too-complex") like any other unreadable file; a full queue is AppError "unavailable"
 * (503, Retry-After, "busy, try again in a moment").
 */
async function parseInPool<K extends keyof DataJobs>(kind: K, payload: Parameters<DataJobs[K]>[0], signal?: AbortSignal): Promise<Awaited<ReturnType<DataJobs[K]>> | Rejected> {
  try {
    return await runDataJob(kind, payload, { signal });
  } catch (e) {
    if (e instanceof WorkerJobError && (e.reason === "out-of-memory" || e.reason === "timeout")) {
      return { ok: false, issues: [issueError("file-too-complex", { limit: dataJobLimitLabel() })] };
    }
    throw e;
  }
}

/** The first bytes of a file (a ZIP signature is all the request thread looks at). */
async function readHead(file: string, n: number): Promise<Uint8Array> {
  const fh = await fsp.open(file, "r");
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Where the pool writes a table file before it is stored: a temporary file of the blob store, named
 * after this process, so a crash leaves nothing that the start-up clean-up would not remove.
 */
const tableFileTempPath = tempFile;

/** Stores a table file the pool wrote as an ordinary blob (streamed, hashed, placed). */
async function storeTableFile(file: string, userId: string, limits: DataLimits) {
  const stream = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
  // JSON escaping can make the table file a little larger than the upload
  const maxBytes = 4 * limits.maxUploadBytes;
  const staged = await putStream(stream, { maxBytes, limitLabel: formatBytes(maxBytes, "en") });
  return staged.commit(TABLE_FILE_MIME, userId);
}

/**
 * Takes one uploaded file (streamed to disk with the size limit enforced as it arrives) and, by
 * its content and the project's scene: returns a table preview for the column-mapping step,
 * imports entity annotations, or stores images / audio clips (single files or a ZIP of class
 * folders). Types are decided by content, not by the file name; the name is only displayed.
 * Parsing runs on the data worker pool (lib/server/data-pool.ts), never on the request thread; a
 * table is parsed once, and its parse result is what the import step maps.
 */
export async function handleUpload(
  userId: string,
  projectId: string,
  body: ReadableStream<Uint8Array> | null,
  opts: { fileName: string; label?: string; format?: string; locale: Locale; signal?: AbortSignal },
): Promise<TablePreview | ImportResult | RejectedUpload> {
  const { project, scene } = await ownedProject(userId, projectId);
  refuseIfDeviceOnly(project);
  const limits = serverLimits();
  const staged = await putStream(body, { maxBytes: limits.maxUploadBytes, limitLabel: formatBytes(limits.maxUploadBytes, opts.locale) });
  let committed = false;
  try {
    const fileName = opts.fileName.slice(0, 200) || "upload";
    const reject = (issues: DataIssue[]) => rejected(issues.map((i) => ({ ...i, file: i.file ?? fileName })), opts.locale);
    const job = { path: staged.tmpPath, fileName, limits };

    if (TABLE_KINDS.includes(scene.dataKind)) {
      const format = opts.format === "pasted-lines" ? "pasted-lines" : undefined;
      const outPath = await tableFileTempPath();
      let parsed;
      let table;
      try {
        parsed = await parseInPool("tablePreview", { ...job, outPath, format, sceneId: scene.id }, opts.signal);
        if (!parsed.ok) return reject(parsed.issues);
        // the parse result is the pending upload; the uploaded file itself is not kept
        table = await storeTableFile(outPath, userId, limits);
      } finally {
        await fsp.rm(outPath, { force: true });
      }
      await db.$transaction(async (tx) => {
        const ds = await ensureDataset(tx, project.id, scene.dataKind);
        const schema = parseSchema(ds.schema);
        schema.pendingUploads = [table.id, ...schema.pendingUploads.filter((u) => u !== table.id)].slice(0, MAX_PENDING);
        await tx.dataset.update({ where: { id: ds.id }, data: { schema: JSON.stringify(schema) } });
      });
      return {
        kind: "table",
        uploadId: table.id,
        fileName,
        format: parsed.format,
        encoding: parsed.encoding,
        ...parsed.preview,
        issues: formatIssues(parsed.issues, opts.locale),
      };
    }

    if (scene.dataKind === "entities") {
      const parsed = await parseInPool("entities", job, opts.signal);
      if (!parsed.ok) return reject(parsed.issues);
      return importRows(project.id, scene, parsed.rows, parsed.issues, opts.locale, "upload");
    }

    if (scene.dataKind === "image" || scene.dataKind === "audio") {
      const accept = scene.dataKind;
      if (isZip(await readHead(staged.tmpPath, 4))) {
        // awaited here: the temporary file must outlive the job (the finally below removes it)
        return await importMediaZip(userId, project.id, scene, { ...job, accept, tagged: scene.output === "multi-label" }, opts.locale, "upload", opts.signal);
      }
      const label = opts.label?.trim();
      if (!label) throw new AppError("validation", "errors.classRequired");
      if (label.length > limits.maxLabelChars) throw new AppError("validation", "errors.classTooLong", { params: { max: limits.maxLabelChars } });
      const info = await parseInPool("mediaFile", { ...job, accept }, opts.signal);
      if (!info.ok) return reject(info.issues);
      const blob = await staged.commit(info.mime, userId);
      committed = true;
      return importRows(project.id, scene, [{ text: null, label, blobId: blob.id, fileName, data: info.data }], info.issues, opts.locale, "upload");
    }
    throw new AppError("bad_request", "errors.uploadNotSupported");
  } finally {
    if (!committed) await fsp.rm(staged.tmpPath, { force: true });
  }
}

/** A ZIP of class folders or of tagged pictures: read in the pool, then every file stored and added. */
async function importMediaZip(
  userId: string,
  projectId: string,
  scene: SceneDecl,
  job: MediaZipJob,
  locale: Locale,
  source: string,
  signal?: AbortSignal,
): Promise<ImportResult | RejectedUpload> {
  const zip = await parseInPool("mediaZip", job, signal);
  if (!zip.ok) return rejected(zip.issues.map((i) => ({ ...i, file: i.file ?? job.fileName })), locale);
  const rows: NewRow[] = [];
  for (const entry of zip.entries) {
    // Files first, rows after: a failed transaction leaves unreferenced files, never a row without a file.
    const blob = await putBytes(entry.bytes, entry.mime, userId);
    rows.push({ text: null, label: entry.label, blobId: blob.id, fileName: entry.fileName, data: entry.data });
  }
  return importRows(projectId, scene, rows, zip.issues, locale, source, (s) => {
    for (const t of zip.tags) if (!s.labels.includes(t)) s.labels.push(t);
  });
}

/** "Load sample dataset": the scene's own small dataset from public/samples, imported like an upload. */
export async function loadSampleDataset(userId: string, projectId: string, locale: Locale): Promise<ImportResult | RejectedUpload> {
  const { project, scene } = await ownedProject(userId, projectId);
  refuseIfDeviceOnly(project);
  const sample = getSampleDataset(scene.id);
  if (!sample) throw new AppError("not_found", "errors.noSampleDataset");
  const file = path.join(process.cwd(), "public", ...sample.path.split("/").filter(Boolean));
  const fileName = sample.path.split("/").pop() ?? "sample";
  if (sample.kind === "class-zip" || sample.kind === "tagged-zip") {
    const accept = scene.dataKind === "audio" ? "audio" : "image";
    return importMediaZip(userId, project.id, scene, { path: file, fileName, accept, tagged: sample.kind === "tagged-zip", limits: serverLimits() }, locale, "sample");
  }
  // the samples are small committed files: parsed here
  const bytes = new Uint8Array(await fsp.readFile(file));
  if (sample.kind === "entities") {
    const parsed = parseEntities(bytes, sample.format);
    if (!parsed.ok) return rejected(parsed.issues, locale);
    const rows = parsed.value.map((s) => ({ text: s.text, label: null, data: JSON.stringify({ spans: s.spans }) }));
    return importRows(project.id, scene, rows, parsed.issues, locale, "sample");
  }
  const parsed = await parseTable(bytes, { format: sample.format, fileName });
  if (!parsed.ok) return rejected(parsed.issues, locale);
  const mapped = applyMapping(parsed.value, sample.mapping);
  if (!mapped.ok) return rejected(mapped.issues, locale);
  return importRows(project.id, scene, mappedRows(mapped.value), mapped.issues, locale, "sample", (s) => {
    s.mapping = sample.mapping;
    applySchemaPatch(s, schemaPatch(mapped.value));
  });
}

function applySchemaPatch(s: DatasetSchema, patch: SchemaPatch) {
  for (const [label, replies] of Object.entries(patch.replies ?? {})) if (replies[0] && !s.replies[label]) s.replies[label] = replies[0];
  if (patch.columns) s.columns = patch.columns;
  if (patch.task) s.task = patch.task;
}

/** Writes rows in one transaction (all or nothing) and records a new dataset version. */
async function importRows(
  projectId: string,
  scene: SceneDecl,
  rows: NewRow[],
  issues: DataIssue[],
  locale: Locale,
  source: string,
  schemaPatch?: (s: DatasetSchema) => void,
): Promise<ImportResult> {
  let skipped = 0;
  const version = await db.$transaction(async (tx) => {
    const ds = await ensureDataset(tx, projectId, scene.dataKind);
    const schema = parseSchema(ds.schema);
    let toInsert = rows;
    if (rows.some((r) => r.blobId)) {
      // The same picture or clip in the same class again is skipped, not stored twice.
      const blobIds = [...new Set(rows.map((r) => r.blobId!).filter(Boolean))];
      const existing: { blobId: string | null; label: string | null }[] = [];
      // SQLite caps the number of bound parameters: ask in chunks.
      for (let i = 0; i < blobIds.length; i += CHUNK) {
        existing.push(...(await tx.sample.findMany({ where: { datasetId: ds.id, blobId: { in: blobIds.slice(i, i + CHUNK) } }, select: { blobId: true, label: true } })));
      }
      const seen = new Set(existing.map((e) => `${e.blobId}\u0000${e.label}`));
      toInsert = [];
      for (const r of rows) {
        const key = `${r.blobId}\u0000${r.label}`;
        if (seen.has(key)) {
          skipped++;
          continue;
        }
        seen.add(key);
        toInsert.push(r);
      }
    }
    await insertSamples(tx, ds.id, toInsert, source);
    schemaPatch?.(schema);
    return bumpVersion(tx, ds.id, schema);
  }, IMPORT_TRANSACTION);
  return { kind: "imported", added: rows.length - skipped, skipped, version, issues: formatIssues(issues, locale) };
}

/**
 * Adds labelled text examples inside the caller's transaction (so whatever else the caller records
 * commits or rolls back with them) and records one new dataset version. Text scenes only; refuses
 * device-only projects, whose examples live in the browser. Returns the new dataset version.
 */
export async function addTextSamplesInTx(
  tx: Tx,
  project: { id: string; scene: string; localDataOnly: boolean },
  rows: { text: string; label: string }[],
  source: string,
): Promise<number> {
  const scene = getScene(project.scene);
  if (!scene || scene.dataKind !== "text") throw new AppError("bad_request", "errors.uploadNotSupported");
  refuseIfDeviceOnly(project);
  const ds = await ensureDataset(tx, project.id, scene.dataKind);
  const schema = parseSchema(ds.schema);
  const clean = rows.map((r) => ({ text: r.text.trim(), label: checkLabel(r.label) }));
  await insertSamples(tx, ds.id, clean, source);
  for (const r of clean) if (!schema.labels.includes(r.label)) schema.labels.push(r.label);
  return bumpVersion(tx, ds.id, schema);
}

/**
 * Second step for tables: applies the confirmed column mapping to the upload's stored parse result
 * (in the pool; the uploaded file is not read or parsed again) and stores the good rows.
 */
export async function importTable(
  userId: string,
  projectId: string,
  input: { uploadId: string; mapping: ColumnMapping; format?: string },
  locale: Locale,
  signal?: AbortSignal,
): Promise<ImportResult | RejectedUpload> {
  const { project, scene } = await ownedProject(userId, projectId);
  refuseIfDeviceOnly(project);
  const ds = await ensureDataset(db, project.id, scene.dataKind);
  const schema = parseSchema(ds.schema);
  if (schema.importedUploads.includes(input.uploadId)) throw new AppError("conflict", "errors.alreadyImported");
  if (!schema.pendingUploads.includes(input.uploadId)) throw new AppError("not_found", "errors.uploadExpired");
  // the upload's parse result, stored by handleUpload (a local file even with an object store)
  const stored = await localBlobFile(input.uploadId).catch((e: unknown) => {
    throw e instanceof AppError && e.code === "not_found" ? new AppError("not_found", "errors.uploadExpired") : e;
  });
  let mapped;
  try {
    mapped = await parseInPool("tableImport", { path: stored.path, mapping: input.mapping, limits: serverLimits() }, signal);
  } finally {
    await stored.release();
  }
  if (!mapped.ok) return rejected(mapped.issues, locale);
  return importRows(project.id, scene, mapped.rows, mapped.issues, locale, "upload", (s) => {
    s.mapping = input.mapping;
    s.pendingUploads = s.pendingUploads.filter((u) => u !== input.uploadId);
    s.importedUploads = [...s.importedUploads, input.uploadId].slice(-200);
    applySchemaPatch(s, mapped.patch);
  });
}

/* ------------------------------------------------------------------ editing */

async function datasetOf(userId: string, projectId: string) {
  const { project, scene } = await ownedProject(userId, projectId);
  const ds = await ensureDataset(db, project.id, scene.dataKind);
  return { project, scene, ds };
}

function checkLabel(label: string): string {
  const l = label.trim();
  const max = serverLimits().maxLabelChars;
  if (!l) throw new AppError("validation", "errors.classRequired", { fields: { label: "errors.classRequired" } });
  if (l.length > max) throw new AppError("validation", "errors.classTooLong", { params: { max }, fields: { label: "errors.classTooLong" } });
  return l;
}

export async function updateSample(userId: string, projectId: string, sampleId: string, patch: { label?: string; text?: string }) {
  const { ds } = await datasetOf(userId, projectId);
  return db.$transaction(async (tx) => {
    const sample = await tx.sample.findFirst({ where: { id: sampleId, datasetId: ds.id } });
    if (!sample) throw notFound();
    const data: { label?: string; text?: string } = {};
    if (patch.label !== undefined) data.label = checkLabel(patch.label);
    if (patch.text !== undefined) {
      if (!patch.text.trim()) throw new AppError("validation", "errors.textRequired", { fields: { text: "errors.textRequired" } });
      data.text = patch.text.trim();
    }
    const updated = await tx.sample.update({ where: { id: sample.id }, data });
    const fresh = await tx.dataset.findUniqueOrThrow({ where: { id: ds.id } });
    const version = await bumpVersion(tx, ds.id, parseSchema(fresh.schema));
    return { sample: toView(updated), version };
  });
}

/** Deletes samples, or moves them to another class, all or nothing. */
export async function bulkSamples(userId: string, projectId: string, input: { action: "delete" | "move"; ids: string[]; label?: string }) {
  const { ds } = await datasetOf(userId, projectId);
  const label = input.action === "move" ? checkLabel(input.label ?? "") : undefined;
  return db.$transaction(async (tx) => {
    const found = await tx.sample.count({ where: { id: { in: input.ids }, datasetId: ds.id } });
    // Ids of other projects or users are refused as a whole, not silently half-applied.
    if (found !== new Set(input.ids).size) throw notFound();
    if (input.action === "delete") await tx.sample.deleteMany({ where: { id: { in: input.ids }, datasetId: ds.id } });
    else await tx.sample.updateMany({ where: { id: { in: input.ids }, datasetId: ds.id }, data: { label } });
    const fresh = await tx.dataset.findUniqueOrThrow({ where: { id: ds.id } });
    const schema = parseSchema(fresh.schema);
    if (label && !schema.labels.includes(label)) schema.labels.push(label);
    return { count: found, version: await bumpVersion(tx, ds.id, schema) };
  });
}

export async function addClass(userId: string, projectId: string, name: string) {
  const { ds } = await datasetOf(userId, projectId);
  const label = checkLabel(name);
  return db.$transaction(async (tx) => {
    const fresh = await tx.dataset.findUniqueOrThrow({ where: { id: ds.id } });
    const schema = parseSchema(fresh.schema);
    const used = await tx.sample.findFirst({ where: { datasetId: ds.id, label }, select: { id: true } });
    if (schema.labels.includes(label) || used) {
      throw new AppError("conflict", "errors.classExists", { params: { name: label }, fields: { label: "errors.classExists" } });
    }
    schema.labels.push(label);
    return { version: await bumpVersion(tx, ds.id, schema) };
  });
}

export async function setReplies(userId: string, projectId: string, replies: Record<string, string>) {
  const { ds } = await datasetOf(userId, projectId);
  return db.$transaction(async (tx) => {
    const fresh = await tx.dataset.findUniqueOrThrow({ where: { id: ds.id } });
    const schema = parseSchema(fresh.schema);
    for (const [k, v] of Object.entries(replies)) {
      if (v.trim()) schema.replies[k] = v.trim();
      else delete schema.replies[k];
    }
    return { version: await bumpVersion(tx, ds.id, schema) };
  });
}

export async function setLocalDataOnly(userId: string, projectId: string, localDataOnly: boolean) {
  const { project } = await ownedProject(userId, projectId);
  await db.project.update({ where: { id: project.id }, data: { localDataOnly } });
  return { localDataOnly };
}

/* ------------------------------------------------------------------ device-only data */

/* "Keep training data on this device only": the examples live in the browser (IndexedDB). The
 * server keeps only what the browser reports: counts per label and a checksum, recorded as a
 * DatasetVersion whose checksum starts with "local:", so the project status, the dataset version
 * and training records work without the examples. */

export const LOCAL_CHECKSUM_PREFIX = "local:";

function refuseIfDeviceOnly(project: { localDataOnly: boolean }) {
  if (project.localDataOnly) throw new AppError("conflict", "data.errors.deviceOnly");
}

/** Whether counts like these are enough to start training (the browser runs the full quality report). */
export function canTrainFromCounts(kind: DataKind, total: number, labelCounts: Record<string, number>): boolean {
  const filled = Object.values(labelCounts).filter((n) => n > 0).length;
  if (kind === "entities") return total > 0 && filled > 0;
  if (filled === 0) return (kind === "faq" || kind === "ratings" || kind === "tabular") && total >= 2;
  return filled >= 2;
}

function parseCounts(raw: string | undefined): Record<string, number> {
  try {
    const v = JSON.parse(raw ?? "{}") as Record<string, unknown>;
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, number] => typeof e[1] === "number"));
  } catch {
    return {};
  }
}

async function latestLocalVersion(tx: Tx | typeof db, datasetId: string) {
  return tx.datasetVersion.findFirst({
    where: { datasetId, checksum: { startsWith: LOCAL_CHECKSUM_PREFIX } },
    orderBy: { version: "desc" },
  });
}

async function localDatasetView(
  ds: { id: string; kind: string; version: number },
  schema: DatasetSchema,
  scene: SceneDecl,
  locale: Locale,
): Promise<DatasetView> {
  const last = await latestLocalVersion(db, ds.id);
  const counts = parseCounts(last?.labelCounts);
  const total = last?.sampleCount ?? 0;
  const canTrain = canTrainFromCounts(scene.dataKind, total, counts);
  return {
    id: ds.id,
    kind: ds.kind,
    version: ds.version,
    schema: { labels: Object.keys(counts), replies: schema.replies, task: schema.task },
    total,
    classes: Object.entries(counts)
      .map(([label, count]) => ({ label, count }))
      .sort((a, b) => b.count - a.count),
    issues: total === 0 ? formatIssues([issueError("no-samples")], locale) : [],
    canTrain,
    localDataOnly: true,
  };
}

/**
 * Records the browser's report about device-only data as a new dataset version (or returns the
 * current version when nothing changed since the last report).
 */
export async function saveLocalSummary(userId: string, projectId: string, input: LocalSummaryInput): Promise<{ version: number }> {
  const { project, scene } = await ownedProject(userId, projectId);
  if (!project.localDataOnly) throw new AppError("conflict", "data.errors.notDeviceOnly");
  const classCount = Object.values(input.labelCounts).reduce((n, c) => n + c, 0);
  // Entity types are counted per entity (a sentence can hold several); classes per example.
  if (scene.dataKind !== "entities" && classCount > input.total) throw new AppError("validation", "errors.invalidInput");
  const checksum = LOCAL_CHECKSUM_PREFIX + input.checksum;
  const labelCounts = JSON.stringify(input.labelCounts);
  return db.$transaction(async (tx) => {
    const ds = await ensureDataset(tx, project.id, scene.dataKind);
    const last = await latestLocalVersion(tx, ds.id);
    if (last && last.version === ds.version && last.checksum === checksum && last.sampleCount === input.total && last.labelCounts === labelCounts) {
      return { version: ds.version };
    }
    const updated = await tx.dataset.update({ where: { id: ds.id }, data: { version: { increment: 1 } } });
    await tx.datasetVersion.create({ data: { datasetId: ds.id, version: updated.version, sampleCount: input.total, labelCounts, checksum } });
    await tx.project.update({ where: { id: project.id }, data: { updatedAt: new Date() } });
    return { version: updated.version };
  });
}

/* ------------------------------------------------------------------ files out */

/** A stored file, only if a sample of one of the user's own projects uses it. */
/** A sample's file of the caller's own project, as a stream (never whole in memory). */
export async function readOwnedBlob(userId: string, projectId: string, blobId: string): Promise<{ stream: ReadableStream<Uint8Array>; size: number; mime: string }> {
  const { ds } = await datasetOf(userId, projectId);
  const sample = await db.sample.findFirst({ where: { datasetId: ds.id, blobId }, include: { blob: true } });
  if (!sample?.blob) throw notFound();
  return { ...(await openBlob(blobId)), mime: sample.blob.mime };
}

/** The dataset as CSV; cells that a spreadsheet would run as a formula are escaped. */
export async function exportCsv(userId: string, projectId: string): Promise<string> {
  const { ds, scene } = await datasetOf(userId, projectId);
  const rows = await db.sample.findMany({ where: { datasetId: ds.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const schema = parseSchema(ds.schema);
  const out: (string | number | null)[][] = [];
  switch (scene.dataKind) {
    case "text":
      out.push(scene.id === "intent-chatbot" ? ["text", "label", "reply"] : ["text", "label"]);
      for (const r of rows) out.push(scene.id === "intent-chatbot" ? [r.text, r.label, schema.replies[r.label ?? ""] ?? ""] : [r.text, r.label]);
      break;
    case "faq":
      out.push(["question", "answer", "paraphrases"]);
      for (const r of rows) {
        const d = toView(r).data as { answer?: string; paraphrases?: string[] } | null;
        out.push([r.text, d?.answer ?? "", (d?.paraphrases ?? []).join(" | ")]);
      }
      break;
    case "entities":
      out.push(["text", "entities"]);
      for (const r of rows) out.push([r.text, JSON.stringify(parseSpans(r.data))]);
      break;
    case "tabular": {
      const cols = schema.columns?.map((c) => c.name) ?? [];
      const target = schema.mapping?.kind === "tabular" ? schema.mapping.target : "target";
      const features = cols.filter((c) => c !== target);
      out.push([...features, target]);
      for (const r of rows) {
        const d = toView(r).data as { values?: Record<string, string | number | null> } | null;
        // Own keys only: a column called "__proto__" or "constructor" is data, not Object's.
        out.push([...features.map((f) => (d?.values && Object.hasOwn(d.values, f) ? d.values[f] : null) ?? null), r.label]);
      }
      break;
    }
    case "ratings":
      out.push(["user", "item", "rating"]);
      for (const r of rows) {
        const d = toView(r).data as { user?: string; item?: string; rating?: number } | null;
        out.push([d?.user ?? "", d?.item ?? "", d?.rating ?? null]);
      }
      break;
    default:
      out.push(["file", "label"]);
      for (const r of rows) out.push([r.fileName, r.label]);
  }
  return toCsv(out);
}
