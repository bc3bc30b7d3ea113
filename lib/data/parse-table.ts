import { type CsvDelimiter, parseCsv } from "./csv";
import { type DataInput, toBytes } from "./input";
import type { Result } from "./issues";
import { parseJsonl } from "./jsonl";
import type { DataLimits } from "./limits";
import { parsePastedLines } from "./pasted";
import type { HeaderMode, Table, TableFormat } from "./table";
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
      return parseJsonl(input, options);
    case "pasted-lines":
      return parsePastedLines(input, options);
    case "csv":
    case "ratings-csv":
      return parseCsv(input, options);
  }
}
