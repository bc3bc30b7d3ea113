import Papa from "papaparse";
import { CsvTokenizer, guessNewline } from "./csv-tokenizer";
import {
  type DecodedText,
  GB18030_SHARE,
  Gb2312Share,
  type TextEncodingId,
  decodeText,
  encodingFromPrefix,
  incrementalDecoder,
  sniffBinary,
} from "./encoding";
import { type DataInput, byteLength } from "./input";
import { type DataIssue, type Result, error, fail, ok, warning, withFile } from "./issues";
import { type DataLimits, resolveLimits } from "./limits";
import { type HeaderMode, type Table, TableBuilder } from "./table";

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

/** Characters read before the delimiter and the line ending are guessed (Papa guesses from 1M). */
const GUESS_CHARS = 1024 * 1024;

/**
 * CSV text in, Table out, chunk by chunk: the first 1M characters are held to guess the line
 * ending (and the first 64K the delimiter), then records stream through CsvTokenizer into a
 * TableBuilder. A cell past the text limit is never built; reading stops as soon as a limit
 * makes the rest unused. Issues come in the order parseCsv always gave them.
 */
export class CsvTableReader {
  private head = "";
  private tokenizer: CsvTokenizer | null = null;
  private builder: TableBuilder | null = null;
  private unclosed: DataIssue | null = null;
  private nonBlank = false;
  private delimiter: CsvDelimiter | undefined;

  constructor(
    private readonly options: { delimiter?: CsvDelimiter; header?: HeaderMode; encoding: TextEncodingId; limits: DataLimits; format?: "csv" | "pasted-lines" },
  ) {
    this.delimiter = options.delimiter;
  }

  /** False once the rest of the input would not be used. */
  get wantsMore(): boolean {
    return !this.tokenizer?.done;
  }

  push(text: string): void {
    if (!this.nonBlank && /\S/.test(text)) this.nonBlank = true;
    if (this.tokenizer) return this.tokenizer.push(text);
    this.head += text;
    if (this.head.length >= GUESS_CHARS) this.start();
  }

  private start() {
    const { limits } = this.options;
    // Papa strips a BOM before guessing; so do we
    const text = this.head.charCodeAt(0) === 0xfeff ? this.head.slice(1) : this.head;
    const delimiter = (this.delimiter ??= detectDelimiter(text));
    const builder = new TableBuilder({ format: this.options.format ?? "csv", encoding: this.options.encoding, delimiter }, this.options.header ?? "auto", limits);
    this.builder = builder;
    this.tokenizer = new CsvTokenizer(
      // twice the text limit: a cell with a little padding around a text of the limit still fits
      { delimiter, newline: guessNewline(text), maxCellChars: 2 * limits.maxTextChars, maxFields: limits.maxColumns + 1 },
      (r) => {
        // an unclosed quote swallows the rest of the file into one cell: reject that record
        if (r.unclosedQuote) {
          this.unclosed = error("csv-unclosed-quote", {}, { row: r.index + 1 });
          return false;
        }
        return builder.push(r.cells, r.index + 1, { used: r.used, tooLong: r.tooLong });
      },
    );
    const head = this.head;
    this.head = "";
    this.tokenizer.push(head);
  }

  /** The table, with `leading` issues (e.g. the encoding warning) first, as parseCsv reports them. */
  finish(leading: DataIssue[] = []): Result<Table> {
    if (!this.nonBlank) return fail([error("file-empty")]);
    if (!this.tokenizer) this.start();
    this.tokenizer!.end();
    const table = this.builder!.finish();
    const all = [...leading, ...(this.unclosed ? [this.unclosed] : []), ...table.issues];
    return table.ok ? ok(table.value, all) : fail(all);
  }
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
  const reader = new CsvTableReader({ delimiter: options.delimiter, header: options.header, encoding: read.decoded.encoding, limits });
  // in slices, as a file would arrive, so both paths run the same code
  const { text } = read.decoded;
  for (let i = 0; i < text.length && reader.wantsMore; i += GUESS_CHARS) reader.push(text.slice(i, i + GUESS_CHARS));
  const result = reader.finish(read.issues);
  withFile(result.issues, options.fileName);
  return result;
}

