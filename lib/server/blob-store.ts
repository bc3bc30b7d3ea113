import "server-only";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BLOB_ID_RE, BlobNotFoundError, blobBackend, diskPath, diskRoot } from "./blob-backends";
import { db } from "./db";
import { AppError } from "./errors";

/**
 * Content-addressed blob store: the local disk (DATA_DIR/blobs) or S3-compatible object storage
 * (lib/server/blob-backends.ts). Bytes are written to a local temporary file, fsynced, and placed
 * (renamed, or uploaded) before the database row is created, so the database never references a
 * missing or half-written blob. The same bytes uploaded twice are stored once.
 *
 * Crash safety and garbage collection (run at start and periodically by lib/server/maintenance.ts):
 * - A temporary file is named after the host and process writing it, so cleanTempFiles removes
 *   the files of processes that died (kill -9, power loss) and never one a live process writes.
 * - collectGarbage removes, after a grace period, Blob rows nothing references and files under
 *   blobs/ that have no row. Every write of a blob leaves its file with a fresh modification time
 *   (written, renamed or touched) and its row with a fresh createdAt, so a blob being stored by a
 *   running request is always younger than the grace period and never collected.
 */
/** The local blob folder; its tmp/ holds uploads being written, with either backend. */
export function blobRoot(): string {
  return diskRoot();
}

const ID_RE = BLOB_ID_RE;

function checkId(id: string): string {
  if (!ID_RE.test(id)) throw new AppError("not_found", "errors.notFound");
  return id;
}

/** Where the disk backend keeps a blob (tests and tools; the app reads through the backend). */
export function blobPath(id: string): string {
  return diskPath(checkId(id));
}

function tempDir(): string {
  return path.join(blobRoot(), "tmp");
}

/** This process in temporary file names: host, pid, and a token telling a reused pid apart. */
const HOST = os.hostname().replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 64) || "host";
const PROCESS_TOKEN = randomBytes(4).toString("hex");
const TEMP_RE = /^([A-Za-z0-9.-]{1,64})_(\d+)_([0-9a-f]{8})_[0-9a-f]{16}\.part$/;

/**
 * A new temporary file path under blobs/tmp, named after this process, so cleanTempFiles removes it
 * if the process dies before it is renamed or deleted (also for files written by worker threads).
 */
export async function tempFile(): Promise<string> {
  const dir = tempDir();
  await fsp.mkdir(dir, { recursive: true });
  return path.join(dir, `${HOST}_${process.pid}_${PROCESS_TOKEN}_${randomBytes(8).toString("hex")}.part`);
}

/**
 * Places the finished temporary file as blob `id`, also when the same bytes are already stored:
 * the blob then counts as fresh, which keeps the garbage collector off it until the caller has
 * created its row.
 */
async function moveIntoPlace(tmp: string, id: string, size: number, mime: string): Promise<void> {
  await blobBackend().place(tmp, checkId(id), size, mime);
}

export interface StoredBlob {
  id: string;
  size: number;
  mime: string;
}

async function upsertRow(id: string, size: number, mime: string, ownerId: string | null): Promise<StoredBlob> {
  const row = await db.blob.upsert({
    where: { id },
    create: { id, size, mime, ownerId },
    // Stored again: young again, so the garbage collector leaves it to the caller's reference.
    update: { createdAt: new Date() },
    select: { id: true, size: true, mime: true },
  });
  return row;
}

/**
 * Writes the file of a blob (fsynced, renamed into place) without its database row; the caller
 * creates the row, e.g. in a transaction with the row that references it. `created` says whether
 * the file is new, so a failed transaction can remove it again (removeUnreferencedFile).
 */
export async function writeBlobFile(bytes: Uint8Array): Promise<{ id: string; size: number; created: boolean }> {
  const id = createHash("sha256").update(bytes).digest("hex");
  // Already stored: touch it, so the garbage collector sees it as fresh until the row exists; if
  // the collector removed it just now (or the store cannot touch), write it again.
  if (await blobBackend().touch(id)) return { id, size: bytes.byteLength, created: false };
  const tmp = await tempFile();
  const fh = await fsp.open(tmp, "w");
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await moveIntoPlace(tmp, id, bytes.byteLength, "application/octet-stream");
  return { id, size: bytes.byteLength, created: true };
}

