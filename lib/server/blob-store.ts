import "server-only";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { dataDir } from "./db-url.mjs";
import { db } from "./db";
import { AppError } from "./errors";

/**
 * Content-addressed blob store under DATA_DIR/blobs. Bytes are written to a temporary file,
 * fsynced and renamed into place before the database row is created, so the database never
 * references a missing or half-written file. The same bytes uploaded twice are stored once.
 */
export function blobRoot(): string {
  return path.join(dataDir(), "blobs");
}

const ID_RE = /^[0-9a-f]{64}$/;

export function blobPath(id: string): string {
  if (!ID_RE.test(id)) throw new AppError("not_found", "errors.notFound");
  return path.join(blobRoot(), id.slice(0, 2), id.slice(2, 4), id);
}

async function tempFile(): Promise<string> {
  const dir = path.join(blobRoot(), "tmp");
  await fsp.mkdir(dir, { recursive: true });
  return path.join(dir, `${Date.now()}-${randomBytes(8).toString("hex")}.part`);
}

async function moveIntoPlace(tmp: string, id: string): Promise<void> {
  const final = blobPath(id);
  await fsp.mkdir(path.dirname(final), { recursive: true });
  if (fs.existsSync(final)) {
    await fsp.rm(tmp, { force: true });
    return;
  }
  await fsp.rename(tmp, final);
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
    update: {},
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
  if (fs.existsSync(blobPath(id))) return { id, size: bytes.byteLength, created: false };
  const tmp = await tempFile();
  const fh = await fsp.open(tmp, "w");
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await moveIntoPlace(tmp, id);
  return { id, size: bytes.byteLength, created: true };
}

/** Deletes a blob's file when no database row names it (after a failed transaction). */
export async function removeUnreferencedFile(id: string): Promise<void> {
  if (!(await db.blob.findUnique({ where: { id }, select: { id: true } }))) await fsp.rm(blobPath(id), { force: true });
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
      await moveIntoPlace(tmp, id);
      return upsertRow(id, size, mime, ownerId);
    },
  };
}

export async function readBlob(id: string): Promise<Buffer> {
  return fsp.readFile(blobPath(id));
}

/** Deletes blobs that no sample, model version or uploaded backbone references any more (older than `graceMs`). */
export async function collectGarbage(graceMs = 60 * 60 * 1000): Promise<number> {
  const cutoff = new Date(Date.now() - graceMs);
  const unreferenced = { samples: { none: {} }, modelVersions: { none: {} }, customBackbones: { none: {} } };
  const orphans = await db.blob.findMany({
    where: { createdAt: { lt: cutoff }, ...unreferenced },
    select: { id: true },
    take: 1000,
  });
  let removed = 0;
  for (const { id } of orphans) {
    // Row first: a crash after this leaves an unreferenced file, never a row without a file.
    const res = await db.blob.deleteMany({ where: { id, ...unreferenced } });
    if (res.count === 1) {
      await fsp.rm(blobPath(id), { force: true });
      removed++;
    }
  }
  return removed;
}
