import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { detectDelimiter, parseCsv } from "./csv";
import type { Table } from "./table";

const utf8 = (s: string) => new TextEncoder().encode(s);

function table(r: ReturnType<typeof parseCsv>): Table {
  if (!r.ok) throw new Error(`parse failed: ${JSON.stringify(r.issues)}`);
  return r.value;
}

describe("detectDelimiter", () => {
  it.each([
    [",", "text,label\nhi,greet\nbye,farewell\n"],
    ["\t", "text\tlabel\nhi, there\tgreet\nbye\tfarewell\n"],
    [";", "text;label\nhi, there;greet\nbye;farewell\n"],
    ["|", "text|label\nhi, there|greet\nbye|farewell\n"],
  ])("finds %j", (d, text) => {
    expect(detectDelimiter(text)).toBe(d);
  });

  it("prefers the delimiter with consistent field counts over one that appears inside text", () => {
    // commas inside unquoted text would give ragged rows; tabs are consistent
    expect(detectDelimiter("text\tlabel\nok, fine, good\tpos\nbad\tneg\nmeh, so so\tneu\n")).toBe("\t");
  });

  it("falls back to comma for a single column", () => {
    expect(detectDelimiter("hello\nworld\n")).toBe(",");
  });
});

describe("parseCsv", () => {
  it("parses a BOM + CRLF file with quoted commas, quotes and newlines; row numbers as Excel shows them", () => {
    const csv =
      "\uFEFFtext,label\r\n" +
      '"Great phone, fast delivery",positive\r\n' +
      '"Said ""meh""\r\nthen left",neutral\r\n' +
      "Broken on arrival,negative\r\n";
    const t = table(parseCsv(utf8(csv)));
    expect(t.encoding).toBe("utf-8-bom");
    expect(t.headers).toEqual(["text", "label"]);
    expect(t.rows).toEqual([
      ["Great phone, fast delivery", "positive"],
      ['Said "meh"\r\nthen left', "neutral"],
      ["Broken on arrival", "negative"],
    ]);
    expect(t.rowNumbers).toEqual([2, 3, 4]);
    expect(t.hasHeader).toBe(true);
  });

  it("strips a BOM from pasted/decoded string input too", () => {
    const t = table(parseCsv("\uFEFFtext,label\nhi,greet\n"));
    expect(t.encoding).toBe("utf-8");
    expect(t.headers).toEqual(["text", "label"]);
  });

  it("decodes a GBK (Chinese Excel) CSV", () => {
    const bytes = iconv.encode("文本,标签\n这个手机很好用,正面\n快递太慢了,负面\n", "gbk");
    const t = table(parseCsv(bytes));
    expect(t.encoding).toBe("gb18030");
    expect(t.headers).toEqual(["文本", "标签"]);
    expect(t.rows[1]).toEqual(["快递太慢了", "负面"]);
  });

  it("skips empty lines but keeps counting them in row numbers", () => {
    const t = table(parseCsv("text,label\n\nhello,greet\n,\n\nbye,farewell\n\n"));
    expect(t.rows).toEqual([
      ["hello", "greet"],
      ["bye", "farewell"],
    ]);
    expect(t.rowNumbers).toEqual([3, 6]);
  });

  it("parses semicolon and tab separated files", () => {
    expect(table(parseCsv("text;label\nbonjour, ça va;greet\n")).rows).toEqual([["bonjour, ça va", "greet"]]);
    const tsv = table(parseCsv("text\tlabel\nhi\tgreet\n"));
    expect(tsv.delimiter).toBe("\t");
    expect(tsv.rows).toEqual([["hi", "greet"]]);
  });

  it("trims cells, pads short rows and ignores trailing empty cells", () => {
    const t = table(parseCsv("text,label,reply\n  hi  , greet \nbye,farewell,see you,,\n"));
    expect(t.rows).toEqual([
      ["hi", "greet", ""],
      ["bye", "farewell", "see you"],
    ]);
  });

  it("rejects a row with extra non-empty cells (unquoted comma) and keeps the others", () => {
    const r = parseCsv("text,label\nGreat product, fast delivery,positive\nBad,negative\n");
    const t = table(r);
    expect(t.rows).toEqual([["Bad", "negative"]]);
    expect(r.issues).toEqual([
      { code: "row-extra-cells", severity: "error", row: 2, params: { cells: 3, columns: 2 } },
    ]);
  });

  it("reports an unclosed quote", () => {
    const r = parseCsv('text,label\nfine,ok\n"never closed,bad\nmore,stuff\n');
    expect(r.issues.map((i) => [i.code, i.row])).toContainEqual(["csv-unclosed-quote", 3]);
    expect(table(r).rows).toEqual([["fine", "ok"]]);
  });

  it("detects a missing header row from a repeated label value", () => {
    const t = table(parseCsv("I love it,positive\nTerrible,negative\nSo good,positive\n"));
    expect(t.hasHeader).toBe(false);
    expect(t.headers).toEqual(["Column 1", "Column 2"]);
    expect(t.rowNumbers).toEqual([1, 2, 3]);
  });

  it("honours an explicit header choice", () => {
    const t = table(parseCsv("a,b\nc,d\n", { header: "none" }));
    expect(t.rows).toHaveLength(2);
    expect(table(parseCsv("I love it,positive\nTerrible,positive\n", { header: "first-row" })).headers).toEqual([
      "I love it",
      "positive",
    ]);
  });

  it("names blank headers and de-duplicates repeated ones", () => {
    const t = table(parseCsv(",text,label,label\n1,hi,greet,x\n"));
    expect(t.headers).toEqual(["Column 1", "text", "label", "label (2)"]);
  });

  it("keeps the first rows up to the row limit and warns with the limit", () => {
    const r = parseCsv("text,label\na,x\nb,y\nc,z\nd,w\n", { limits: { maxRows: 2 } });
    expect(table(r).rows).toHaveLength(2);
    expect(r.issues).toEqual([{ code: "table-too-many-rows", severity: "warning", row: 4, params: { limit: 2 } }]);
  });

  it("rejects whole files: empty, too large, old .xls, binary, header only", () => {
    const codes = (r: ReturnType<typeof parseCsv>) => (r.ok ? [] : r.issues.map((i) => i.code));
    expect(codes(parseCsv(new Uint8Array(0)))).toEqual(["file-empty"]);
    expect(codes(parseCsv("\n\n  \n"))).toEqual(["file-empty"]);
    const big = parseCsv(utf8("a,b\n1,2\n"), { limits: { maxUploadBytes: 4 }, fileName: "big.csv" });
    expect(big.ok).toBe(false);
    expect(big.issues[0]).toEqual({ code: "file-too-large", severity: "error", file: "big.csv", params: { sizeBytes: 8, limitBytes: 4 } });
    expect(codes(parseCsv(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])))).toEqual(["file-old-excel"]);
    expect(codes(parseCsv(Uint8Array.from([0x50, 0x4b, 3, 4, 20, 0])))).toEqual(["file-not-text"]);
    expect(codes(parseCsv("text,label\n"))).toEqual(["table-no-rows"]);
  });

  it("rejects a table wider than the column limit", () => {
    const r = parseCsv("a,b,c\n1,2,3\n", { limits: { maxColumns: 2 } });
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ code: "table-too-many-columns", params: { count: 3, limit: 2 } });
  });

  it("warns when the encoding had to be guessed", () => {
    const r = parseCsv(iconv.encode("text,label\ncafé,ok\n", "windows-1252"));
    expect(table(r).rows[0][0]).toBe("café");
    expect(r.issues.map((i) => i.code)).toEqual(["file-encoding-guessed"]);
  });
});
