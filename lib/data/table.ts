import { isKnownColumnName } from "./column-names";
import type { TextEncodingId } from "./encoding";
import { type DataIssue, type Result, error, fail, ok, warning } from "./issues";
import type { DataLimits } from "./limits";

export type TableFormat = "csv" | "xlsx" | "jsonl" | "pasted-lines";

/** "auto" decides from the content; the UI can re-parse with "first-row" or "none" if it guessed wrong. */
export type HeaderMode = "auto" | "first-row" | "none";

/** A rectangular table of trimmed string cells, the common shape of CSV, XLSX, JSONL and pasted text. */
export interface Table {
  /** Unique, non-empty column names ("Column 3" for a blank header, "label (2)" for a repeat). */
  headers: string[];
  /** Data rows; each has exactly headers.length cells ("" when missing). */
  rows: string[][];
  /** rowNumbers[i] is the row (or line) the user sees for rows[i] in the file; the header is row 1. */
  rowNumbers: number[];
  hasHeader: boolean;
  format: TableFormat;
  encoding?: TextEncodingId;
  /** Delimiter found in a CSV/TSV or pasted text. */
  delimiter?: string;
  sheetName?: string;
}

/** Name for a column without a header; 1-based like a spreadsheet. */
export const columnName = (index: number) => `Column ${index + 1}`;

function uniqueHeaders(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    const base = h.trim() || columnName(i);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

const NUMBER_RE = /^[-+]?(\d+([.,]\d+)*|\.\d+)(e[-+]?\d+)?%?$/i;

/** Decides whether the first record is a header row. */
export function looksLikeHeader(first: readonly string[], rest: readonly (readonly string[])[]): boolean {
  const cells = first.map((c) => c.trim());
  const filled = cells.filter((c) => c !== "");
  if (filled.length === 0) return false;
  if (rest.length === 0) return true;
  if (filled.some(isKnownColumnName)) return true;
  if (filled.some((c) => NUMBER_RE.test(c))) return false;
  // a label column repeats its values, so a first-row value seen again below is data, not a name
  const sample = rest.slice(0, 200);
  for (let col = 0; col < cells.length; col++) {
    if (!cells[col]) continue;
    if (sample.some((r) => (r[col] ?? "").trim() === cells[col])) return false;
  }
  return filled.every((c) => c.length <= 40);
}

const isBlank = (record: readonly string[]) => record.every((c) => c.trim() === "");

/**
 * Turns raw records into a Table: skips blank records (their numbers still count), picks the header,
 * pads short rows, rejects rows with extra non-empty cells, and enforces column and row limits.
 */
export function buildTable(
  records: string[][],
  recordRows: number[],
  meta: Omit<Table, "headers" | "rows" | "rowNumbers" | "hasHeader">,
  header: HeaderMode,
  limits: DataLimits,
): Result<Table> {
  const issues: DataIssue[] = [];
  const kept: { cells: string[]; row: number }[] = [];
  records.forEach((r, i) => {
    if (!isBlank(r)) kept.push({ cells: r.map((c) => c.trim()), row: recordRows[i] });
  });
  if (kept.length === 0) return fail([error("file-empty")]);

  const hasHeader =
    header === "first-row" ||
    (header === "auto" && looksLikeHeader(kept[0].cells, kept.slice(1).map((k) => k.cells)));
  const headerCells = hasHeader ? trimTrailingEmpty(kept[0].cells) : [];
  const data = hasHeader ? kept.slice(1) : kept;
  const width = hasHeader
    ? Math.max(headerCells.length, 1)
    : Math.max(1, ...data.map((d) => trimTrailingEmpty(d.cells).length));
  if (width > limits.maxColumns) {
    return fail([error("table-too-many-columns", { count: width, limit: limits.maxColumns })]);
  }
  const headers = uniqueHeaders(hasHeader ? padTo(headerCells, width) : Array.from({ length: width }, () => ""));
  if (hasHeader && data.length === 0) return fail([error("table-no-rows")]);

  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  for (const d of data) {
    const used = trimTrailingEmpty(d.cells).length;
    if (used > width) {
      issues.push(error("row-extra-cells", { cells: used, columns: width }, { row: d.row }));
      continue;
    }
    if (rows.length >= limits.maxRows) {
      issues.push(warning("table-too-many-rows", { limit: limits.maxRows }, { row: d.row }));
      break;
    }
    rows.push(padTo(d.cells.slice(0, width), width));
    rowNumbers.push(d.row);
  }
  return ok({ ...meta, headers, rows, rowNumbers, hasHeader }, issues);
}

function trimTrailingEmpty(cells: string[]): string[] {
  let n = cells.length;
  while (n > 0 && cells[n - 1].trim() === "") n--;
  return cells.slice(0, n);
}

function padTo(cells: string[], width: number): string[] {
  const out = cells.slice(0, width);
  while (out.length < width) out.push("");
  return out;
}

/** Index of a column by header name, or -1. */
export function columnIndex(table: Pick<Table, "headers">, name: string): number {
  return table.headers.indexOf(name);
}
