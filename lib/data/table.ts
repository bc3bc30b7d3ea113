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

/** What a streaming tokenizer already knows about a record (CsvTokenizer fills both). */
export interface RecordInfo {
  /** 1 + the index of the last non-blank cell, also counting cells the tokenizer did not keep. */
  used?: number;
  /** A cell too long to build: its index and length. */
  tooLong?: { column: number; length: number };
}

interface Entry {
  cells: string[];
  row: number;
  used: number;
  tooLong?: { column: number; length: number };
}

type Meta = Omit<Table, "headers" | "rows" | "rowNumbers" | "hasHeader">;

/**
 * Builds a Table from records pushed one at a time, so a parser never holds more than the table
 * itself: skips blank records (their numbers still count), picks the header from the first 201
 * records, pads short rows, rejects rows with extra non-empty cells or a cell longer than
 * maxTextChars (row and column named), and enforces the column, row and cell limits. `push`
 * returns false once nothing more will be used (a limit was reached, or the table failed), so
 * the caller can stop reading.
 */
export class TableBuilder {
  private phase: "detect" | "rows" | "done" = "detect";
  private buffered: Entry[] = [];
  private keptBuffered = 0;
  private hasHeader = false;
  private width = 0;
  private headers: string[] = [];
  private dataCount = 0;
  private readonly rows: string[][] = [];
  private readonly rowNumbers: number[] = [];
  private readonly issues: DataIssue[] = [];
  private omittedIssues = 0;
  private failure: DataIssue[] | null = null;

  constructor(
    private readonly meta: Meta,
    private readonly header: HeaderMode,
    private readonly limits: DataLimits,
  ) {}

  /** Records kept so far. */
  get rowCount(): number {
    return this.rows.length;
  }

  private addIssue(issue: DataIssue) {
    if (this.issues.length < this.limits.maxIssues) this.issues.push(issue);
    else this.omittedIssues++;
  }

  private fail(issues: DataIssue[]) {
    this.failure = issues;
    this.phase = "done";
  }

  push(cells: readonly string[], row: number, info: RecordInfo = {}): boolean {
    if (this.phase === "done") return false;
    const trimmed = cells.map((c) => c.trim());
    const used = info.used ?? trimTrailingEmpty(trimmed).length;
    let tooLong = info.tooLong;
    if (!tooLong) {
      const i = trimmed.findIndex((c) => c.length > this.limits.maxTextChars);
      if (i >= 0) tooLong = { column: i, length: trimmed[i].length };
    }
    if (used === 0 && !tooLong) return true; // blank record
    const entry: Entry = { cells: trimmed, row, used, tooLong };
    if (this.phase === "rows") return this.data(entry);
    this.buffered.push(entry);
    if (!tooLong) this.keptBuffered++;
    // "auto" looks at the first record and up to 200 more; the other modes need only the first
    if (this.keptBuffered >= (this.header === "auto" ? 201 : 1)) return this.decide();
    return true;
  }

  private decide(): boolean {
    const buffered = this.buffered;
    this.buffered = [];
    const kept = buffered.filter((e) => !e.tooLong);
    const first = kept[0];
    this.hasHeader =
      this.header === "first-row" ||
      (this.header === "auto" && looksLikeHeader(first.cells, kept.slice(1).map((k) => k.cells)));
    this.phase = "rows";
    if (this.hasHeader) {
      this.width = Math.max(first.used, 1);
      if (this.width > this.limits.maxColumns) {
        this.fail([error("table-too-many-columns", { count: this.width, limit: this.limits.maxColumns })]);
        return false;
      }
      this.headers = uniqueHeaders(padTo(trimTrailingEmpty(first.cells), this.width));
    } else this.width = 1;
    for (const e of buffered) {
      if (e === first && this.hasHeader) continue;
      if (!this.data(e)) return false;
    }
    return true;
  }

  private columnLabel(i: number): string {
    return this.hasHeader && i < this.headers.length ? this.headers[i] : columnName(i);
  }

