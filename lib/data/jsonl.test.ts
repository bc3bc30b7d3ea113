import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "./json-depth";
import { jsonCell, parseJsonl, readJsonRecords } from "./jsonl";
import { formatIssue } from "./messages";

describe("parseJsonl", () => {
  it("turns JSON lines into a table with the union of keys; rows are line numbers", () => {
    const text = '{"text": "hi", "label": "greet"}\r\n\n{"text": "bye", "label": "farewell", "reply": "See you"}\n';
    const r = parseJsonl(text);
    if (!r.ok) throw new Error("failed");
    expect(r.value.headers).toEqual(["text", "label", "reply"]);
    expect(r.value.rows).toEqual([
      ["hi", "greet", ""],
      ["bye", "farewell", "See you"],
    ]);
    expect(r.value.rowNumbers).toEqual([1, 3]);
  });

  it("reports broken lines and non-objects by line, keeping good lines", () => {
    const r = parseJsonl('{"text": "ok", "label": "a"}\n{"text": "missing brace"\n[1,2]\n{"text": "ok2", "label": "b"}\n', {
      fileName: "data.jsonl",
    });
    expect(r.ok && r.value.rows.length).toBe(2);
    expect(r.issues).toEqual([
      { code: "jsonl-invalid-json", severity: "error", row: 2, file: "data.jsonl", params: {} },
      { code: "jsonl-not-object", severity: "error", row: 3, file: "data.jsonl", params: {} },
    ]);
  });

  it("accepts a JSON array of objects", () => {
    const r = readJsonRecords('[{"q": "a"}, {"q": "b"}]');
    expect(r.ok && r.value.map((x) => x.row)).toEqual([1, 2]);
  });

  it("fails when no line is usable", () => {
    const r = parseJsonl("not json at all\n");
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.code)).toEqual(["jsonl-invalid-json"]);
  });

  it("joins string arrays with | so paraphrase lists survive", () => {
    expect(jsonCell(["how much", "price?"])).toBe("how much | price?");
    expect(jsonCell(3)).toBe("3");
    expect(jsonCell(null)).toBe("");
    expect(jsonCell({ a: 1 })).toBe('{"a":1}');
  });
});

describe("deeply nested lines", () => {
  const LEVELS = 500_000;
  const deepObject = `${'{"a":'.repeat(LEVELS)}1${"}".repeat(LEVELS)}`;

  it("refuses a line nested 500,000 levels deep, naming the line, and keeps the good lines", () => {
    const text = `{"text": "ok", "label": "a"}\n${deepObject}\n{"text": "ok2", "label": "b"}\n`;
    const r = parseJsonl(text, { fileName: "deep.jsonl" });
    if (!r.ok) throw new Error("failed");
    expect(r.value.rows).toEqual([
      ["ok", "a"],
      ["ok2", "b"],
    ]);
    expect(r.issues).toEqual([{ code: "jsonl-too-deep", severity: "error", row: 2, file: "deep.jsonl", params: { limit: MAX_JSON_DEPTH } }]);
    expect(formatIssue(r.issues[0], "en")).toMatch(/^“deep\.jsonl”, row 2: this line nests brackets more than 64 levels deep/i);
  });

  it("fails a file whose only line is too deep (nothing is left to import)", () => {
    const r = readJsonRecords(`${"[".repeat(LEVELS)}${"]".repeat(LEVELS)}`);
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([["jsonl-too-deep", 1]]);
  });

  it("names the element of a JSON array that is too deep", () => {
    const r = readJsonRecords(`[{"q": "a"}, {"q": "b"}, {"q": ${deepObject}}]`);
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([["jsonl-too-deep", 3]]);
  });

  it("accepts nesting up to the limit", () => {
    const nested = `${'{"a":'.repeat(MAX_JSON_DEPTH - 1)}1${"}".repeat(MAX_JSON_DEPTH - 1)}`;
    const r = readJsonRecords(`{"x": ${nested}}`);
    expect(r.ok).toBe(true);
    expect(readJsonRecords(`[{"x": ${nested}}]`).ok).toBe(true);
    expect(readJsonRecords(`{"x": [${nested}]}`).issues.map((i) => i.code)).toEqual(["jsonl-too-deep"]);
  });
});
