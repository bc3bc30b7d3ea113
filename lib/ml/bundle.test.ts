import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { BUNDLE_FORMAT_VERSION, BundleError, decodeBundle, encodeBundle, readManifest, type BundleManifest } from "./bundle";
import { modelToArtifacts } from "./bundle-tf";
import { EmbeddingBag } from "./layers";
import { loadPredictor, PredictorError, type ClassifierPredictor } from "./predictor";
import { DEFAULT_BAG_TOKENIZER } from "./text/tokenizer";
import { bagForward, SparseEmbeddingTable, toRagged } from "./engine/sparse-embedding";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function manifest(overrides: Partial<BundleManifest> = {}): BundleManifest {
  return {
    formatVersion: BUNDLE_FORMAT_VERSION,
    scene: "text-classification",
    modelType: "ngram-bag",
    task: "classification",
    labels: ["neg", "pos"],
    preprocessing: { kind: "text-bag", tokenizer: { ...DEFAULT_BAG_TOKENIZER, buckets: 64 } },
    backbone: null,
    tfjsVersion: tf.version.tfjs,
    metrics: null,
    metricsSplit: null,
    backend: "cpu",
    trainingMs: 1,
    datasetVersion: null,
    createdAt: new Date(0).toISOString(),
    training: null,
    ...overrides,
  };
}