  private data(d: Entry): boolean {
    const { limits } = this;
    this.dataCount++;
    if (this.hasHeader && d.used > this.width) {
      this.addIssue(error("row-extra-cells", { cells: d.used, columns: this.width }, { row: d.row }));
      return true;
    }
    if (!this.hasHeader && d.used > limits.maxColumns) {
      this.fail([error("table-too-many-columns", { count: d.used, limit: limits.maxColumns })]);
      return false;
    }
    if (d.tooLong) {
      const { column, length } = d.tooLong;
      this.addIssue(error("text-too-long", { length, limit: limits.maxTextChars }, { row: d.row, column: this.columnLabel(column) }));
      return true;
    }
    if (this.rows.length >= limits.maxRows) {
      this.addIssue(warning("table-too-many-rows", { limit: limits.maxRows }, { row: d.row }));
      this.phase = "done";
      return false;
    }
    const width = this.hasHeader ? this.width : Math.max(this.width, d.used);
    if ((this.rows.length + 1) * width > limits.maxCells) {
      this.addIssue(warning("table-too-many-cells", { limit: this.rows.length, cells: limits.maxCells, columns: width }, { row: d.row }));
      this.phase = "done";
      return false;
    }
    this.width = width;
    this.rows.push(this.hasHeader ? padTo(d.cells, width) : d.cells.slice(0, d.used));
    this.rowNumbers.push(d.row);
    return true;
  }

  finish(): Result<Table> {
    if (this.phase === "detect") {
      if (this.keptBuffered === 0) {
        // nothing but rejected (too long) records, or nothing at all
        const issues = this.buffered.map((e) => error("text-too-long", { length: e.tooLong!.length, limit: this.limits.maxTextChars }, { row: e.row, column: columnName(e.tooLong!.column) }));
        return fail(issues.length ? issues : [error("file-empty")]);
      }
      this.decide();
    }
    if (this.failure) return fail(this.failure);
    if (this.hasHeader && this.dataCount === 0) return fail([error("table-no-rows")]);
    const issues = [...this.issues];
    if (this.omittedIssues > 0) issues.push(warning("more-issues", { count: this.omittedIssues }));
    if (!this.hasHeader) {
      this.headers = uniqueHeaders(Array.from({ length: this.width }, () => ""));
      for (let i = 0; i < this.rows.length; i++) if (this.rows[i].length < this.width) this.rows[i] = padTo(this.rows[i], this.width);
    }
    this.phase = "done";
    return ok({ ...this.meta, headers: this.headers, rows: this.rows, rowNumbers: this.rowNumbers, hasHeader: this.hasHeader }, issues);
  }
}

/**
 * Turns raw records into a Table: skips blank records (their numbers still count), picks the header,
 * pads short rows, rejects rows with extra non-empty cells or an over-long cell, and enforces
 * column, row and cell limits (TableBuilder, fed all records at once).
 */
export function buildTable(
  records: string[][],
  recordRows: number[],
  meta: Meta,
  header: HeaderMode,
  limits: DataLimits,
): Result<Table> {
  const builder = new TableBuilder(meta, header, limits);
  for (let i = 0; i < records.length; i++) if (!builder.push(records[i], recordRows[i])) break;
  return builder.finish();
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

/**
 * The text, cell and issue limits for a Table a parser built on its own (JSONL, "label: text"
 * lines): rows with a cell longer than maxTextChars are left out (row and column named), rows past
 * maxCells are left out with a warning, and at most maxIssues issues are listed.
 */
export function limitTable(result: Result<Table>, limits: DataLimits): Result<Table> {
  if (!result.ok) return result;
  const table = result.value;
  const width = Math.max(table.headers.length, 1);
  const issues: DataIssue[] = [...result.issues];
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  for (let i = 0; i < table.rows.length; i++) {
    const cells = table.rows[i];
    const row = table.rowNumbers[i];
    const long = cells.findIndex((c) => c.length > limits.maxTextChars);
    if (long >= 0) {
      issues.push(error("text-too-long", { length: cells[long].length, limit: limits.maxTextChars }, { row, column: table.headers[long] }));
      continue;
    }
    if ((rows.length + 1) * width > limits.maxCells) {
      issues.push(warning("table-too-many-cells", { limit: rows.length, cells: limits.maxCells, columns: width }, { row }));
      break;
    }
    rows.push(cells);
    rowNumbers.push(row);
  }
  const capped = capIssues(issues, limits.maxIssues);
  if (rows.length === table.rows.length && capped.length === result.issues.length) return result;
  return ok({ ...table, rows, rowNumbers }, capped);
}

/** At most `max` issues, errors and warnings in their order, plus one line counting the rest. */
export function capIssues(issues: DataIssue[], max: number): DataIssue[] {
  if (issues.length <= max) return issues;
  return [...issues.slice(0, max), warning("more-issues", { count: issues.length - max })];
}
