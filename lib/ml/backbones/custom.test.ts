import { createHash } from "node:crypto";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../random";
import type { RawImage } from "../types";
import { CustomBackboneError, loadCustomBackbone, normalizePixels, probeCustomBackbone } from "./custom";
import { BackboneUploadError, buildBackbonePackage, customBackboneId, onnxProblem, unpackBackbonePackage, type CustomBackboneSettings } from "./custom-package";
import { tinyGraphBackbone, tinyLayersBackbone, tinyOnnxBackbone } from "./custom-testing";
import { readBackboneUpload } from "./custom-upload";
import { ortDistDir } from "./node";
import { zipSync } from "fflate";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const wasmPaths = ortDistDir();

function randomImages(n: number, seed: number, size = 40): RawImage[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => ({ width: size, height: size, channels: 3 as const, data: Uint8Array.from({ length: size * size * 3 }, () => rng.int(256)) }));
}
const pixelsOf = (images: RawImage[]) => tf.stack(images.map((i) => tf.tensor3d(Float32Array.from(i.data), [i.height, i.width, 3]))) as tf.Tensor4D;

function expectClose(a: Float32Array[], b: Float32Array[], tol = 1e-4) {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    expect(row.length).toBe(b[i].length);
    row.forEach((v, j) => expect(Math.abs(v - b[i][j])).toBeLessThanOrEqual(tol));
  });
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("backbone uploads are checked before anything is stored", () => {
  it("packages a tfjs layers folder (two shards) and reads it back", async () => {
    const { files, model } = await tinyLayersBackbone({ shards: 2 });
    model.dispose();
    const built = buildBackbonePackage(files);
    expect(built.format).toBe("tfjs-layers");
    expect(built.files.map((f) => f.name)).toEqual(["model.json", "group1-shard1of2.bin", "group1-shard2of2.bin"]);
    const u = unpackBackbonePackage(built.package);
    expect(u.format).toBe("tfjs-layers");
    // The same files give the same package: the content hash is stable.
    expect(sha256(buildBackbonePackage([...files].reverse()).package)).toBe(sha256(built.package));
  });

  it("refuses a missing shard, a shard of the wrong length, a broken model.json and a non-ONNX file, by name", async () => {
    const { files, model } = await tinyLayersBackbone({ shards: 2 });
    model.dispose();
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(BackboneUploadError);
        return { code: (e as BackboneUploadError).code, params: (e as BackboneUploadError).params };
      }
      throw new Error("no error");
    };
    expect(err(() => buildBackbonePackage(files.filter((f) => f.name !== "group1-shard2of2.bin")))).toEqual({ code: "missing-shard", params: { name: "group1-shard2of2.bin" } });
    const short = files.map((f) => (f.name === "group1-shard1of2.bin" ? { ...f, bytes: f.bytes.slice(4) } : f));
    const wrong = err(() => buildBackbonePackage(short));
    expect(wrong.code).toBe("shard-wrong-size");
    expect(wrong.params.name).toBe("group1-shard1of2.bin, group1-shard2of2.bin");
    expect(Number(wrong.params.expected) - Number(wrong.params.actual)).toBe(4);
    expect(err(() => buildBackbonePackage([{ name: "model.json", bytes: new TextEncoder().encode("{not json") }])).code).toBe("model-json-invalid");
    expect(err(() => buildBackbonePackage([{ name: "model.json", bytes: new TextEncoder().encode('{"hello": 1}') }])).code).toBe("model-json-not-tfjs");
    expect(err(() => buildBackbonePackage([{ name: "model.onnx", bytes: new TextEncoder().encode("this is a text file, not a model") }]))).toMatchObject({ code: "not-onnx" });
    expect(err(() => buildBackbonePackage([{ name: "notes.txt", bytes: new Uint8Array(10) }])).code).toBe("unrecognised");
    expect(err(() => buildBackbonePackage([]))).toEqual({ code: "no-files", params: {} });
    expect(err(() => buildBackbonePackage([{ name: "a.onnx", bytes: tinyOnnxBackbone().bytes }, ...files])).code).toBe("ambiguous");
    expect(err(() => buildBackbonePackage(files, { maxBytes: 100 }))).toEqual({ code: "too-large", params: { limitBytes: 100 } });
  });

  it("recognises ONNX protobufs and expands a .zip of a model folder", async () => {
    expect(onnxProblem(tinyOnnxBackbone().bytes)).toBeNull();
    expect(onnxProblem(new Uint8Array(64))).not.toBeNull();
    expect(onnxProblem(tinyOnnxBackbone().bytes.slice(0, 100))).toBe("the file is truncated");
    const { files, model } = await tinyLayersBackbone();
    model.dispose();
    const zip = zipSync(Object.fromEntries(files.map((f) => [`my-model/${f.name}`, f.bytes])));
    const fromZip = readBackboneUpload([{ name: "my-model.zip", bytes: zip }]);
    expect(sha256(fromZip.package)).toBe(sha256(buildBackbonePackage(files).package));
    expect(() => readBackboneUpload([{ name: "x.zip", bytes: new Uint8Array(30) }])).toThrow(BackboneUploadError);
  });
});

