/**
 * Light image augmentation for training: extra "views" of each training picture, each a random
 * crop (85–100 % of the side, anywhere in the picture) with a brightness change of up to ±15 %,
 * resampled to the original size. No mirroring: it changes what hand signs, digits, text and
 * many objects mean (on sign-digits, mirrored copies lowered held-out accuracy).
 *
 * Views are computed once, like the originals' backbone features (so epochs still only train the
 * head), and are deterministic per (seed, picture, view). Only training pictures get views:
 * validation pictures and their views never meet the training set.
 */
import { createRng } from "../random";
import type { RawImage } from "../types";

/** The most views a job may ask for (each costs one more backbone pass per picture). */
export const MAX_AUGMENT_VIEWS = 4;

function clampViews(views: number): number {
  return Math.max(0, Math.min(MAX_AUGMENT_VIEWS, Math.floor(Number.isFinite(views) ? views : 0)));
}

/** Mixes seed, picture index and view into one 32-bit seed. */
function viewSeed(seed: number, index: number, view: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index + 0x85ebca6b), 0xc2b2ae35) >>> 0;
  h = Math.imul(h ^ (view + 0x27d4eb2f), 0x165667b1) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * One augmented view of `image` (same size, channels and array type). `view` ≥ 1; the same
 * (image, index, view, seed) always gives the same pixels.
 */
export function augmentImage(image: RawImage, index: number, view: number, seed: number): RawImage {
  if (!(view >= 1)) throw new RangeError(`view must be >= 1, got ${view}`);
  const { width: w, height: h, channels: c, data } = image;
  if (data.length !== w * h * c) throw new Error(`Image data has ${data.length} values, expected ${w}x${h}x${c}.`);
  const out = new (data.constructor as { new (n: number): RawImage["data"] })(data.length);
  const max = data instanceof Float32Array ? Number.POSITIVE_INFINITY : 255;

  const rng = createRng(viewSeed(seed, index, view));
  const scale = 0.85 + 0.15 * rng.next();
  const cw = Math.max(1, scale * w);
  const ch = Math.max(1, scale * h);
  const x0 = rng.next() * (w - cw);
  const y0 = rng.next() * (h - ch);
  const brightness = 0.85 + 0.3 * rng.next();
  // Colour channels get the brightness change; an alpha channel (RGBA) is copied as is.
  const colour = c === 4 ? 3 : c;
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, y0 + ((y + 0.5) * ch) / h - 0.5));
    const yA = Math.floor(sy);
    const yB = Math.min(h - 1, yA + 1);
    const fy = sy - yA;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(w - 1, Math.max(0, x0 + ((x + 0.5) * cw) / w - 0.5));
      const xA = Math.floor(sx);
      const xB = Math.min(w - 1, xA + 1);
      const fx = sx - xA;
      const dst = (y * w + x) * c;
      for (let k = 0; k < c; k++) {
        const v =
          (1 - fy) * ((1 - fx) * data[(yA * w + xA) * c + k] + fx * data[(yA * w + xB) * c + k]) +
          fy * ((1 - fx) * data[(yB * w + xA) * c + k] + fx * data[(yB * w + xB) * c + k]);
        out[dst + k] = k < colour ? Math.min(max, v * brightness) : v;
      }
    }
  }
  return { width: w, height: h, channels: c, data: out };
}

/** Views 1..`views` of every picture whose index is in `indices`, with the index each came from. */
export function augmentedViews(
  images: readonly RawImage[],
  indices: readonly number[],
  views: number,
  seed: number,
): { images: RawImage[]; source: number[]; view: number[] } {
  const n = clampViews(views);
  const result = { images: [] as RawImage[], source: [] as number[], view: [] as number[] };
  for (let v = 1; v <= n; v++) {
    for (const i of indices) {
      result.images.push(augmentImage(images[i], i, v, seed));
      result.source.push(i);
      result.view.push(v);
    }
  }
  return result;
}

/**
 * Appends augmented copies to the samples' targets and to the training part of the split: copy j
 * becomes sample `baseTargets.length + j`, with the target of the sample it was made from. The
 * validation part stays the originals only.
 */
export function joinTrainingCopies(
  baseTargets: Int32Array,
  baseSplit: { train: number[]; validation: number[] },
  source: readonly number[],
): { targets: Int32Array; split: { train: number[]; validation: number[] } } {
  const n = baseTargets.length;
  return {
    targets: Int32Array.from([...baseTargets, ...source.map((s) => baseTargets[s])]),
    split: { train: [...baseSplit.train, ...source.map((_, j) => n + j)], validation: baseSplit.validation },
  };
}

export { clampViews as clampAugmentViews };
