import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { makeXlsx } from "./__fixtures__/builders";
import * as data from "./index";
import { detectTableFormat, parseTable } from "./parse-table";

describe("detectTableFormat", () => {
  it("decides by content: ZIP signature → xlsx, '{' → jsonl, else csv", () => {
    expect(detectTableFormat(makeXlsx([{ name: "S", rows: [["a"]] }]), "data.csv")).toBe("xlsx");
    expect(detectTableFormat('\uFEFF{"text": "hi"}\n', "data.txt")).toBe("jsonl");
    expect(detectTableFormat('[{"text": "hi"}]')).toBe("jsonl");
    expect(detectTableFormat("[Paris](CITY) is nice,label")).toBe("csv");
    expect(detectTableFormat(iconv.encode("文本,标签\n好,正面\n", "gbk"), "data.xlsx")).toBe("csv");
  });
});

describe("parseTable", () => {
  it("dispatches to the right parser", async () => {
    const x = await parseTable(makeXlsx([{ name: "S", rows: [["text", "label"], ["hi", "greet"]] }]));
    expect(x.ok && [x.value.format, x.value.rows]).toEqual(["xlsx", [["hi", "greet"]]]);
    const j = await parseTable('{"text": "hi", "label": "greet"}\n');
    expect(j.ok && j.value.format).toBe("jsonl");
    const c = await parseTable("text;label\nhi;greet\n", { fileName: "a.csv" });
    expect(c.ok && [c.value.format, c.value.delimiter]).toEqual(["csv", ";"]);
    const p = await parseTable("greet: hi\n", { format: "pasted-lines" });
    expect(p.ok && p.value.rows).toEqual([["greet", "hi"]]);
    const r = await parseTable("user,item\nu1,i1\n", { format: "ratings-csv" });
    expect(r.ok && r.value.headers).toEqual(["user", "item"]);
  });

  it("passes the file name into whole-file issues", async () => {
    const r = await parseTable(new Uint8Array(0), { fileName: "empty.csv", format: "csv" });
    expect(r.issues).toEqual([{ code: "file-empty", severity: "error", file: "empty.csv", params: {} }]);
  });
});

describe("public entry point", () => {
  it("exposes the main API from lib/data/index", () => {
    for (const name of [
      "parseTable",
      "parseCsv",
      "parseXlsx",
      "parseJsonl",
      "parsePastedLines",
      "guessMapping",
      "applyMapping",
      "parseEntities",
      "inspectImage",
      "inspectAudio",
      "decodeWav",
      "readClassZip",
      "analyzeDataset",
      "formatIssue",
      "toCsv",
      "SAMPLE_DATASETS",
      "DATA_FORMATS",
      "DEFAULT_LIMITS",
    ]) {
      expect(data, name).toHaveProperty(name);
    }
  });
});
