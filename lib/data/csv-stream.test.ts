import fs from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { makeXlsx } from "./__fixtures__/builders";
import { type ByteSource, bytesSource, detectDelimiter, parseCsv, parseCsvSource, readTextInput } from "./csv";
import { type DataIssue, type Result, error, fail, ok, warning, withFile } from "./issues";
import { type DataLimits, resolveLimits } from "./limits";
import { parseTableSource } from "./parse-table";
import { type Table, columnName, looksLikeHeader } from "./table";
import { encodeTableFile, readTableFile } from "./table-file";
import { PREVIEW_CELL_CHARS, PREVIEW_ROWS, previewTable } from "./table-preview";
import { parseXlsx } from "./xlsx";
import { getScene } from "../scenes";

const utf8 = (s: string) => new TextEncoder().encode(s);

/*
 * The parser as it was before streaming (Papa Parse over the whole decoded text, then the old
 * buildTable), kept here as the reference the streaming parser must match.
 */
function referenceParseCsv(input: Uint8Array | string, options: { limits?: Partial<DataLimits>; fileName?: string } = {}): Result<Table> {
  const limits = resolveLimits(options.limits);
  const read = readTextInput(input, limits);
  if (!read.ok) return fail(withFile(read.issues, options.fileName));
  const { text, encoding } = read.decoded;
  const delimiter = detectDelimiter(text);
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false });
  const issues = [...read.issues];
  const bad = new Set<number>();
  for (const e of parsed.errors) {
    if (e.code === "MissingQuotes" && typeof e.row === "number") {
      bad.add(e.row);
      issues.push(error("csv-unclosed-quote", {}, { row: e.row + 1 }));
    }
  }
  const records: string[][] = [];
  const rows: number[] = [];
  parsed.data.forEach((r, i) => {
    if (!bad.has(i)) {
      records.push(r);
      rows.push(i + 1);
    }
  });
  const trimEnd = (cells: string[]) => {
    let n = cells.length;
    while (n > 0 && cells[n - 1].trim() === "") n--;
    return cells.slice(0, n);
  };
  const pad = (cells: string[], w: number) => {
    const out = cells.slice(0, w);
    while (out.length < w) out.push("");
    return out;
  };
  const unique = (raw: string[]) => {
    const seen = new Map<string, number>();
    return raw.map((h, i) => {
      const base = h.trim() || columnName(i);
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      return n === 1 ? base : `${base} (${n})`;
    });
  };
  const kept = records.map((r, i) => ({ cells: r.map((c) => c.trim()), row: rows[i] })).filter((k) => k.cells.some((c) => c !== ""));
  const done = (r: Result<Table>) => {
    const all = [...issues, ...r.issues];
    withFile(all, options.fileName);
    return r.ok ? ok(r.value, all) : fail<Table>(all);
  };
  if (kept.length === 0) return done(fail([error("file-empty")]));
  const hasHeader = looksLikeHeader(kept[0].cells, kept.slice(1).map((k) => k.cells));
  const data = hasHeader ? kept.slice(1) : kept;
  const width = hasHeader ? Math.max(trimEnd(kept[0].cells).length, 1) : Math.max(1, ...data.map((d) => trimEnd(d.cells).length));
  if (width > limits.maxColumns) return done(fail([error("table-too-many-columns", { count: width, limit: limits.maxColumns })]));
  const headers = unique(hasHeader ? pad(trimEnd(kept[0].cells), width) : Array.from({ length: width }, () => ""));
  if (hasHeader && data.length === 0) return done(fail([error("table-no-rows")]));
  const tableIssues: DataIssue[] = [];
  const out: string[][] = [];
  const outRows: number[] = [];
  for (const d of data) {
    const used = trimEnd(d.cells).length;
    if (used > width) {
      tableIssues.push(error("row-extra-cells", { cells: used, columns: width }, { row: d.row }));
      continue;
    }
    if (out.length >= limits.maxRows) {
      tableIssues.push(warning("table-too-many-rows", { limit: limits.maxRows }, { row: d.row }));
      break;
    }
    out.push(pad(d.cells, width));
    outRows.push(d.row);
  }
  return done(ok({ format: "csv", encoding, delimiter, headers, rows: out, rowNumbers: outRows, hasHeader }, tableIssues));
}

