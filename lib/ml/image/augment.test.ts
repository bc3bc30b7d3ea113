import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { augmentImage, augmentedViews } from "./augment";
import { trainClassifierHead } from "./train-head";
import { trainSmallCnn } from "./train-small-cnn";
import type { RawImage } from "../types";

function gradient(w: number, h: number): RawImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      data[o] = (x * 255) / (w - 1);
      data[o + 1] = (y * 255) / (h - 1);
      data[o + 2] = 100;
      data[o + 3] = 255;
    }
  return { width: w, height: h, channels: 4, data };
}

describe("image augmentation", () => {
  it("views are deterministic crops with the same size and alpha, different per picture and view", () => {
    const img = gradient(16, 12);
    const v1 = augmentImage(img, 3, 1, 7);
    expect(Array.from(v1.data)).not.toEqual(Array.from(augmentImage(img, 3, 2, 7).data));
    const a = augmentImage(img, 3, 2, 7);
    const b = augmentImage(img, 3, 2, 7);
    const other = augmentImage(img, 4, 2, 7);
    expect(a).toMatchObject({ width: 16, height: 12, channels: 4 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(other.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(img.data));
    for (let i = 3; i < a.data.length; i += 4) expect(a.data[i]).toBe(255);
    expect(() => augmentImage({ ...img, data: img.data.slice(1) }, 0, 2, 1)).toThrow(/expected 16x12x4/);
    // Never mirrored: left stays darker than right in a left-to-right gradient.
    for (let v = 1; v <= 4; v++) {
      const im = augmentImage(img, 0, v, 5);
      expect(im.data[0]).toBeLessThan(im.data[15 * 4]);
    }
  });

  it("makes views of the given pictures only, at most 4 each", () => {
    const imgs = [gradient(4, 4), gradient(4, 4), gradient(4, 4)];
    const v = augmentedViews(imgs, [0, 2], 2, 1);
    expect(v.source).toEqual([0, 2, 0, 2]);
    expect(v.view).toEqual([1, 1, 2, 2]);
    expect(augmentedViews(imgs, [1], 99, 1).images).toHaveLength(4);
    expect(augmentedViews(imgs, [1], 0, 1).images).toHaveLength(0);
  });

  it("the head trainer asks for views of training samples only and evaluates on the originals", async () => {
    const n = 40;
    const labels = Array.from({ length: n }, (_, i) => (i % 2 ? "b" : "a"));
    const features = labels.map((l, i) => Float32Array.from({ length: 8 }, (_, k) => (l === "a" ? 1 : -1) * (k + 1) + (i % 5) * 0.01));
    let asked: readonly number[] = [];
    const trained = await trainClassifierHead(
      {
        features,
        labels,
        augment: async (train, views) => {
          asked = train;
          const source = Array.from({ length: views }, () => [...train]).flat();
          return { features: source.map((s) => features[s].map((x) => x * 0.9)), source };
        },
      },
      { preset: "fast", hyperparams: { augmentViews: 2, epochs: 3 }, seed: 3 },
    );
    expect(asked.length).toBe(trained.split.train.length / 3);
    expect(trained.split.validation.every((v) => v < n && !asked.includes(v))).toBe(true);
    expect(trained.manifest.training?.trainSamples).toBe(asked.length * 3);
    expect(trained.manifest.metrics?.kind).toBe("classification");
    expect(trained.manifest.training?.hyperparams.augmentViews).toBe(2);
  });

  it("the small CNN trains on augmented views without leaking tensors", async () => {
    const images = Array.from({ length: 12 }, () => gradient(8, 8));
    const labels = images.map((_, i) => (i % 2 ? "x" : "y"));
    const before = tf.memory().numTensors;
    const trained = await trainSmallCnn({ images, labels }, { preset: "fast", imageSize: 8, hyperparams: { augmentViews: 1, epochs: 1 }, architecture: { filters: [4] } });
    expect(trained.manifest.training?.trainSamples).toBe(2 * (12 - trained.split.validation.length));
    expect(tf.memory().numTensors).toBe(before);
  });
});
