/**
 * Seeded pseudo-random numbers for everything that must be reproducible: shuffling, splits,
 * weight initialisation seeds and dropout masks. Math.random is never used in lib/ml.
 */

/** A small, fast PRNG (mulberry32). Same seed, same sequence, in every JS engine. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A fresh 31-bit seed, for tfjs initialisers and dropout. */
  seed(): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    seed: () => Math.floor(next() * 0x7fffffff),
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1);
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
  };
}

/** 0..n-1 as a plain array. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
