import { describe, expect, it } from "vitest";
import { argmaxRows, classificationReport, confidenceCurve, fallbackRate, regressionReport } from "./metrics";

describe("classification metrics", () => {
  // Hand-computed: confusion [[2,1,0],[0,1,1],[0,0,1]].
  const report = classificationReport([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], ["a", "b", "c"], [10, 11, 12, 13, 14, 15]);

  it("computes accuracy, per-class precision/recall/F1 and macro-F1", () => {
    expect(report.accuracy).toBeCloseTo(4 / 6, 10);
    expect(report.perClass.map((m) => [m.precision, m.recall, m.support])).toEqual([
      [1, 2 / 3, 3],
      [0.5, 0.5, 2],
      [0.5, 1, 1],
    ]);
    expect(report.perClass[0].f1).toBeCloseTo(0.8, 10);
    expect(report.perClass[1].f1).toBeCloseTo(0.5, 10);
    expect(report.perClass[2].f1).toBeCloseTo(2 / 3, 10);
    expect(report.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 10);
  });

  it("builds the confusion matrix with the sample ids of every cell", () => {
    expect(report.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(report.cells).toEqual([
      { actual: 0, predicted: 0, count: 2, samples: [10, 11] },
      { actual: 0, predicted: 1, count: 1, samples: [12] },
      { actual: 1, predicted: 1, count: 1, samples: [13] },
      { actual: 1, predicted: 2, count: 1, samples: [14] },
      { actual: 2, predicted: 2, count: 1, samples: [15] },
    ]);
  });

  it("gives 0 (not NaN) for a class that is never predicted, and skips absent classes in macro-F1", () => {
    const r = classificationReport([0, 1], [0, 0], ["a", "b", "unused"]);
    expect(r.perClass[1]).toEqual({ label: "b", precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.perClass[2].support).toBe(0);
    // a: P=0.5 R=1 F1=2/3; b: 0; "unused" neither occurs nor is predicted.
    expect(r.macroF1).toBeCloseTo(1 / 3, 10);
  });

  it("rejects mismatched lengths and out-of-range classes", () => {
    expect(() => classificationReport([0], [0, 1], ["a", "b"])).toThrow(/samples/);
    expect(() => classificationReport([0], [5], ["a", "b"])).toThrow(/out of range/);
  });
});

describe("regression metrics", () => {
  it("computes MAE, RMSE and R² by hand", () => {
    const r = regressionReport([1, 2, 3, 4], [1, 2, 3, 5]);
    expect(r.mae).toBeCloseTo(0.25, 12);
    expect(r.rmse).toBeCloseTo(0.5, 12);
    expect(r.r2).toBeCloseTo(1 - 1 / 5, 12);
  });

  it("handles a constant target", () => {
    expect(regressionReport([2, 2], [2, 2]).r2).toBe(1);
    expect(regressionReport([2, 2], [1, 3]).r2).toBe(0);
  });
});

describe("helpers", () => {
  it("argmax per row and fallback rate", () => {
    expect(Array.from(argmaxRows([0.1, 0.9, 0.7, 0.3, 0.5, 0.5], 2))).toEqual([1, 0, 0]);
    expect(fallbackRate([0.9, 0.4, 0.2, 0.8], 0.5)).toBe(0.5);
    expect(fallbackRate([], 0.5)).toBe(0);
  });

  it("confidence curve: fallback share and accuracy of the answered ones per threshold", () => {
    const c = confidenceCurve([0.9, 0.6, 0.4, 0.2], [true, false, true, false], [0.1, 0.5, 0.95]);
    expect(c.fallbackRate).toEqual([0, 0.5, 1]);
    expect(c.answeredAccuracy).toEqual([0.5, 0.5, null]);
  });
});
