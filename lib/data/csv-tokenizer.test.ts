import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { CsvTokenizer, type CsvRecord, guessNewline } from "./csv-tokenizer";

function tokenize(text: string, delimiter: string, chunk: number, limits: { maxCellChars?: number; maxFields?: number } = {}) {
  const records: CsvRecord[] = [];
  const t = new CsvTokenizer(
    { delimiter, newline: guessNewline(text), maxCellChars: limits.maxCellChars ?? 1e9, maxFields: limits.maxFields ?? 1e9 },
    (r) => void records.push(r),
  );
  for (let i = 0; i < text.length; i += chunk) t.push(text.slice(i, i + chunk));
  t.end();
  return records;
}

/** What parseCsv used to read with Papa Parse: the records, and which one ran into an unclosed quote. */
function papa(text: string, delimiter: string) {
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false });
  const unclosed = new Set(parsed.errors.filter((e) => e.code === "MissingQuotes").map((e) => e.row));
  return parsed.data.map((cells, i) => (unclosed.has(i) ? "unclosed" : cells));
}

describe("CsvTokenizer", () => {
  it("reads exactly what Papa Parse reads, whatever the chunk boundaries (random quotes, delimiters, line endings)", () => {
    const alphabet = ["a", "b", ",", '"', '"', "\n", "\r", "\r\n", " ", "\t", ";", "\u00a0", "é"];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let k = 0; k < 20_000; k++) {
      let text = "";
      const length = Math.floor(random() * 40);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const delimiter = random() < 0.7 ? "," : "\t";
      const chunk = 1 + Math.floor(random() * 9);
      const got = tokenize(text, delimiter, chunk).map((r) => (r.unclosedQuote ? "unclosed" : r.cells));
      const expected = papa(text, delimiter);
      if (JSON.stringify(got) !== JSON.stringify(expected)) expect({ text, delimiter, chunk, got }).toEqual({ text, delimiter, chunk, got: expected });
    }
  });

  it("reads quoted delimiters, doubled quotes, quoted newlines and a BOM like a spreadsheet", () => {
    const records = tokenize('\uFEFFtext,label\r\n"Said ""hi"",\r\nthen left",ok\r\nlast,row', ",", 3);
    expect(records.map((r) => r.cells)).toEqual([
      ["text", "label"],
      ['Said "hi",\r\nthen left', "ok"],
      ["last", "row"],
    ]);
    expect(records.map((r) => r.index)).toEqual([0, 1, 2]);
  });

  it("counts a cell past the limit without building it, and names its column", () => {
    const line = "x".repeat(5_000_000);
    const records = tokenize(`id,text\n1,${line},\n2,short\n`, ",", 65_536, { maxCellChars: 1_000 });
    expect(records[1]).toMatchObject({ index: 1, cells: ["1", "", ""], tooLong: { column: 1, length: 5_000_000 }, used: 2 });
    expect(records[2]).toMatchObject({ cells: ["2", "short"] });
    expect(records[2].tooLong).toBeUndefined();
  });

  it("a quoted cell past the limit is counted too, and an unclosed quote is still reported as such", () => {
    const long = `"${"y".repeat(3_000)}"`;
    const records = tokenize(`a,b\n${long},1\n"never closed ${"z".repeat(3_000)}`, ",", 1000, { maxCellChars: 100 });
    expect(records[1].tooLong).toEqual({ column: 0, length: 3_000 });
    expect(records[2].unclosedQuote).toBe(true);
  });

  it("keeps at most maxFields cells but counts them all for `used`", () => {
    const cells = Array.from({ length: 10_000 }, (_, i) => (i === 9_000 ? "x" : ""));
    const [record] = tokenize(cells.join(","), ",", 4096, { maxFields: 501 });
    expect(record.cells).toHaveLength(501);
    expect(record.fieldCount).toBe(10_000);
    expect(record.used).toBe(9_001);
  });

  it("stops when the record callback says so", () => {
    const seen: number[] = [];
    const t = new CsvTokenizer({ delimiter: ",", newline: "\n", maxCellChars: 100, maxFields: 10 }, (r) => {
      seen.push(r.index);
      return r.index < 2;
    });
    t.push("a\nb\nc\nd\ne\n");
    t.end();
    expect(seen).toEqual([0, 1, 2]);
    expect(t.done).toBe(true);
  });
});
