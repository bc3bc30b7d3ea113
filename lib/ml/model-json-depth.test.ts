import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { BUNDLE_FORMAT_VERSION, BundleError, decodeBundle, encodeBundle, type BundleManifest } from "./bundle";
import { modelToArtifacts } from "./bundle-tf";
import { BackboneUploadError, buildBackbonePackage } from "./backbones/custom-package";
import { DEFAULT_BAG_TOKENIZER } from "./text/tokenizer";

// Model files are JSON that tfjs (and our packing) walk recursively: one nested half a million
// levels deep must be refused when it is read, not overflow the stack later (a 500, or a model
// that can never load on the share page and the REST API).
const LEVELS = 500_000;
const DEEP = `${'{"a":'.repeat(LEVELS)}1${"}".repeat(LEVELS)}`;

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const manifest: BundleManifest = {
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
};

/** A valid bundle whose model topology holds `value` (raw JSON text) at one place. */
async function bundleWithTopologyValue(value: string): Promise<Uint8Array> {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  const artifacts = await modelToArtifacts(model);
  model.dispose();
  (artifacts.modelTopology as Record<string, unknown>).note = "__PLACEHOLDER__";
  const bytes = encodeBundle(manifest, artifacts);
  const length = new DataView(bytes.buffer).getUint32(8, true);
  const header = new TextDecoder().decode(bytes.subarray(12, 12 + length)).replace('"__PLACEHOLDER__"', value);
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(12 + json.byteLength + bytes.byteLength - 12 - length);
  out.set(bytes.subarray(0, 8), 0);
  new DataView(out.buffer).setUint32(8, json.byteLength, true);
  out.set(json, 12);
  out.set(bytes.subarray(12 + length), 12 + json.byteLength);
  return out;
}

describe("model JSON nested too deep", () => {
  it("a bundle whose header nests 500,000 levels deep is refused as invalid", async () => {
    const fine = await bundleWithTopologyValue('{"a": [1, {"b": 2}]}');
    expect(decodeBundle(fine).manifest.scene).toBe("text-classification");
    const deep = await bundleWithTopologyValue(DEEP);
    expect(() => decodeBundle(deep)).toThrow(BundleError);
    expect(() => decodeBundle(deep)).toThrow(/nests more than 256 levels deep/);
  });

  it("an uploaded model.json nested 500,000 levels deep is refused with its own message", () => {
    const modelJson = `{"format": "layers-model", "modelTopology": {"class_name": "Sequential", "config": ${DEEP}}, "weightsManifest": []}`;
    let caught: unknown;
    try {
      buildBackbonePackage([{ name: "model.json", bytes: new TextEncoder().encode(modelJson) }]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BackboneUploadError);
    expect(caught).toMatchObject({ code: "model-json-too-deep", params: { file: "model.json", limit: 256 } });
  });
});