describe("user-supplied backbones give the features of a direct run", () => {
  const images = randomImages(5, 3);
  const settings32: CustomBackboneSettings = { inputHeight: 32, inputWidth: 32, normalization: "minus-one-one" };

  it("tfjs layers: features equal model.predict on the normalised pixels; no tensors leak", async () => {
    const { files, model } = await tinyLayersBackbone({ inputSize: null });
    const pkg = buildBackbonePackage(files).package;
    const before = tf.memory().numTensors;
    const b = await loadCustomBackbone(pkg, { contentHash: sha256(pkg), settings: settings32, wasmPaths });
    expect(b.spec).toMatchObject({ format: "tfjs-layers", layout: "nhwc", pooling: "none", featureDim: 12, inputHeight: 32 });
    expect(b.id).toBe(customBackboneId(b.spec));
    expect(b.id).toContain(sha256(pkg).slice(0, 16));
    const weightTensors = tf.memory().numTensors;
    const features = await b.embed(images);
    expect(tf.memory().numTensors).toBe(weightTensors);
    const direct = tf.tidy(() => {
      const px = pixelsOf(images);
      return model.predict(normalizePixels(px, settings32)) as tf.Tensor2D;
    });
    const rows = (await direct.array()).map((r) => Float32Array.from(r));
    direct.dispose();
    expectClose(features, rows);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("tfjs graph: a 4-D output is averaged over its spatial axes", async () => {
    const g = tinyGraphBackbone();
    const pkg = buildBackbonePackage(g.files).package;
    expect(unpackBackbonePackage(pkg).format).toBe("tfjs-graph");
    const before = tf.memory().numTensors;
    const b = await loadCustomBackbone(pkg, { contentHash: sha256(pkg), settings: { ...settings32, normalization: "zero-one" }, wasmPaths });
    expect(b.spec).toMatchObject({ format: "tfjs-graph", layout: "nhwc", pooling: "global-average", featureDim: 8 });
    const features = await b.embed(images);
    const direct = tf.tidy(() => {
      const x = normalizePixels(pixelsOf(images), { ...settings32, normalization: "zero-one" });
      const y = tf.relu(tf.add(tf.conv2d(x, tf.tensor4d(g.kernel, [3, 3, 3, 8]), 2, "same"), tf.tensor1d(g.bias)));
      return tf.mean(y, [1, 2]) as tf.Tensor2D;
    });
    const rows = (await direct.array()).map((r) => Float32Array.from(r));
    direct.dispose();
    expectClose(features, rows);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const layout of ["nchw", "nhwc"] as const) {
    it(`ONNX (${layout} input) on onnxruntime-web: features equal the same convolution in tfjs`, async () => {
      const o = tinyOnnxBackbone({ layout });
      const pkg = buildBackbonePackage([{ name: "tiny.onnx", bytes: o.bytes }]).package;
      const before = tf.memory().numTensors;
      const b = await loadCustomBackbone(pkg, { contentHash: sha256(pkg), settings: { ...settings32, normalization: "imagenet" }, wasmPaths });
      expect(b.spec).toMatchObject({ format: "onnx", layout, pooling: "none", featureDim: 8 });
      const features = await b.embed(images);
      const direct = tf.tidy(() => {
        const x = normalizePixels(pixelsOf(images), { ...settings32, normalization: "imagenet" });
        // ONNX kernels are [out, in, kh, kw]; tfjs wants [kh, kw, in, out].
        const k = tf.transpose(tf.tensor4d(o.kernel, [8, 3, 3, 3]), [2, 3, 1, 0]) as tf.Tensor4D;
        const y = tf.relu(tf.add(tf.conv2d(x, k, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]), tf.tensor1d(o.bias)));
        return tf.mean(y, [1, 2]) as tf.Tensor2D;
      });
      const rows = (await direct.array()).map((r) => Float32Array.from(r));
      direct.dispose();
      expectClose(features, rows);
      b.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("ONNX with a 4-D output, a dynamic size and a fixed batch of 1: pooled, size chosen by the owner", async () => {
    const o = tinyOnnxBackbone({ size: null, batch: 1, pooled: false });
    const pkg = buildBackbonePackage([{ name: "map.onnx", bytes: o.bytes }]).package;
    const probe = await probeCustomBackbone(pkg, { contentHash: sha256(pkg), wasmPaths });
    expect(probe.problem).toBeNull();
    expect(probe.inspection).toMatchObject({ layout: "nchw", fixedHeight: null, fixedWidth: null, fixedBatch: 1, defaults: { inputHeight: 224, inputWidth: 224, normalization: "imagenet" } });
    expect(probe.spec).toMatchObject({ pooling: "global-average", featureDim: 8, inputHeight: 224 });
    expect(probe.runMs).toBeGreaterThan(0);
    const b = await loadCustomBackbone(pkg, { contentHash: sha256(pkg), settings: { inputHeight: 48, inputWidth: 64, normalization: "zero-one" }, wasmPaths });
    const features = await b.embed(images.slice(0, 3));
    expect(features.map((f) => f.length)).toEqual([8, 8, 8]);
    // Batches of one give the same features as one by one.
    expectClose([...(await b.embed([images[1]]))], [features[1]]);
    b.dispose();
  });

  it("reports problems instead of running: a fixed size cannot change, a bad spec is refused", async () => {
    const o = tinyOnnxBackbone({ size: 32 });
    const pkg = buildBackbonePackage([{ name: "fixed.onnx", bytes: o.bytes }]).package;
    const probe = await probeCustomBackbone(pkg, { contentHash: sha256(pkg), settings: { inputHeight: 64, inputWidth: 64, normalization: "imagenet" }, wasmPaths });
    expect(probe.problem?.code).toBe("input-size");
    expect(probe.inspection?.fixedHeight).toBe(32);
    const ok = await loadCustomBackbone(pkg, { contentHash: sha256(pkg), settings: { inputHeight: 32, inputWidth: 32, normalization: "imagenet" }, wasmPaths });
    const spec = ok.spec;
    ok.dispose();
    await expect(loadCustomBackbone(pkg, { contentHash: sha256(pkg), settings: spec, expect: { ...spec, featureDim: 9 }, wasmPaths })).rejects.toMatchObject({ code: "spec-mismatch" });
    await expect(loadCustomBackbone(new Uint8Array(40), { contentHash: "0".repeat(64), settings: spec, wasmPaths })).rejects.toBeInstanceOf(CustomBackboneError);
  });
});
