import { describe, expect, it } from "vitest";
import { type DataIssue, ISSUE_CODES, type IssueCode, error, warning } from "./issues";
import { MESSAGES, fillTemplate, formatBytes, formatIssue } from "./messages";

const placeholders = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalog", () => {
  it("has an English and a Chinese template for every code, with the same placeholders", () => {
    for (const code of ISSUE_CODES) {
      const m = MESSAGES[code];
      expect(m.en.length, code).toBeGreaterThan(10);
      expect(m["zh-CN"].length, code).toBeGreaterThan(5);
      expect(/[\u4e00-\u9fff]/.test(m["zh-CN"]), code).toBe(true);
      expect(placeholders(m["zh-CN"]), code).toEqual(placeholders(m.en));
    }
    expect(Object.keys(MESSAGES).sort()).toEqual([...ISSUE_CODES].sort());
  });

  it("shows the limit in every message about a limit", () => {
    const limitCodes: IssueCode[] = [
      "file-too-large",
      "table-too-many-rows",
      "table-too-many-columns",
      "text-too-long",
      "label-too-long",
      "too-many-classes",
      "image-too-large-dimensions",
      "audio-too-long",
      "zip-too-many-files",
      "zip-too-large-uncompressed",
      "zip-entry-too-large",
      "zip-ratio-too-high",
      "class-too-small",
      "class-imbalance",
      "entity-type-too-small",
    ];
    for (const code of limitCodes) {
      for (const t of Object.values(MESSAGES[code])) expect(t, code).toMatch(/\{(limit\w*|min)\}/);
    }
  });
});

describe("formatIssue", () => {
  const labelEmpty: DataIssue = error("label-empty", {}, { row: 7, column: "label" });

  it("produces the plain sentences the UI shows", () => {
    expect(formatIssue(labelEmpty, "en")).toBe("Row 7: the label is empty — fill it in or delete the row.");
    expect(formatIssue(labelEmpty, "zh-CN")).toBe("第 7 行：标签为空——请填写或删除该行。");
  });

  it("formats sizes, numbers, file locations and role names", () => {
    const big = error("file-too-large", { sizeBytes: 150 * 1024 * 1024, limitBytes: 100 * 1024 * 1024 }, { file: "data.csv" });
    expect(formatIssue(big, "en")).toBe("“data.csv”: the file is 150 MB, more than the 100 MB limit — split it into smaller files.");
    expect(formatIssue(big, "zh-CN")).toBe("“data.csv”：文件大小为 150 MB，超过了 100 MB 的上限——请拆分成较小的文件。");
    const rows = warning("table-too-many-rows", { limit: 100000 }, { row: 100002 });
    expect(formatIssue(rows, "en")).toBe("Row 100002: only the first 100,000 rows are used; this row and the ones after it were left out.");
    const unknown = error("mapping-unknown-column", { role: "label" }, { column: "category" });
    expect(formatIssue(unknown, "en")).toBe(
      "The column “category” chosen for the label is not in the file — choose one of the file's columns.",
    );
    expect(formatIssue(unknown, "zh-CN")).toBe("为标签选择的列“category”在文件中不存在——请从文件的列中选择。");
    const inZip = error("zip-unsafe-path", {}, { file: "../evil.txt" });
    expect(formatIssue(inZip, "en")).toMatch(/^“\.\.\/evil\.txt”: this file's path points outside the archive/);
    const both = error("wav-truncated", { expectedBytes: 2048, actualBytes: 100 }, { file: "a.zip", row: 3 });
    expect(formatIssue(both, "zh-CN")).toBe("“a.zip”第 3 行：WAV 文件不完整：应有 2 KB，实际只有 100 字节——请重新复制或录制。");
  });

  it("leaves unknown placeholders visible instead of hiding them", () => {
    expect(fillTemplate("a {x} b {y}", { x: 1 }, "en")).toBe("a 1 b {y}");
  });

  it("formats byte sizes", () => {
    expect(formatBytes(512)).toBe("512 bytes");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(1024 * 1024 * 1024)).toBe("1 GB");
  });
});
