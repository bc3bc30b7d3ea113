import { describe, expect, it } from "vitest";
import { randomSplit, stratifiedSplit } from "./split";
import { createRng } from "./random";

describe("seeded PRNG", () => {
  it("repeats per seed and differs across seeds", () => {
    const a = createRng(7);
    const b = createRng(7);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createRng(8).next()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it("shuffles to a permutation, roughly uniformly", () => {
    const rng = createRng(1);
    const firsts = new Array(4).fill(0);
    for (let i = 0; i < 4000; i++) firsts[rng.shuffle([0, 1, 2, 3])[0]]++;
    for (const f of firsts) expect(f).toBeGreaterThan(850);
    expect(rng.shuffle([...Array(10).keys()]).sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
  });
});

describe("stratified split", () => {
  const labels = [...Array(60).fill("a"), ...Array(30).fill("b"), ...Array(10).fill("c"), "lonely"];

  it("keeps class proportions in both parts and partitions the samples", () => {
    const { train, validation } = stratifiedSplit(labels, { validationFraction: 0.2, seed: 3 });
    const count = (idx: number[], l: string) => idx.filter((i) => labels[i] === l).length;
    expect(count(validation, "a")).toBe(12);
    expect(count(validation, "b")).toBe(6);
    expect(count(validation, "c")).toBe(2);
    expect(count(validation, "lonely")).toBe(0); // a single sample stays in training
    expect(count(train, "lonely")).toBe(1);
    expect([...train, ...validation].sort((x, y) => x - y)).toEqual([...labels.keys()]);
  });

  it("is deterministic per seed", () => {
    const a = stratifiedSplit(labels, { validationFraction: 0.2, seed: 3 });
    expect(stratifiedSplit(labels, { validationFraction: 0.2, seed: 3 })).toEqual(a);
    expect(stratifiedSplit(labels, { validationFraction: 0.2, seed: 4 }).validation).not.toEqual(a.validation);
  });

  it("never empties a class's training part and validates the fraction", () => {
    const { train } = stratifiedSplit(["x", "x", "y", "y"], { validationFraction: 0.5, seed: 1 });
    expect(train.map((i) => ["x", "x", "y", "y"][i]).sort()).toEqual(["x", "y"]);
    expect(() => stratifiedSplit(labels, { validationFraction: 1, seed: 1 })).toThrow(RangeError);
  });

  it("random split for regression", () => {
    const s = randomSplit(20, { validationFraction: 0.25, seed: 2 });
    expect(s.validation.length).toBe(5);
    expect([...s.train, ...s.validation].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
  });
});
