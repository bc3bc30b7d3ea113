import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, Prisma } from "./generated/prisma/client";
import { PrismaClient as PrismaClientPg } from "./generated/prisma-pg/client";
import { createPgPool } from "./pg-pool.mjs";
import type { BlobBackend } from "./blob-backends";

/**
 * Moves a running install from the embedded SQLite database and local blob folder to PostgreSQL
 * and (optionally) S3-compatible storage: copies every row and every blob, then verifies row counts
 * per table and the SHA-256 of every copied blob against its id. The target database must be
 * migrated and empty. The source is only read. `npm run move-install` (scripts/move-install.ts).
 */

/** Tables in an order that satisfies every foreign key (Project's active version is set last). */
export const COPY_ORDER = [
  "User",
  "Session",
  "KnownDevice",
  "RateLimitBucket",
  "Project",
  "Blob",
  "Dataset",
  "DatasetVersion",
  "Sample",
  "ModelVersion",
  "CustomBackbone",
  "ShareLink",
  "EmbedSettings",
  "ApiKey",
  "PredictionEvent",
  "FeedbackEvent",
] as const satisfies readonly Prisma.ModelName[];

type Table = (typeof COPY_ORDER)[number];

/** The primary key column per table (all string ids; the rate-limit table is keyed by `key`). */
const KEY: Partial<Record<Table, string>> = { RateLimitBucket: "key" };
const PAGE = 1_000;

export interface MoveReport {
  rows: Record<string, { source: number; target: number }>;
  blobs: { copied: number; bytes: number; verified: number; missingInSource: string[] };
}

export interface MoveOptions {
  sourceSqliteUrl: string;
  targetPostgresUrl: string;
  sourceBlobs: BlobBackend;
  /** Where blobs go; the same as the source when only the database moves. */
  targetBlobs: BlobBackend;
  /** Folder for temporary files while copying blobs. */
  tmpDir?: string;
  log?: (line: string) => void;
}

type Delegate = {
  findMany(args: object): Promise<Record<string, unknown>[]>;
  createMany(args: { data: Record<string, unknown>[] }): Promise<{ count: number }>;
  count(): Promise<number>;
};

const delegate = (client: unknown, table: Table): Delegate =>
  (client as Record<string, Delegate>)[table.charAt(0).toLowerCase() + table.slice(1)];

export async function moveInstall(opts: MoveOptions): Promise<MoveReport> {
  const log = opts.log ?? (() => {});
  const source = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: opts.sourceSqliteUrl }) });
  const target = new PrismaClientPg({ adapter: new PrismaPg(createPgPool(opts.targetPostgresUrl, { max: 4 })) }) as unknown as PrismaClient;
  const report: MoveReport = { rows: {}, blobs: { copied: 0, bytes: 0, verified: 0, missingInSource: [] } };
  try {
    for (const table of COPY_ORDER) {
      if ((await delegate(target, table).count()) > 0) {
        throw new Error(`The target database is not empty (table ${table} has rows). Move into a new, migrated database.`);
      }
    }

    // Blobs first: a row that names a blob is only written once the blob is in the target store.
    const blobs: { id: string; mime: string }[] = [];
    for await (const page of pages(source, "Blob", "id")) blobs.push(...page.map((b) => ({ id: String(b.id), mime: String(b.mime) })));
    const tmpRoot = await fsp.mkdtemp(path.join(opts.tmpDir ?? os.tmpdir(), "move-install-"));
    try {
      for (const [i, { id, mime }] of blobs.entries()) {
        const copied = await copyBlob(id, mime, opts.sourceBlobs, opts.targetBlobs, tmpRoot);
        if (copied === null) report.blobs.missingInSource.push(id);
        else {
          report.blobs.copied++;
          report.blobs.bytes += copied;
        }
        if ((i + 1) % 500 === 0) log(`blobs: ${i + 1} of ${blobs.length}`);
      }
    } finally {
      await fsp.rm(tmpRoot, { recursive: true, force: true });
    }
    if (report.blobs.missingInSource.length) {
      throw new Error(`${report.blobs.missingInSource.length} blob(s) named by the database are missing in the source folder (first: ${report.blobs.missingInSource[0]}). Nothing was written to the target database.`);
    }
    log(`blobs: ${report.blobs.copied} copied (${report.blobs.bytes} bytes)`);

    const active: { id: string; activeModelVersionId: string }[] = [];
    for (const table of COPY_ORDER) {
      let n = 0;
      for await (const page of pages(source, table, KEY[table] ?? "id")) {
        const rows =
          table === "Project"
            ? page.map((p) => {
                if (p.activeModelVersionId) active.push({ id: String(p.id), activeModelVersionId: String(p.activeModelVersionId) });
                return { ...p, activeModelVersionId: null };
              })
            : page;
        await delegate(target, table).createMany({ data: rows });
        n += rows.length;
      }
      log(`${table}: ${n} row(s)`);
    }
    for (const p of active) await target.project.update({ where: { id: p.id }, data: { activeModelVersionId: p.activeModelVersionId } });

    // Verify: the same number of rows everywhere, and every blob in the target hashes to its id.
    for (const table of COPY_ORDER) {
      const [s, t] = await Promise.all([delegate(source, table).count(), delegate(target, table).count()]);
      report.rows[table] = { source: s, target: t };
      if (s !== t) throw new Error(`Table ${table}: ${s} rows in the source, ${t} in the target.`);
    }
    const activeCount = await target.project.count({ where: { activeModelVersionId: { not: null } } });
    if (activeCount !== active.length) throw new Error(`Active model versions: ${active.length} in the source, ${activeCount} in the target.`);
    for (const { id } of blobs) {
      const { stream } = await opts.targetBlobs.open(id);
      const hash = createHash("sha256");
      for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
      if (hash.digest("hex") !== id) throw new Error(`Blob ${id} does not match its hash in the target store.`);
      report.blobs.verified++;
    }
    log(`verified: row counts of ${COPY_ORDER.length} tables, ${report.blobs.verified} blob hashes`);
    return report;
  } finally {
    await Promise.all([source.$disconnect(), target.$disconnect()]);
  }
}

/** Rows of a table in pages, in primary-key order. */
async function* pages(client: unknown, table: Table, key: string): AsyncGenerator<Record<string, unknown>[]> {
  let cursor: unknown = undefined;
  for (;;) {
    const page = await delegate(client, table).findMany({
      orderBy: { [key]: "asc" },
      take: PAGE,
      ...(cursor !== undefined ? { skip: 1, cursor: { [key]: cursor } } : {}),
    });
    if (page.length) yield page;
    if (page.length < PAGE) return;
    cursor = page[page.length - 1][key];
  }
}

/** Copies one blob through a local file, checking its hash; null when the source lacks it. */
async function copyBlob(id: string, mime: string, from: BlobBackend, to: BlobBackend, tmpRoot: string): Promise<number | null> {
  let opened: { stream: ReadableStream<Uint8Array>; size: number };
  try {
    opened = await from.open(id);
  } catch (e) {
    if ((e as Error).name === "BlobNotFoundError") return null;
    throw e;
  }
  const tmp = path.join(tmpRoot, `${id}.part`);
  const hash = createHash("sha256");
  let size = 0;
  const out = fs.createWriteStream(tmp);
  try {
    for await (const chunk of opened.stream as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.byteLength;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (e) {
    out.destroy();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  if (hash.digest("hex") !== id) {
    await fsp.rm(tmp, { force: true });
    throw new Error(`Blob ${id} in the source folder does not match its hash: the source is damaged.`);
  }
  await to.place(tmp, id, size, mime);
  return size;
}