/** An ngram-bag model with seeded random weights (row 0 zero, as trained tables are). */
function bagModel(combiner: "mean" | "sqrtn" = "sqrtn"): tf.Sequential {
  const model = tf.sequential({
    layers: [
      new EmbeddingBag({ inputDim: 64, outputDim: 8, combiner, inputShape: [null] }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.activation({ activation: "softmax" }),
    ],
  });
  tf.tidy(() => {
    const table = tf.randomUniform([64, 8], -1, 1, "float32", 3);
    model.layers[0].setWeights([tf.concat([tf.zeros([1, 8]), tf.slice(table, [1, 0], [63, 8])])]);
  });
  return model;
}

describe("model bundle", () => {
  it("round-trips manifest, topology and weights: identical outputs after save → encode → decode → load", async () => {
    const model = bagModel();
    const ids = tf.tensor2d([[5, 9, 9, 0], [1, 2, 3, 4], [0, 0, 0, 0]], [3, 4], "int32");
    const expected = (model.predict(ids) as tf.Tensor).arraySync() as number[][];
    const bytes = encodeBundle(manifest(), await modelToArtifacts(model));
    const decoded = decodeBundle(bytes);
    expect(decoded.manifest).toEqual(manifest());
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(decoded.artifacts));
    const got = (loaded.predict(ids) as tf.Tensor).arraySync() as number[][];
    got.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThanOrEqual(1e-6)));
    // The empty text (all padding) gives softmax(bias).
    expect(got[2][0] + got[2][1]).toBeCloseTo(1, 6);
    tf.dispose([ids]);
    model.dispose();
    loaded.dispose();
  });

  it("the tfjs EmbeddingBag layer matches the JS training-time bag on cpu (both combiners)", async () => {
    for (const combiner of ["mean", "sqrtn"] as const) {
      const table = new SparseEmbeddingTable(64, 8, 11, { learningRate: 0.1 });
      const model = bagModel(combiner);
      model.layers[0].setWeights([tf.tensor2d(table.values, [64, 8])]);
      const texts = [Int32Array.from([5, 9, 9]), Int32Array.from([1, 2, 3, 4, 63]), new Int32Array(0)];
      const js = bagForward(table, toRagged(texts), [0, 1, 2], combiner);
      const padded = tf.tensor2d([[5, 9, 9, 0, 0], [1, 2, 3, 4, 63], [0, 0, 0, 0, 0]], [3, 5], "int32");
      const layerOut = (model.layers[0].apply(padded) as tf.Tensor).dataSync();
      js.forEach((v, i) => expect(Math.abs(v - layerOut[i])).toBeLessThanOrEqual(1e-6));
      padded.dispose();
      model.dispose();
    }
  });

  it("reads the manifest alone and the predictor exposes it", async () => {
    const model = bagModel();
    const bytes = encodeBundle(manifest({ datasetVersion: "v7" }), await modelToArtifacts(model));
    model.dispose();
    expect(readManifest(bytes).datasetVersion).toBe("v7");
    const predictor = (await loadPredictor(bytes.buffer as ArrayBuffer)) as ClassifierPredictor;
    expect(predictor.manifest.labels).toEqual(["neg", "pos"]);
    expect(predictor.inputKind).toBe("text");
    await expect(predictor.predict([42 as unknown as string])).rejects.toThrow(PredictorError);
    predictor.dispose();
    await expect(predictor.predict(["x"])).rejects.toThrow(/disposed/);
  });

  describe("rejects bad files with a clear error", () => {
    let good: Uint8Array;
    beforeAll(async () => {
      const model = bagModel();
      good = encodeBundle(manifest(), await modelToArtifacts(model));
      model.dispose();
    });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(BundleError);
        return (e as BundleError).code;
      }
      throw new Error("expected a BundleError");
    };

    it("garbage, empty input and other file types", () => {
      expect(code(() => decodeBundle(new Uint8Array(0)))).toBe("not-a-bundle");
      expect(code(() => decodeBundle(new TextEncoder().encode("PK\u0003\u0004 this is a zip file, not a model")))).toBe("not-a-bundle");
      const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 255);
      expect(code(() => decodeBundle(random))).toBe("not-a-bundle");
      expect(() => decodeBundle(random)).toThrow(/not an AI Mass Studio model bundle/);
    });

    it("a scene model whose payload or preprocessing does not match its task", async () => {
      const model = bagModel();
      const artifacts = await modelToArtifacts(model);
      model.dispose();
      expect(() => encodeBundle(manifest({ task: "retrieval" }), artifacts)).toThrow(/retrieval model needs a "retrieval" payload/);
      expect(() => encodeBundle(manifest({ task: "multi-label", preprocessing: { kind: "features", featureDim: 4 }, payload: { kind: "multi-label", thresholds: [0.5] } }), artifacts)).toThrow(/one threshold per label/);
      expect(() => encodeBundle(manifest({ task: "entities", payload: { kind: "bio", types: ["X"], gap: 1 } }), artifacts)).toThrow(/cannot use "text-bag" preprocessing/);
      const header = { manifest: { ...manifest(), task: "ranking" }, model: { modelTopology: {}, weightSpecs: [] }, weights: { byteLength: 0, crc32: 0 } };
      expect(code(() => decodeBundle(encodeRaw(header)))).toBe("invalid-header");
    });

    it("truncated files", () => {
      expect(code(() => decodeBundle(good.slice(0, 20)))).toBe("truncated");
      expect(code(() => decodeBundle(good.slice(0, good.length - 10)))).toBe("truncated");
    });

    it("flipped weight bytes (checksum)", () => {
      const bad = good.slice();
      bad[bad.length - 5] ^= 0xff;
      expect(code(() => decodeBundle(bad))).toBe("checksum-mismatch");
    });

    it("a header that is not JSON, or JSON of the wrong shape", () => {
      const bad = good.slice();
      bad[13] = 0x7b; // '{' twice → invalid JSON
      bad[12] = 0x7b;
      expect(code(() => decodeBundle(bad))).toBe("invalid-header");
      const wrongShape = encodeRaw({ manifest: { ...manifest(), labels: "oops" }, model: {}, weights: { byteLength: 0, crc32: 0 } });
      expect(code(() => decodeBundle(wrongShape))).toBe("invalid-header");
      expect(() => decodeBundle(wrongShape)).toThrow(/labels/);
    });

    it("a newer format version", () => {
      const newer = encodeRaw({ manifest: { ...manifest(), formatVersion: 99 }, model: {}, weights: { byteLength: 0, crc32: 0 } });
      expect(code(() => decodeBundle(newer))).toBe("unsupported-version");
    });

    it("refuses to encode an invalid manifest", () => {
      expect(() => encodeBundle({ ...manifest(), scene: "" }, { modelTopology: {}, weightSpecs: [] })).toThrow(BundleError);
    });
  });
});

function encodeRaw(header: unknown): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + json.length);
  out.set(new TextEncoder().encode("AIMSBNDL"));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  return out;
}
