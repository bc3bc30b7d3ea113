import { describe, expect, it } from "vitest";
import { parsePastedLines } from "./pasted";

describe("parsePastedLines", () => {
  it("reads 'label: text' lines, with ASCII or Chinese colons, and keeps colons in the text", () => {
    const r = parsePastedLines("refund: I want my money back\n\n退款：我要退钱\ntime: meet at 10:30\nno colon here\n");
    if (!r.ok) throw new Error("failed");
    expect(r.value.headers).toEqual(["label", "text"]);
    expect(r.value.rows).toEqual([
      ["refund", "I want my money back"],
      ["退款", "我要退钱"],
      ["time", "meet at 10:30"],
    ]);
    expect(r.value.rowNumbers).toEqual([1, 3, 4]);
    expect(r.issues).toEqual([{ code: "pasted-no-label", severity: "error", row: 5, params: {} }]);
  });

  it("reads tab-separated lines copied from a spreadsheet, without a header", () => {
    const r = parsePastedLines("I love it\tpositive\nBroken\tnegative\nGreat\tpositive\n");
    if (!r.ok) throw new Error("failed");
    expect(r.value.hasHeader).toBe(false);
    expect(r.value.headers).toEqual(["Column 1", "Column 2"]);
    expect(r.value.rows[1]).toEqual(["Broken", "negative"]);
    expect(r.value.rowNumbers).toEqual([1, 2, 3]);
  });

  it("recognises a header line in tab mode and counts lines inside quoted cells", () => {
    const r = parsePastedLines('text\tlabel\n"two\nlines"\ta\nnext\tb\n');
    if (!r.ok) throw new Error("failed");
    expect(r.value.headers).toEqual(["text", "label"]);
    expect(r.value.rows).toEqual([
      ["two\nlines", "a"],
      ["next", "b"],
    ]);
    expect(r.value.rowNumbers).toEqual([2, 4]);
  });

  it("fails on an empty paste", () => {
    expect(parsePastedLines("  \n ").issues.map((i) => i.code)).toEqual(["file-empty"]);
  });
});
