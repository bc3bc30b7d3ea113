import { describe, expect, it } from "vitest";
import type { EntitySample } from "./entities";
import { analyzeDataset, analyzeEntityDataset, normalizeForDuplicates } from "./quality";

const rows = (pairs: [string, string][]) => pairs.map(([text, label], i) => ({ text, label, row: i + 2 }));

describe("analyzeDataset", () => {
  it("counts examples per label, largest first, and allows training on a healthy set", () => {
    const samples = [
      ...Array.from({ length: 6 }, (_, i) => ({ text: `good ${i}`, label: "pos" })),
      ...Array.from({ length: 5 }, (_, i) => ({ text: `bad ${i}`, label: "neg" })),
    ];
    const r = analyzeDataset(samples);
    expect(r.classes).toEqual([
      { label: "pos", count: 6 },
      { label: "neg", count: 5 },
    ]);
    expect(r.total).toBe(11);
    expect(r.issues).toEqual([]);
    expect(r.canTrain).toBe(true);
  });

  it("blocks training on a one-class dataset", () => {
    const r = analyzeDataset(rows([["a", "spam"], ["b", "spam"], ["c", "spam"], ["d", "spam"], ["e", "spam"]]));
    expect(r.canTrain).toBe(false);
    expect(r.issues).toEqual([{ code: "single-class", severity: "error", params: { label: "spam" } }]);
  });

  it("blocks training with no samples and reports empty labels by row", () => {
    expect(analyzeDataset([]).issues.map((i) => i.code)).toEqual(["no-samples"]);
    const r = analyzeDataset([{ label: " ", row: 4 }, { label: "", file: "cats/x.png" }]);
    expect(r.issues.map((i) => [i.code, i.row, i.file])).toEqual([
      ["label-empty", 4, undefined],
      ["label-empty", undefined, "cats/x.png"],
      ["no-samples", undefined, undefined],
    ]);
  });

  it("warns about small classes and heavy imbalance with the thresholds", () => {
    const samples = [...Array.from({ length: 40 }, () => ({ label: "a" })), ...Array.from({ length: 3 }, () => ({ label: "b" }))];
    const r = analyzeDataset(samples);
    expect(r.canTrain).toBe(true);
    expect(r.issues).toEqual([
      { code: "class-too-small", severity: "warning", params: { label: "b", count: 3, min: 5 } },
      {
        code: "class-imbalance",
        severity: "warning",
        params: { largest: "a", largestCount: 40, smallest: "b", smallestCount: 3, ratio: 13.3, limit: 10 },
      },
    ]);
    expect(analyzeDataset(samples, { maxImbalanceRatio: 20, minExamplesPerClass: 2 }).issues).toEqual([]);
  });

  it("finds exact duplicates after normalisation and the same text with two labels", () => {
    const r = analyzeDataset(
      rows([
        ["Great  phone!", "pos"],
        ["great phone!", "pos"],
        ["ＧＲＥＡＴ phone!", "neg"],
        ["fine", "neu"],
        ["ok", "neu"],
      ]),
      { minExamplesPerClass: 1 },
    );
    expect(r.issues).toEqual([
      { code: "duplicate-text", severity: "warning", row: 3, params: { firstRow: 2, text: "great phone!" } },
      {
        code: "conflicting-labels",
        severity: "warning",
        row: 4,
        params: { text: "ＧＲＥＡＴ phone!", label: "neg", otherLabels: "pos", firstRow: 2 },
      },
    ]);
  });

  it("normalises width, case and spaces", () => {
    expect(normalizeForDuplicates("  Ｈｅｌｌｏ\tWORLD ")).toBe("hello world");
  });
});

describe("analyzeEntityDataset", () => {
  const s = (text: string, labels: string[], row: number): EntitySample => ({
    text,
    spans: labels.map((label, i) => ({ start: i, end: i + 1, label })),
    row,
  });

  it("counts entities per type and warns about rare types", () => {
    const samples = [
      ...Array.from({ length: 5 }, (_, i) => s(`city ${i}`, ["CITY"], i + 1)),
      s("date", ["DATE"], 6),
      s("nothing", [], 7),
    ];
    const r = analyzeEntityDataset(samples);
    expect(r).toMatchObject({ sentences: 7, withEntities: 6, types: [{ label: "CITY", count: 5 }, { label: "DATE", count: 1 }] });
    expect(r.issues).toEqual([{ code: "entity-type-too-small", severity: "warning", params: { label: "DATE", count: 1, min: 5 } }]);
    expect(r.canTrain).toBe(true);
  });

  it("blocks training when nothing is marked", () => {
    const r = analyzeEntityDataset([s("a", [], 1), s("b", [], 2)]);
    expect(r.canTrain).toBe(false);
    expect(r.issues.map((i) => i.code)).toEqual(["no-entities"]);
  });
});
