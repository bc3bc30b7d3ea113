import Papa from "papaparse";
import { decodeText, sniffBinary, type DecodedText } from "./encoding";
import { type DataInput, byteLength } from "./input";
import { type DataIssue, type Result, error, fail, ok, warning, withFile } from "./issues";
import { type DataLimits, resolveLimits } from "./limits";
import { type HeaderMode, type Table, buildTable } from "./table";

export const CSV_DELIMITERS = [",", "\t", ";", "|"] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export interface TextTableOptions {
  header?: HeaderMode;
  /** Overrides delimiter detection. */
  delimiter?: CsvDelimiter;
  /** Shown in issues; never used as a path. */
  fileName?: string;
  limits?: Partial<DataLimits>;
}

/** Size and content checks shared by every text format, then decoding. */
export function readTextInput(
  input: DataInput,
  limits: DataLimits,
): { ok: true; decoded: DecodedText; issues: DataIssue[] } | { ok: false; issues: DataIssue[] } {
  const size = byteLength(input);
  if (size === 0) return { ok: false, issues: [error("file-empty")] };
  if (size > limits.maxUploadBytes) {
    return { ok: false, issues: [error("file-too-large", { sizeBytes: size, limitBytes: limits.maxUploadBytes })] };
  }
  if (typeof input !== "string") {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    const binary = sniffBinary(bytes);
    if (binary === "old-excel") return { ok: false, issues: [error("file-old-excel")] };
    if (binary) return { ok: false, issues: [error("file-not-text", { kind: binary })] };
  }
  const decoded = decodeText(input);
  const issues = decoded.guessed ? [warning("file-encoding-guessed", { encoding: decoded.encoding })] : [];
  if (decoded.text.trim() === "") return { ok: false, issues: [error("file-empty")] };
  return { ok: true, decoded, issues };
}

/**
 * Picks the delimiter that splits the first records into the most consistent number of (>1) fields;
 * ties prefer tab, then comma, semicolon, pipe. Returns "," for single-column text.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const sample = text.slice(0, 64 * 1024);
  const order: CsvDelimiter[] = ["\t", ",", ";", "|"];
  let best: CsvDelimiter = ",";
  let bestScore = 0;
  for (const d of order) {
    const parsed = Papa.parse<string[]>(sample, { delimiter: d, preview: 50, skipEmptyLines: "greedy" });
    const counts = parsed.data.map((r) => r.length);
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 1;
    let modeFreq = 0;
    for (const [c, f] of freq) if (f > modeFreq || (f === modeFreq && c > mode)) [mode, modeFreq] = [c, f];
    if (mode < 2) continue;
    const score = modeFreq / counts.length;
    if (score > bestScore + 1e-9) [best, bestScore] = [d, score];
  }
  return best;
}

/**
 * Parses CSV/TSV bytes or text: encoding detected (UTF-8 with or without BOM, UTF-16, GB18030),
 * delimiter detected, quoted fields with delimiters and newlines, CRLF. Row numbers count records
 * as a spreadsheet shows them (a quoted newline does not start a new row).
 */
export function parseCsv(input: DataInput, options: TextTableOptions = {}): Result<Table> {
  const limits = resolveLimits(options.limits);
  const read = readTextInput(input, limits);
  if (!read.ok) return fail(withFile(read.issues, options.fileName));
  const { text, encoding } = read.decoded;
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false });
  const issues = [...read.issues];
  const badRecords = new Set<number>();
  for (const e of parsed.errors) {
    // an unclosed quote swallows the rest of the file into one cell: reject that record
    if (e.code === "MissingQuotes" && typeof e.row === "number") {
      badRecords.add(e.row);
      issues.push(error("csv-unclosed-quote", {}, { row: e.row + 1 }));
    }
  }
  const records: string[][] = [];
  const rows: number[] = [];
  parsed.data.forEach((r, i) => {
    if (badRecords.has(i)) return;
    records.push(r);
    rows.push(i + 1);
  });
  const table = buildTable(records, rows, { format: "csv", encoding, delimiter }, options.header ?? "auto", limits);
  const all = [...issues, ...table.issues];
  withFile(all, options.fileName);
  return table.ok ? ok(table.value, all) : fail(all);
}