const SAMPLES = path.join(process.cwd(), "public", "samples");
const sampleCsvs = fs
  .readdirSync(SAMPLES, { recursive: true })
  .map(String)
  .filter((f) => /\.(csv|tsv)$/.test(f))
  .map((f) => [f, new Uint8Array(fs.readFileSync(path.join(SAMPLES, f)))] as const);

/** Inputs that exercise every path of the old parser: encodings, delimiters, quotes, bad rows, headers. */
const FIXTURES: [string, Uint8Array][] = [
  ["BOM + CRLF + quoted comma/quote/newline", utf8('\uFEFFtext,label\r\n"Great phone, fast delivery",positive\r\n"Said ""meh""\r\nthen left",neutral\r\nBroken on arrival,negative\r\n')],
  ["GBK", new Uint8Array(iconv.encode("文本,标签\n这个手机很好用,正面\n快递太慢了,负面\n", "gbk"))],
  ["windows-1252 (guessed)", new Uint8Array(iconv.encode("text,label\ncafé,ok\nnaïve,ok\n", "windows-1252"))],
  ["UTF-16LE with BOM (Excel Unicode text)", new Uint8Array([0xff, 0xfe, ...iconv.encode("text\tlabel\nhallo\tgreet\nbye\tfarewell\n", "utf-16le")])],
  ["UTF-16LE without BOM", new Uint8Array(iconv.encode("text\tlabel\nhallo\tgreet\n", "utf-16le"))],
  ["UTF-16BE with BOM", new Uint8Array([0xfe, 0xff, ...iconv.encode("text;label\nhallo;greet\n", "utf-16be")])],
  ["blank lines", utf8("text,label\n\nhello,greet\n,\n\nbye,farewell\n\n")],
  ["semicolons", utf8("text;label\nbonjour, ça va;greet\n")],
  ["pipes", utf8("text|label\nhi, there|greet\nbye|farewell\n")],
  ["trailing empty cells and padding", utf8("text,label,reply\n  hi  , greet \nbye,farewell,see you,,\n")],
  ["extra cells", utf8("text,label\nGreat product, fast delivery,positive\nBad,negative\n")],
  ["unclosed quote", utf8('text,label\nfine,ok\n"never closed,bad\nmore,stuff\n')],
  ["no header", utf8("I love it,positive\nTerrible,negative\nSo good,positive\n")],
  ["blank and repeated headers", utf8(",text,label,label\n1,hi,greet,x\n")],
  ["header only", utf8("text,label\n")],
  ["old Mac line endings", utf8("text,label\rhi,greet\rbye,farewell\r")],
  ["malformed quotes", utf8('text,label\n"a"b,c\nx,"y" \n"z"  ,w\n')],
  ["empty", utf8("\n\n  \n")],
  // valid UTF-8 for the first 10 KB, then one byte that is not: the whole file is windows-1252
  ["late invalid UTF-8", new Uint8Array([...utf8(`text,label\n${"plain,ok\n".repeat(1200)}`), ...iconv.encode("café,ok\n", "windows-1252")])],
  ["wide header", utf8(`${Array.from({ length: 40 }, (_, i) => `c${i}`).join(",")}\n${Array.from({ length: 40 }, (_, i) => i).join(",")}\n`)],
  ...sampleCsvs.map(([name, bytes]) => [`public/samples/${name}`, bytes] as [string, Uint8Array]),
];

async function fromSource(bytes: Uint8Array, chunk: number, options: Parameters<typeof parseCsvSource>[2] = {}) {
  return parseCsvSource(bytesSource(bytes, chunk), bytes.length, options);
}

describe("streaming CSV parse equals the parser it replaced", () => {
  it.each(FIXTURES)("%s", async (_name, bytes) => {
    const expected = referenceParseCsv(bytes, { fileName: "f.csv" });
    expect(parseCsv(bytes, { fileName: "f.csv" })).toEqual(expected);
    for (const chunk of [1, 7, 4096, 1 << 20]) {
      if (chunk === 1 && bytes.length > 20_000) continue;
      expect(await fromSource(bytes, chunk, { fileName: "f.csv" }), `chunks of ${chunk}`).toEqual(expected);
    }
  });
});

