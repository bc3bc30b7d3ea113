import fs from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { makeXlsx } from "./__fixtures__/builders";
import { toArrayBuffer } from "./input";
import { parseXlsx, xlsxCellText } from "./xlsx";

const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(__dirname, "__fixtures__", name)));

describe("parseXlsx", () => {
  it("reads a workbook made by Python's zipfile: skips the empty first sheet, keeps spreadsheet row numbers, converts dates", async () => {
    const r = await parseXlsx(fixture("reviews.xlsx"), { fileName: "reviews.xlsx" });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const t = r.value;
    expect(t.sheetNames).toEqual(["说明", "Reviews"]);
    expect(t.sheetName).toBe("Reviews");
    expect(t.headers).toEqual(["text", "label", "date"]);
    expect(t.rows).toEqual([
      ["Great, fast delivery", "positive", "2024-03-01"],
      ["质量很差", "negative", "2024-03-02"],
      ["Line one\nline two", "", "3.5"],
    ]);
    // header on sheet row 2, blank row 4
    expect(t.rowNumbers).toEqual([3, 5, 6]);
    expect(r.issues).toEqual([]);
  });

  it("reads a workbook built with fflate from an ArrayBuffer, and a chosen sheet", async () => {
    const bytes = makeXlsx([
      { name: "A", rows: [["text", "label"], ["hi", "greet"]] },
      { name: "B", rows: [["utterance", "intent"], ["bye", "farewell"], ["see you", "farewell"]] },
    ]);
    const buffer: ArrayBuffer = toArrayBuffer(bytes);
    const first = await parseXlsx(buffer);
    expect(first.ok && first.value.rows).toEqual([["hi", "greet"]]);
    const second = await parseXlsx(bytes, { sheet: "B" });
    expect(second.ok && second.value.rows).toEqual([
      ["bye", "farewell"],
      ["see you", "farewell"],
    ]);
    const byNumber = await parseXlsx(bytes, { sheet: 2 });
    expect(byNumber.ok && byNumber.value.headers).toEqual(["utterance", "intent"]);
  });

  it("writes numbers as text cells", async () => {
    const r = await parseXlsx(makeXlsx([{ name: "S", rows: [["age", "churn"], [42, "yes"], [0.5, "no"]] }]));
    expect(r.ok && r.value.rows).toEqual([
      ["42", "yes"],
      ["0.5", "no"],
    ]);
  });

  it("rejects files that are not xlsx with a plain reason", async () => {
    const old = await parseXlsx(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect(old.issues.map((i) => i.code)).toEqual(["file-old-excel"]);
    const notZip = await parseXlsx(new TextEncoder().encode("text,label\n"), { fileName: "x.xlsx" });
    expect(notZip.issues).toEqual([{ code: "file-unreadable-xlsx", severity: "error", file: "x.xlsx", params: {} }]);
    const zipButNoWorkbook = await parseXlsx(zipSync({ "hello.txt": new TextEncoder().encode("hi") }));
    expect(zipButNoWorkbook.ok).toBe(false);
    expect(zipButNoWorkbook.issues.map((i) => i.code)).toEqual(["file-unreadable-xlsx"]);
    expect((await parseXlsx(new Uint8Array(0))).issues.map((i) => i.code)).toEqual(["file-empty"]);
  });

  it("checks the archive against the ZIP limits before reading it (zip bomb inside an xlsx)", async () => {
    const bomb = makeXlsx([{ name: "S", rows: [["a", "b"], ["1", "2"]] }], { "xl/media/pad.bin": new Uint8Array(2 * 1024 * 1024) });
    const r = await parseXlsx(bomb);
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ code: "zip-ratio-too-high", file: "xl/media/pad.bin", params: { limit: 100 } });
  });
});

describe("xlsxCellText", () => {
  it("formats dates with and without time", () => {
    expect(xlsxCellText(new Date(Date.UTC(2024, 0, 5)))).toBe("2024-01-05");
    expect(xlsxCellText(new Date(Date.UTC(2024, 0, 5, 13, 4, 9)))).toBe("2024-01-05 13:04:09");
    expect(xlsxCellText(null)).toBe("");
    expect(xlsxCellText(true)).toBe("true");
  });
});
