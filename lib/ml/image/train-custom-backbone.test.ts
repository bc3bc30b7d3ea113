import { createHash } from "node:crypto";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeBundle, readManifest } from "../bundle";
import { loadPredictor, type ClassifierPredictor } from "../predictor";
import { createRng } from "../random";
import type { ClassPrediction, RawImage } from "../types";
import { buildBackbonePackage, customBackboneId } from "../backbones/custom-package";
import { tinyLayersBackbone, tinyOnnxBackbone } from "../backbones/custom-testing";
import { ortDistDir } from "../backbones/node";
import { TrainerClient } from "../worker/client";
import type { JobProgress } from "../worker/protocol";
import { inProcessWorker } from "../worker/testing";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const ortWasmPaths = ortDistDir();

/** Three colour classes (reddish, greenish, bluish pictures with noise and a darker blob). */
function colourImages(perClass: number, seed: number): { images: RawImage[]; labels: string[] } {
  const rng = createRng(seed);
  const images: RawImage[] = [];
  const labels: string[] = [];
  const size = 36;
  ["red", "green", "blue"].forEach((label, c) => {
    for (let n = 0; n < perClass; n++) {
      const data = new Uint8Array(size * size * 3);
      const cx = rng.int(size);
      const cy = rng.int(size);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const dark = (x - cx) ** 2 + (y - cy) ** 2 < 60 ? 0.5 : 1;
          for (let k = 0; k < 3; k++) data[(y * size + x) * 3 + k] = Math.min(255, Math.round(((k === c ? 170 : 60) + rng.int(70)) * dark));
        }
      images.push({ width: size, height: size, channels: 3, data });
      labels.push(label);
    }
  });
  return { images, labels };
}

async function packageOf(kind: "layers" | "onnx", seed: number) {
  if (kind === "onnx") return buildBackbonePackage([{ name: "tiny.onnx", bytes: tinyOnnxBackbone({ seed }).bytes }]).package;
  const { files, model } = await tinyLayersBackbone({ seed });
  model.dispose();
  return buildBackbonePackage(files).package;
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("custom-backbone: the worker's backbone-head job on a user-supplied backbone", () => {
  const data = colourImages(14, 4);
  const cacheKeys = data.images.map((_, i) => `sample-${i}`);

  for (const kind of ["layers", "onnx"] as const) {
    it(`${kind}: probe → load → train above the floor; the bundle embeds the backbone and predicts the same after save → load`, async () => {
      const pkg = await packageOf(kind, 3);
      const hash = sha256(pkg);
      const client = new TrainerClient({ worker: inProcessWorker({ ortWasmPaths }) });
      await client.checkBackend({ forced: "cpu" });
      const probe = await client.probeBackbone(pkg, hash);
      expect(probe.problem).toBeNull();
      const spec = probe.spec!;
      expect(spec.featureDim).toBe(kind === "onnx" ? 8 : 12);
      const id = customBackboneId(spec);
      const info = await client.loadBackbone(id, undefined, { package: pkg, spec });
      expect(info).toMatchObject({ id, package: "user-supplied", featureDim: spec.featureDim });

      const run = await client.train({
        kind: "backbone-head",
        modelType: "custom-backbone",
        scene: "image-recognition",
        backboneId: id,
        images: data.images,
        labels: data.labels,
        cacheKeys,
        seed: 3,
        preset: "fast",
        hyperparams: { epochs: 40, learningRate: 0.01, patience: 0 },
        architecture: { hiddenUnits: 16, inputDropout: 0 },
      });
      const m = run.manifest;
      expect(m.modelType).toBe("custom-backbone");
      expect(m.backbone).toEqual({ id, package: "user-supplied", version: hash.slice(0, 12), custom: spec });
      expect(m.metrics?.kind === "classification" && m.metrics.accuracy).toBeGreaterThanOrEqual(0.85);
      const decoded = decodeBundle(run.bundle);
      expect(Buffer.from(decoded.backbonePackage!).equals(Buffer.from(pkg))).toBe(true);

      // The worker predicts from pictures with the loaded backbone...
      const probe5 = data.images.filter((_, i) => i % 8 === 0);
      const inWorker = (await client.predict(probe5, { topK: 3 })) as ClassPrediction[];
      client.dispose();
      // ...and a fresh predictor loads the backbone from the bundle alone, with the same outputs.
      const before = tf.memory().numTensors;
      const p = (await loadPredictor(run.bundle, { ortWasmPaths })) as ClassifierPredictor;
      const alone = await p.predict(probe5, { topK: 3 });
      alone.forEach((a, i) => {
        expect(a.label).toBe(inWorker[i].label);
        expect(Math.abs(a.confidence - inWorker[i].confidence)).toBeLessThanOrEqual(1e-5);
      });
      // No tensors leak across repeated predictions; dispose frees the head and the backbone.
      const held = tf.memory().numTensors;
      await p.predict(probe5);
      await p.predict(probe5);
      expect(tf.memory().numTensors).toBe(held);
      p.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("feature cache keys carry the backbone's content hash: another upload never reuses features", async () => {
    const client = new TrainerClient({ worker: inProcessWorker({ ortWasmPaths }) });
    await client.checkBackend({ forced: "cpu" });
    const job = async (pkg: Uint8Array) => {
      const spec = (await client.probeBackbone(pkg, sha256(pkg))).spec!;
      const backboneId = customBackboneId(spec);
      await client.loadBackbone(backboneId, undefined, { package: pkg, spec });
      const events: JobProgress[] = [];
      const run = await client.train(
        { kind: "backbone-head", modelType: "custom-backbone", backboneId, images: data.images, labels: data.labels, cacheKeys, seed: 1, hyperparams: { epochs: 2, patience: 0 } },
        { onProgress: (e) => events.push(e) },
      );
      return { embedded: events.filter((e) => e.phase === "features").length, id: readManifest(run.bundle).backbone!.id };
    };
    const a = await packageOf("layers", 3);
    const b = await packageOf("layers", 4); // same architecture and feature size, other weights
    const first = await job(a);
    expect(first.embedded).toBeGreaterThan(0);
    expect((await job(a)).embedded).toBe(0); // same backbone, same samples: all from the cache
    const other = await job(b);
    expect(other.embedded).toBeGreaterThan(0);
    expect(other.id).not.toBe(first.id);
    client.dispose();
  });

  it("a bundle whose embedded backbone was cut off or altered is refused", async () => {
    const pkg = await packageOf("onnx", 2);
    const client = new TrainerClient({ worker: inProcessWorker({ ortWasmPaths }) });
    await client.checkBackend({ forced: "cpu" });
    const spec = (await client.probeBackbone(pkg, sha256(pkg))).spec!;
    await client.loadBackbone(customBackboneId(spec), undefined, { package: pkg, spec });
    const run = await client.train({ kind: "backbone-head", modelType: "custom-backbone", backboneId: customBackboneId(spec), images: data.images, labels: data.labels, seed: 1, hyperparams: { epochs: 1, patience: 0 } });
    client.dispose();
    expect(() => decodeBundle(run.bundle.slice(0, run.bundle.length - 10))).toThrow(/truncated/);
    const flipped = run.bundle.slice();
    flipped[flipped.length - 5] ^= 0xff;
    expect(() => decodeBundle(flipped)).toThrow(/embedded backbone is corrupt/);
  });
});
