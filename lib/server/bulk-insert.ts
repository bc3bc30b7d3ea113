import "server-only";
import { randomBytes } from "node:crypto";
import { dbProvider, type Prisma } from "./db";
import { sqliteTime } from "./sql-time";

/*
 * Bulk inserts for the two places that write many rows at once: imports (dataset rows) and the
 * REST API's usage log. Prisma's createMany builds and interprets each row on the request thread:
 * 4,000 rows of 500 columns (10 MB) took about 930 ms of it, a plain multi-row INSERT about 600 ms
 * (side by side on SQLite); and one createMany of 500 usage events held the thread 30–50 ms in one
 * piece, which every other request waited for. Here each statement is small (MAX_ROWS rows, about
 * MAX_BYTES of text) and the thread is free between statements. Ids and timestamps are made the
 * way Prisma makes them.
 */

type Tx = Prisma.TransactionClient;

/**
 * `n` new row ids in ascending order (rows of one import share a creation time, and lists sort by
 * creation time, then id: the ids keep the given order). Same shape as Prisma's cuid: "c", the
 * time, a sequence and random characters; unique without a lookup.
 */
export function newRowIds(n: number, now = Date.now()): string[] {
  const time = now.toString(36).padStart(9, "0");
  const salt = randomBytes(6).toString("hex");
  const ids: string[] = new Array(n);
  for (let i = 0; i < n; i++) ids[i] = `c${time}${i.toString(36).padStart(6, "0")}${salt}`;
  return ids;
}

export interface BulkOptions {
  /** Rows per INSERT statement at most. Default 100. */
  maxRows?: number;
  /** About this many bytes of text per statement at most. Default 256 KiB. */
  maxBytes?: number;
}

type Value = string | number | null | Date;

/**
 * Inserts `rows` (values in the order of `columns`) into `table` inside the caller's transaction,
 * in order, a few rows per statement, yielding to other requests between statements (SQLite's
 * driver runs each one synchronously). Dates are stored as Prisma stores them.
 */
export async function bulkInsert(tx: Tx, table: string, columns: readonly string[], rows: Value[][], opts: BulkOptions = {}): Promise<void> {
  const maxRows = opts.maxRows ?? 100;
  const maxBytes = opts.maxBytes ?? 256 * 1024;
  const pg = dbProvider === "postgresql";
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
  for (let start = 0; start < rows.length; ) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    let bytes = 0;
    while (start < rows.length && tuples.length < maxRows && bytes < maxBytes) {
      const marks = rows[start++].map((v) => {
        if (typeof v === "string") bytes += v.length;
        params.push(v instanceof Date && !pg ? sqliteTime(v) : v);
        return pg ? `$${params.length}` : "?";
      });
      tuples.push(`(${marks.join(", ")})`);
    }
    await tx.$executeRawUnsafe(head + tuples.join(", "), ...params);
    if (start < rows.length) await new Promise((r) => setImmediate(r));
  }
}

export interface SampleRow {
  text: string | null;
  label: string | null;
  data?: string | null;
  blobId?: string | null;
  fileName?: string | null;
}

const SAMPLE_COLUMNS = ["id", "datasetId", "label", "text", "data", "blobId", "fileName", "source", "createdAt", "updatedAt"] as const;

/** Adds dataset rows inside the caller's transaction, in the given order. */
export async function insertSamples(tx: Tx, datasetId: string, rows: SampleRow[], source: string): Promise<void> {
  const now = new Date();
  const ids = newRowIds(rows.length, now.getTime());
  const values = rows.map((r, i) => [ids[i], datasetId, r.label, r.text, r.data ?? null, r.blobId ?? null, r.fileName ?? null, source, now, now]);
  await bulkInsert(tx, "Sample", SAMPLE_COLUMNS, values, { maxRows: 500 });
}
