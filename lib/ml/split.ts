import { createRng } from "./random";

export interface SplitOptions {
  /** Share of each class that goes to validation (0 to 0.5). */
  validationFraction: number;
  seed: number;
  /** A class needs at least this many samples before any of them goes to validation. */
  minPerClassForValidation?: number;
}

export interface Split {
  /** Indices into the original sample array, sorted ascending. */
  train: number[];
  validation: number[];
}

/**
 * Stratified train/validation split: every class keeps (as nearly as rounding allows) the same
 * share in both parts, and every class keeps at least one training sample. Deterministic per seed.
 */
export function stratifiedSplit(labels: readonly (string | number)[], options: SplitOptions): Split {
  const { validationFraction, seed } = options;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new RangeError(`validationFraction must be in [0, 1), got ${validationFraction}`);
  }
  const minForVal = options.minPerClassForValidation ?? 2;
  const byClass = new Map<string | number, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label);
    if (list) list.push(i);
    else byClass.set(label, [i]);
  });
  const rng = createRng(seed);
  const train: number[] = [];
  const validation: number[] = [];
  // Map iteration order is first-appearance order, so the result does not depend on label spelling.
  for (const indices of byClass.values()) {
    rng.shuffle(indices);
    let nVal = indices.length >= minForVal ? Math.round(indices.length * validationFraction) : 0;
    if (nVal >= indices.length) nVal = indices.length - 1;
    validation.push(...indices.slice(0, nVal));
    train.push(...indices.slice(nVal));
  }
  train.sort((a, b) => a - b);
  validation.sort((a, b) => a - b);
  return { train, validation };
}

/** Split for regression targets: a seeded random split (no classes to stratify by). */
export function randomSplit(n: number, options: SplitOptions): Split {
  const rng = createRng(options.seed);
  const idx = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const nVal = n >= 5 ? Math.round(n * options.validationFraction) : 0;
  return {
    validation: idx.slice(0, nVal).sort((a, b) => a - b),
    train: idx.slice(nVal).sort((a, b) => a - b),
  };
}