/** Deletes a blob's file when no database row names it (after a failed transaction). */
export async function removeUnreferencedFile(id: string): Promise<void> {
  if (!(await db.blob.findUnique({ where: { id }, select: { id: true } }))) await blobBackend().remove(checkId(id));
}

/** Stores bytes already in memory (parsed uploads, ZIP entries, model bundles). */
export async function putBytes(bytes: Uint8Array, mime: string, ownerId: string | null): Promise<StoredBlob> {
  const { id } = await writeBlobFile(bytes);
  return upsertRow(id, bytes.byteLength, mime, ownerId);
}

/**
 * Streams a request body to disk while hashing it; stops and deletes the partial file as soon as
 * it passes `maxBytes`, so a huge upload never fills memory or the disk.
 */
export async function putStream(
  body: ReadableStream<Uint8Array> | null,
  opts: { maxBytes: number; limitLabel: string },
): Promise<{ id: string; size: number; tmpPath: string; commit: (mime: string, ownerId: string | null) => Promise<StoredBlob> }> {
  if (!body) throw new AppError("bad_request", "errors.emptyUpload");
  const tmp = await tempFile();
  const hash = createHash("sha256");
  const out = fs.createWriteStream(tmp);
  let size = 0;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > opts.maxBytes) {
        await reader.cancel().catch(() => {});
        throw new AppError("payload_too_large", "errors.uploadTooLarge", { params: { limit: opts.limitLabel } });
      }
      hash.update(value);
      if (!out.write(value)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (e) {
    // The stream opens its file asynchronously: wait until it is closed, or the file could appear
    // after the rm below and be left behind.
    out.destroy();
    if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  if (size === 0) {
    await fsp.rm(tmp, { force: true });
    throw new AppError("bad_request", "errors.emptyUpload");
  }
  const id = hash.digest("hex");
  return {
    id,
    size,
    tmpPath: tmp,
    commit: async (mime, ownerId) => {
      await moveIntoPlace(tmp, id, size, mime);
      return upsertRow(id, size, mime, ownerId);
    },
  };
}

/** A blob's bytes, whole (model bundles for the predictor, small files). */
export async function readBlob(id: string): Promise<Buffer> {
  try {
    return await blobBackend().read(checkId(id));
  } catch (e) {
    if (e instanceof BlobNotFoundError) throw new AppError("not_found", "errors.notFound");
    throw e;
  }
}

/** A blob as a stream, to answer a request without holding it in memory. */
export async function openBlob(id: string): Promise<{ stream: ReadableStream<Uint8Array>; size: number }> {
  try {
    return await blobBackend().open(checkId(id));
  } catch (e) {
    if (e instanceof BlobNotFoundError) throw new AppError("not_found", "errors.notFound");
    throw e;
  }
}

/**
 * A local file with the blob's bytes, for work that reads a file (parsing in a worker thread): the
 * blob itself on disk, a temporary download from S3 (removed by `release`).
 */
export async function localBlobFile(id: string): Promise<{ path: string; release: () => Promise<void> }> {
  const backend = blobBackend();
  if (backend.kind === "disk") {
    const file = blobPath(id);
    if (!fs.existsSync(file)) throw new AppError("not_found", "errors.notFound");
    return { path: file, release: async () => {} };
  }
  const tmp = await tempFile();
  try {
    const { stream } = await openBlob(id);
    await pipeline(Readable.fromWeb(stream as import("node:stream/web").ReadableStream), fs.createWriteStream(tmp));
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  return { path: tmp, release: () => fsp.rm(tmp, { force: true }) };
}


/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export const TEMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Removes temporary files left by crashed writers: files of this host whose process is gone (or
 * is this pid reused by a new process), files in another or an unknown naming, and anything older
 * than `maxAgeMs`. A file of a live process on this host, and a young file written by another
 * host sharing the data folder, are kept. Returns how many files were removed.
 */
export async function cleanTempFiles(maxAgeMs = TEMP_MAX_AGE_MS): Promise<number> {
  let names: string[];
  try {
    names = await fsp.readdir(tempDir());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw e;
  }
  const now = Date.now();
  let removed = 0;
  for (const name of names) {
    const file = path.join(tempDir(), name);
    let stat: fs.Stats;
    try {
      stat = await fsp.stat(file);
    } catch {
      continue; // finished and renamed meanwhile
    }
    if (!stat.isFile()) continue;
    const m = TEMP_RE.exec(name);
    let dead: boolean;
    if (now - stat.mtimeMs > maxAgeMs) dead = true;
    else if (!m) dead = false; // not ours to judge until it is old (e.g. an older version's name)
    else if (m[1] !== HOST) dead = false; // another machine: its processes cannot be checked from here
    else if (Number(m[2]) === process.pid) dead = m[3] !== PROCESS_TOKEN;
    else dead = !processAlive(Number(m[2]));
    if (!dead) continue;
    await fsp.rm(file, { force: true });
    removed++;
  }
  return removed;
}

/** Blob ids a dataset's pending uploads name (any 64-hex string under schema.pendingUploads). */
async function pendingUploadBlobIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === "string") {
      if (ID_RE.test(v)) ids.add(v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  let cursor: string | undefined;
  for (;;) {
    const page = await db.dataset.findMany({
      select: { id: true, schema: true },
      orderBy: { id: "asc" },
      take: 200,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    for (const ds of page) {
      if (!ds.schema.includes("pendingUploads")) continue;
      try {
        walk((JSON.parse(ds.schema) as { pendingUploads?: unknown }).pendingUploads);
      } catch {
        // an unreadable schema names nothing
      }
    }
    if (page.length < 200) return ids;
    cursor = page[page.length - 1].id;
  }
}

/** Removes a blob unless it was written or touched since `cutoffMs` (see BlobBackend.removeIfOlder). */
function removeOldFile(id: string, cutoffMs: number): Promise<boolean> {
  return blobBackend().removeIfOlder(id, cutoffMs, tempFile);
}

export interface GarbageReport {
  /** Blob rows nothing referenced, removed with their files. */
  rows: number;
  /** Files under blobs/ without a row, removed. */
  files: number;
}

export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

/**
 * Deletes blobs nothing references, once they are older than `graceMs`: Blob rows no sample, model
 * version or uploaded backbone references and no dataset lists as a pending upload (a table waiting
 * for its column mapping), with their files; and files under blobs/ that have no row (left by a
 * crash between writing the file and creating the row). A blob written, stored again or touched
 * within the grace period is kept, so a request that is storing one right now is never robbed.
 */
export async function collectGarbage(graceMs = DEFAULT_GC_GRACE_MS): Promise<GarbageReport> {
  const cutoffMs = Date.now() - graceMs;
  const cutoff = new Date(cutoffMs);
  const unreferenced = { samples: { none: {} }, modelVersions: { none: {} }, customBackbones: { none: {} } };
  const pending = await pendingUploadBlobIds();
  const report: GarbageReport = { rows: 0, files: 0 };

  let cursor: string | undefined;
  for (;;) {
    const page = await db.blob.findMany({
      where: { createdAt: { lt: cutoff }, ...unreferenced },
      select: { id: true },
      orderBy: { id: "asc" },
      take: 500,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    for (const { id } of page) {
      if (pending.has(id)) continue;
      // Row first, and only while still old and unreferenced: a crash after this leaves an
      // unreferenced file (collected below next time), never a row without a file.
      const res = await db.blob.deleteMany({ where: { id, createdAt: { lt: cutoff }, ...unreferenced } });
      if (res.count === 1) {
        await removeOldFile(id, cutoffMs);
        report.rows++;
      }
    }
    if (page.length < 500) break;
    cursor = page[page.length - 1].id;
  }

  report.files = await sweepRowlessBlobs(cutoffMs, pending);
  return report;
}

/**
 * Removes stored blobs that have no row and were last written before `cutoffMs` (left by a crash
 * between writing the blob and creating its row), except those a pending upload names. Returns how
 * many were removed.
 */
export async function sweepRowlessBlobs(cutoffMs: number, pending?: Set<string>): Promise<number> {
  const keep = pending ?? (await pendingUploadBlobIds());
  let removed = 0;
  let batch: string[] = [];
  const sweep = async () => {
    const rows = await db.blob.findMany({ where: { id: { in: batch } }, select: { id: true } });
    const known = new Set(rows.map((r) => r.id));
    for (const id of batch) if (!known.has(id) && !keep.has(id) && (await removeOldFile(id, cutoffMs))) removed++;
    batch = [];
  };
  for await (const f of blobBackend().list()) {
    if (f.mtimeMs >= cutoffMs) continue;
    batch.push(f.id);
    if (batch.length === 500) await sweep();
  }
  if (batch.length) await sweep();
  return removed;
}