describe("limits applied while parsing", () => {
  it("refuses a 60 MB line as soon as it passes the text limit, naming its row and column, and keeps the other rows", async () => {
    const head = utf8("text,label\nhello,greet\n");
    const line = new Uint8Array(60 * 1024 * 1024).fill(0x61); // "aaaa…", one line
    const tail = utf8(",x\nbye,farewell\n");
    const source: ByteSource = async function* () {
      yield head;
      for (let i = 0; i < line.length; i += 1 << 20) yield line.subarray(i, i + (1 << 20));
      yield tail;
    };
    const r = await parseCsvSource(source, head.length + line.length + tail.length, { limits: { maxUploadBytes: 100 * 1024 * 1024 } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.rows).toEqual([
      ["hello", "greet"],
      ["bye", "farewell"],
    ]);
    expect(r.issues).toEqual([{ code: "text-too-long", severity: "error", row: 3, column: "text", params: { length: line.length, limit: 10_000 } }]);
  });

  it("a file that is one long line is refused with the row named, not as empty", () => {
    const r = parseCsv(`${"z".repeat(30_000)}\n`);
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([{ code: "text-too-long", severity: "error", row: 1, column: "Column 1", params: { length: 30_000, limit: 10_000 } }]);
  });

  it("checks the trimmed text against the limit, so padding around a text of the limit is fine", () => {
    const text = "t".repeat(10_000);
    const r = parseCsv(`text,label\n   ${text}   ,ok\n`);
    expect(r.ok && r.value.rows[0][0]).toBe(text);
    const over = parseCsv(`text,label\n${text}t,ok\nfine,ok\n`);
    expect(over.issues).toEqual([{ code: "text-too-long", severity: "error", row: 2, column: "text", params: { length: 10_001, limit: 10_000 } }]);
  });

  it("refuses a table wider than the column limit, counting every cell of the header", () => {
    const r = parseCsv(`${Array.from({ length: 800 }, (_, i) => `col${i}`).join(",")}\n${Array.from({ length: 800 }, () => "1").join(",")}\n`);
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([{ code: "table-too-many-columns", severity: "error", params: { count: 800, limit: 500 } }]);
  });

  it("keeps the rows that fit the cell limit (rows × columns) and warns at the first row left out", () => {
    const header = Array.from({ length: 10 }, (_, i) => `c${i}`).join(",");
    const rows = Array.from({ length: 8 }, (_, r) => Array.from({ length: 10 }, (_, c) => r * 10 + c).join(","));
    const r = parseCsv([header, ...rows].join("\n"), { limits: { maxCells: 50 } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.rows).toHaveLength(5);
    expect(r.issues).toEqual([{ code: "table-too-many-cells", severity: "warning", row: 7, params: { limit: 5, cells: 50, columns: 10 } }]);
  });

  it("a 500-column file of 95 MB stops at the cell limit instead of holding every cell", async () => {
    const header = utf8(`${Array.from({ length: 500 }, (_, i) => `f${i}`).join(",")}\n`);
    const row = utf8(`${Array.from({ length: 500 }, (_, i) => String(i % 97)).join(",")}\n`);
    const rowsNeeded = Math.ceil((95 * 1024 * 1024) / row.length);
    let yielded = 0;
    const source: ByteSource = async function* () {
      yielded = 0;
      yield header;
      for (let i = 0; i < rowsNeeded; i++) {
        yielded++;
        yield row;
      }
    };
    const r = await parseCsvSource(source, header.length + row.length * rowsNeeded, { limits: { maxUploadBytes: 100 * 1024 * 1024 } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.rows).toHaveLength(4_000); // 2,000,000 cells / 500 columns
    expect(r.issues[0]).toMatchObject({ code: "table-too-many-cells", row: 4_002, params: { limit: 4_000, cells: 2_000_000, columns: 500 } });
    // reading stopped at the limit: the rest of the file was not decoded
    expect(yielded).toBeLessThan(rowsNeeded / 4);
  });

  it("lists at most maxIssues problems and counts the rest", () => {
    const bad = Array.from({ length: 10 }, (_, i) => `a${i},b,c`).join("\n");
    const r = parseCsv(`text,label\n${bad}\nfine,ok\n`, { limits: { maxIssues: 3 } });
    expect(r.issues.map((i) => i.code)).toEqual(["row-extra-cells", "row-extra-cells", "row-extra-cells", "more-issues"]);
    expect(r.issues[3].params).toEqual({ count: 7 });
  });
});

describe("parseTableSource", () => {
  it("detects XLSX, JSONL and pasted lines from the first bytes and parses them as parseTable does", async () => {
    const xlsx = makeXlsx([{ name: "S", rows: [["text", "label"], ["hi", "greet"]] }]);
    const x = await parseTableSource(bytesSource(xlsx, 100), xlsx.length);
    expect(x.ok && [x.value.format, x.value.rows]).toEqual(["xlsx", [["hi", "greet"]]]);
    const j = utf8('{"text": "hi", "label": "greet"}\n{"text": "yo", "label": "greet"}\n');
    const jr = await parseTableSource(bytesSource(j, 5), j.length);
    expect(jr.ok && [jr.value.format, jr.value.rows]).toEqual(["jsonl", [["hi", "greet"], ["yo", "greet"]]]);
    const p = utf8("greet: hi\nbye: see you\n");
    const pr = await parseTableSource(bytesSource(p, 3), p.length, { format: "pasted-lines" });
    expect(pr.ok && pr.value.rows).toEqual([["greet", "hi"], ["bye", "see you"]]);
  });

  it("applies the text limit to JSONL rows too", async () => {
    const j = utf8(`{"text": "${"w".repeat(20_000)}", "label": "a"}\n{"text": "ok", "label": "b"}\n`);
    const r = await parseTableSource(bytesSource(j), j.length);
    expect(r.ok && r.value.rows).toEqual([["ok", "b"]]);
    expect(r.issues).toEqual([{ code: "text-too-long", severity: "error", row: 1, column: "text", params: { length: 20_000, limit: 10_000 } }]);
  });
});

describe("XLSX limits", () => {
  const fixture = new Uint8Array(fs.readFileSync(path.join(__dirname, "__fixtures__", "reviews.xlsx")));

  it("counts the shared strings before reading the workbook and refuses too many", async () => {
    expect((await parseXlsx(fixture)).ok).toBe(true);
    const r = await parseXlsx(fixture, { fileName: "reviews.xlsx", limits: { maxXlsxSharedStrings: 2 } });
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([{ code: "xlsx-too-many-strings", severity: "error", file: "reviews.xlsx", params: { count: expect.any(Number), limit: 2 } }]);
    expect(r.issues[0].params.count).toBeGreaterThan(2);
  });

  it("refuses a workbook whose XML parts unpack past the limit", async () => {
    const big = makeXlsx([{ name: "S", rows: Array.from({ length: 2_000 }, (_, i) => [`text ${i}`, "label"]) }]);
    const r = await parseXlsx(big, { limits: { maxXlsxXmlBytes: 10_000 } });
    expect(r.issues.map((i) => i.code)).toEqual(["xlsx-too-large"]);
    expect(r.issues[0].params.limitBytes).toBe(10_000);
  });
});

describe("the preview for the column-mapping step", () => {
  it("shows the first rows with long cells cut, and says how many were cut", () => {
    const long = "x".repeat(5_000);
    const rows = Array.from({ length: 50 }, (_, i) => [i === 0 ? long : `text ${i}`, i % 2 ? "a" : "b"]);
    const table: Table = { headers: ["text", "label"], rows, rowNumbers: rows.map((_, i) => i + 2), hasHeader: true, format: "csv" };
    const p = previewTable(table, getScene("text-classification"));
    expect(p.rows).toHaveLength(PREVIEW_ROWS);
    expect(p.rows[0][0]).toHaveLength(PREVIEW_CELL_CHARS);
    expect(p.rows[0][0].endsWith("…")).toBe(true);
    expect(p.cutCells).toBe(1);
    expect(p.rowCount).toBe(50);
    expect(p.mapping).toMatchObject({ kind: "text", text: "text", label: "label" });
    expect(JSON.stringify(p).length).toBeLessThan(5_000);
  });
});

describe("table file", () => {
  it("stores a parsed table and reads it back unchanged", async () => {
    const r = parseCsv(utf8('\uFEFFtext,label\r\n"Said ""meh""\r\nthen left",neutral\r\n文本,标签\r\nbad,row,extra\r\n'), { fileName: "x.csv" });
    if (!r.ok) throw new Error("parse failed");
    const chunks = encodeTableFile(r.value, r.issues, 16);
    expect(chunks.length).toBeGreaterThan(1);
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    expect(await readTableFile(bytesSource(all, 5))).toEqual({ table: r.value, issues: r.issues });
    await expect(readTableFile(bytesSource(all.subarray(0, all.length - 10)))).rejects.toThrow();
    await expect(readTableFile(bytesSource(utf8("text,label\nhi,greet\n")))).rejects.toThrow();
  });
});
