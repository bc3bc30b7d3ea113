import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { BundleError, decodeBundle, encodeBundle, readManifest } from "./bundle";
import { loadPredictor, type ClassifierPredictor } from "./predictor";
import { intentDataset } from "./testing";
import { trainTextClassifier } from "./text/train-text";
import { fromHalf, packWeights, toHalf, unpackWeights, type PackableSpec } from "./weight-packing";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const floatsOf = (b: Uint8Array, from = 0, count = (b.byteLength - from) / 4) => new Float32Array(b.buffer.slice(b.byteOffset + from, b.byteOffset + from + count * 4));

describe("float16", () => {
  it("round-trips every half value exactly and rounds float32 to the nearest half", () => {
    for (let h = 0; h < 65536; h++) {
      const v = fromHalf(h);
      if (Number.isNaN(v)) continue;
      expect(toHalf(v)).toBe(h);
    }
    expect(fromHalf(toHalf(1 / 3))).toBeCloseTo(1 / 3, 3);
    // subnormal: within half of the smallest step, 2^-24
    expect(Math.abs(fromHalf(toHalf(1e-7)) - 1e-7)).toBeLessThanOrEqual(2 ** -25);
    expect(fromHalf(toHalf(1e6))).toBe(Infinity);
    expect(fromHalf(toHalf(-0.000_01))).toBeCloseTo(-0.000_01, 7);
  });
});

describe("packed weights", () => {
  const rows = 2048;
  const dim = 8;
  const specs: PackableSpec[] = [
    { name: "table", shape: [rows, dim], dtype: "float32" },
    { name: "dense", shape: [dim, 40], dtype: "float32" },
    { name: "bias", shape: [40], dtype: "float32" },
    { name: "steps", shape: [3], dtype: "int32" },
  ];
  function weights() {
    const table = new Float32Array(rows * dim);
    for (let r = 1; r < rows; r += 3) for (let k = 0; k < dim; k++) table[r * dim + k] = Math.sin(r * 7 + k) * 0.05;
    const dense = Float32Array.from({ length: dim * 40 }, (_, i) => Math.cos(i) * 0.3);
    const bias = Float32Array.from({ length: 40 }, (_, i) => i / 100);
    const steps = new Int32Array([1, -2, 3]);
    const all = new Uint8Array(table.byteLength + dense.byteLength + bias.byteLength + steps.byteLength);
    let o = 0;
    for (const part of [table, dense, bias, steps]) {
      all.set(new Uint8Array(part.buffer), o);
      o += part.byteLength;
    }
    return { all, table, dense, bias, steps };
  }

  it("stores zero rows as one bit, large tensors in four bits or float16, small ones as they are; unpacks to the same layout", () => {
    const { all, table, dense, bias } = weights();
    const { packing, bytes } = packWeights(specs, all);
    expect(packing.tensors.map((t) => t.encoding)).toEqual(["int4-rows", "f16", "raw", "raw"]);
    // 683 stored rows of 8 values: a bitmap of 256 bytes, then 4 + 4 bytes per row
    expect(packing.tensors[0].byteLength).toBe(256 + 683 * 8);
    expect(bytes.byteLength).toBeLessThan(all.byteLength / 6);
    const back = unpackWeights(specs, packing, bytes);
    expect(back.byteLength).toBe(all.byteLength);
    const t = floatsOf(back, 0, rows * dim);
    for (let r = 0; r < rows; r++) {
      const max = Math.max(...table.subarray(r * dim, r * dim + dim).map(Math.abs));
      for (let k = 0; k < dim; k++) {
        if (max === 0) expect(t[r * dim + k]).toBe(0);
        else expect(Math.abs(t[r * dim + k] - table[r * dim + k])).toBeLessThanOrEqual(max / 14 + 1e-7); // half a step of 7 levels
      }
    }
    const d = floatsOf(back, rows * dim * 4, dense.length);
    for (let i = 0; i < dense.length; i++) expect(Math.abs(d[i] - dense[i])).toBeLessThan(Math.abs(dense[i]) / 1000 + 1e-6);
    expect(floatsOf(back, (rows * dim + dense.length) * 4, 40)).toEqual(bias);
    expect(new Int32Array(back.buffer.slice((rows * dim + dense.length + 40) * 4))).toEqual(new Int32Array([1, -2, 3]));
  });

  it("packing what was unpacked gives the same bytes (a packed model saved again does not drift)", () => {
    const { packing, bytes } = packWeights(specs, weights().all);
    const again = packWeights(specs, unpackWeights(specs, packing, bytes));
    expect(again.packing).toEqual(packing);
    expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it("a header that claims gigabytes of zero rows is refused before anything is allocated", () => {
    const huge: PackableSpec[] = [{ name: "table", shape: [1 << 22, 64], dtype: "float32" }];
    const bitmap = new Uint8Array((1 << 22) / 8); // no stored rows: 512 KB that would unpack to 1 GB
    expect(() => unpackWeights(huge, { version: 1, tensors: [{ encoding: "int4-rows", byteLength: bitmap.byteLength }] }, bitmap)).toThrow(/would unpack to 1024 MB/);
  });

  it("a packed bundle that was cut or tampered with is refused with a bundle error, not a wrong model", async () => {
    const data = intentDataset(6, 3);
    const { bundle } = await trainTextClassifier(data, { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 5 });
    expect(decodeBundle(bundle).packed).toBe(true);
    const headerLength = new DataView(bundle.buffer, bundle.byteOffset).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bundle.subarray(12, 12 + headerLength)));
    header.weights.packing.tensors[0].byteLength -= 4;
    const json = new TextEncoder().encode(JSON.stringify(header));
    const forged = new Uint8Array(12 + json.byteLength + (bundle.byteLength - 12 - headerLength));
    forged.set(bundle.subarray(0, 8));
    new DataView(forged.buffer).setUint32(8, json.byteLength, true);
    forged.set(json, 12);
    forged.set(bundle.subarray(12 + headerLength), 12 + json.byteLength);
    expect(() => decodeBundle(forged)).toThrow(BundleError);
    expect(() => decodeBundle(forged)).toThrow(/packed weights are invalid/);
    expect(() => decodeBundle(bundle.subarray(0, bundle.byteLength - 10))).toThrow(/truncated/);
  });

  it("a published text model is packed, a ninth of float32 or less, and predicts the same after save → load", async () => {
    const data = intentDataset(12, 4);
    const opts = { modelType: "ngram-bag" as const, scene: "intent-chatbot", preset: "fast" as const, seed: 9 };
    const packed = await trainTextClassifier(data, opts);
    const full = await trainTextClassifier(data, { ...opts, fullPrecision: true });
    expect(decodeBundle(full.bundle).packed).toBe(false);
    expect(packed.bundle.byteLength).toBeLessThan(full.bundle.byteLength / 9);
    // the metrics in the manifest are those of the packed model (what visitors run)
    expect(readManifest(packed.bundle).metrics).not.toBeNull();
    const a = (await loadPredictor(packed.bundle)) as ClassifierPredictor;
    const b = (await loadPredictor(new Uint8Array(packed.bundle.slice().buffer))) as ClassifierPredictor;
    const texts = ["i lost my card", "what is my balance", "完全没见过的话"];
    expect(await b.predictProbabilities(texts)).toEqual(await a.predictProbabilities(texts));
    // re-saving the decoded model packs it to the same bytes
    const { manifest, artifacts } = decodeBundle(packed.bundle);
    expect(Buffer.from(encodeBundle(manifest, artifacts, { pack: true })).equals(Buffer.from(packed.bundle))).toBe(true);
    a.dispose();
    b.dispose();
  });
});

