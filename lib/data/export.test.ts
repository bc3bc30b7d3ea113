import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv";
import { escapeFormula, toCsv } from "./export";

describe("toCsv", () => {
  it("quotes per RFC 4180 with CRLF line ends and a BOM by default", () => {
    const out = toCsv([
      ["text", "label"],
      ['He said "hi", then left', "a"],
      ["two\nlines", "b"],
    ]);
    expect(out).toBe('\uFEFFtext,label\r\n"He said ""hi"", then left",a\r\n"two\nlines",b\r\n');
  });

  it("neutralises cells that a spreadsheet would run as formulas", () => {
    const out = toCsv([["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "safe", "a=b"]], { bom: false });
    expect(out).toBe("'=1+1,'+SUM(A1),'-2+3,'@cmd,'\tx,\"'\rx\",safe,a=b\r\n");
    expect(escapeFormula("=HYPERLINK(\"http://x\")")).toBe("'=HYPERLINK(\"http://x\")");
  });

  it("writes numbers (including negative ones), booleans, dates and empty cells", () => {
    expect(toCsv([[-5, 1.5, true, null, undefined, new Date(Date.UTC(2024, 0, 2)), NaN]], { bom: false })).toBe(
      "-5,1.5,true,,,2024-01-02T00:00:00.000Z,\r\n",
    );
  });

  it("supports other delimiters and an empty table", () => {
    expect(toCsv([["a;b", "c"]], { delimiter: ";", bom: false })).toBe('"a;b";c\r\n');
    expect(toCsv([], { bom: false })).toBe("");
  });

  it("round-trips through parseCsv", () => {
    const rows = [
      ["text", "label"],
      ["Great, \"really\" great\nsecond line", "positive"],
      ["很好，非常好", "正面"],
    ];
    const r = parseCsv(toCsv(rows));
    expect(r.ok && [r.value.headers, ...r.value.rows]).toEqual(rows);
  });
});
