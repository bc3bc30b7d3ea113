import { type ByteSource, type CsvDelimiter, parseCsv, parseCsvSource } from "./csv";
import { type DataInput, toBytes } from "./input";
import { type Result, error, fail, withFile } from "./issues";
import { parseJsonl } from "./jsonl";
import { type DataLimits, resolveLimits } from "./limits";
import { parsePastedLines } from "./pasted";
import { type HeaderMode, type Table, type TableFormat, limitTable } from "./table";
import { parseXlsx } from "./xlsx";
import { isZip } from "./zip";

/** Data formats (DataFormatId) that produce a Table and then go through column mapping. */
export const TABLE_FORMAT_IDS = ["csv", "xlsx", "jsonl", "pasted-lines", "ratings-csv"] as const;
export type TableFormatId = (typeof TABLE_FORMAT_IDS)[number];

export interface ParseTableOptions {
  /** Default: detected from the content (and the file name as a hint). */
  format?: TableFormatId;
  fileName?: string;
  header?: HeaderMode;
  delimiter?: CsvDelimiter;
  /** XLSX only: sheet name or 1-based number. */
  sheet?: string | number;
  limits?: Partial<DataLimits>;
}

/**
 * Which table parser fits: XLSX by its ZIP signature, JSONL/JSON when the text starts with "{" or "[",
 * otherwise CSV. The file name only breaks ties; content wins.
 */
export function detectTableFormat(input: DataInput, fileName?: string): TableFormat {
  if (typeof input !== "string" && isZip(toBytes(input))) return "xlsx";
  const head =
    typeof input === "string" ? input.slice(0, 512) : new TextDecoder("utf-8").decode(toBytes(input).subarray(0, 512));
  const first = head.replace(/^\uFEFF/, "").trimStart()[0];
  if (first === "{") return "jsonl";
  if (first === "[" && /\.json(l)?$/i.test(fileName ?? "")) return "jsonl";
  if (first === "[" && /^\s*\[\s*(\{|\])/.test(head.replace(/^\uFEFF/, ""))) return "jsonl";
  return "csv";
}

/** Parses any table format into a Table (async because XLSX reading is). */
export async function parseTable(input: DataInput, options: ParseTableOptions = {}): Promise<Result<Table>> {
  const format = options.format ?? detectTableFormat(input, options.fileName);
  switch (format) {
    case "xlsx":
      return parseXlsx(input, options);
    case "jsonl":
      return limitTable(parseJsonl(input, options), resolveLimits(options.limits));
    case "pasted-lines":
      return limitTable(parsePastedLines(input, options), resolveLimits(options.limits));
    case "csv":
    case "ratings-csv":
      return parseCsv(input, options);
  }
}

/**
 * parseTable for a file read chunk by chunk (`source` can be read again from the start): CSV and
 * TSV stream through the tokenizer and are never held whole; XLSX, JSONL and pasted lines are
 * read into memory first (at most maxUploadBytes) and parsed as parseTable does.
 */
export async function parseTableSource(source: ByteSource, size: number, options: ParseTableOptions = {}): Promise<Result<Table>> {
  const limits = resolveLimits(options.limits);
  if (size > limits.maxUploadBytes) {
    return fail(withFile([error("file-too-large", { sizeBytes: size, limitBytes: limits.maxUploadBytes })], options.fileName));
  }
  const head: Uint8Array[] = [];
  let headSize = 0;
  for await (const chunk of source()) {
    head.push(chunk);
    headSize += chunk.length;
    if (headSize >= 512) break;
  }
  const format = options.format ?? detectTableFormat(concat(head, headSize), options.fileName);
  if (format === "csv" || format === "ratings-csv") return parseCsvSource(source, size, { ...options, format: "csv" });
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source()) {
    parts.push(chunk);
    total += chunk.length;
    if (total > limits.maxUploadBytes) break;
  }
  return parseTable(concat(parts, total), { ...options, format });
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0].length === size) return parts[0];
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p.subarray(0, size - o), o);
    o += Math.min(p.length, size - o);
  }
  return out;
}