/** A file read again from the start on each call (a file's chunks, or bytes in memory). */
export type ByteSource = () => AsyncIterable<Uint8Array>;

/** Bytes in memory as a ByteSource, in pieces of `chunk` bytes. */
export function bytesSource(bytes: Uint8Array, chunk = 1024 * 1024): ByteSource {
  return async function* () {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  };
}

const PREFIX_BYTES = 8192;
const NOT_UTF8 = new Error("not UTF-8");

async function readPrefix(source: ByteSource, n: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source()) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= n) break;
  }
  const out = new Uint8Array(Math.min(size, n));
  let o = 0;
  for (const p of parts) {
    const take = Math.min(p.length, out.length - o);
    out.set(p.subarray(0, take), o);
    o += take;
    if (o >= out.length) break;
  }
  return out;
}

/**
 * Decodes a byte source chunk by chunk into `sink` (which says when it wants no more). The
 * encoding is decided as decodeText decides it, from a prefix where that is enough (BOM, UTF-16);
 * otherwise strict UTF-8 is tried while reading and, at the first invalid byte, the file is
 * measured for GB18030 and read again in the legacy encoding.
 */
export async function decodeSource(
  source: ByteSource,
  makeSink: (decoded: Omit<DecodedText, "text">) => { push(text: string): void; readonly wantsMore: boolean },
): Promise<Omit<DecodedText, "text">> {
  const prefix = await readPrefix(source, PREFIX_BYTES);
  const fixed = encodingFromPrefix(prefix);
  const run = async (encoding: TextEncodingId, skip: number, guessed: boolean) => {
    const meta = { encoding, guessed };
    const sink = makeSink(meta);
    const decoder = incrementalDecoder(encoding);
    let toSkip = skip;
    for await (let chunk of source()) {
      if (toSkip > 0) {
        const n = Math.min(toSkip, chunk.length);
        chunk = chunk.subarray(n);
        toSkip -= n;
      }
      let text: string;
      try {
        text = decoder.write(chunk);
      } catch {
        throw NOT_UTF8;
      }
      if (text) sink.push(text);
      if (!sink.wantsMore) return meta;
    }
    let rest: string;
    try {
      rest = decoder.end();
    } catch {
      throw NOT_UTF8;
    }
    if (rest) sink.push(rest);
    return meta;
  };
  if (fixed) return run(fixed.encoding, fixed.skip, false);
  try {
    return await run("utf-8", 0, false);
  } catch (e) {
    if (e !== NOT_UTF8) throw e;
  }
  const gb = new Gb2312Share();
  for await (const chunk of source()) gb.push(chunk);
  return gb.share() >= GB18030_SHARE ? run("gb18030", 0, false) : run("windows-1252", 0, true);
}

/**
 * parseCsv for a file that is read chunk by chunk and never held whole: the same checks and the
 * same table, in memory proportional to the table that is kept.
 */
export async function parseCsvSource(source: ByteSource, size: number, options: TextTableOptions & { format?: "csv" | "pasted-lines" } = {}): Promise<Result<Table>> {
  const limits = resolveLimits(options.limits);
  const reject = (issues: DataIssue[]) => fail<Table>(withFile(issues, options.fileName));
  if (size === 0) return reject([error("file-empty")]);
  if (size > limits.maxUploadBytes) return reject([error("file-too-large", { sizeBytes: size, limitBytes: limits.maxUploadBytes })]);
  const binary = sniffBinary(await readPrefix(source, PREFIX_BYTES));
  if (binary === "old-excel") return reject([error("file-old-excel")]);
  if (binary) return reject([error("file-not-text", { kind: binary })]);
  let reader: CsvTableReader | null = null;
  const decoded = await decodeSource(source, ({ encoding }) => {
    reader = new CsvTableReader({ delimiter: options.delimiter, header: options.header, encoding, limits, format: options.format });
    return reader;
  });
  const leading = decoded.guessed ? [warning("file-encoding-guessed", { encoding: decoded.encoding })] : [];
  const result = reader!.finish(leading);
  withFile(result.issues, options.fileName);
  return result;
}
