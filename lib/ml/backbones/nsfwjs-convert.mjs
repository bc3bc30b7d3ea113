// Node-only: turns the MobileNetV2 that nsfwjs ships as UMD JavaScript files
// (dist/models/mobilenet_v2/model.min.js + group1-shard1of1.min.js) into a standard tfjs
// layers-model folder (model.json + binary shard). Used by scripts/copy-assets.mjs at build time
// and by the unit tests, which convert straight from node_modules without touching public/.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";

export const MOBILENET_SHARD_FILE = "group1-shard1of1.bin";

/** Evaluates one UMD bundle in an empty sandbox and returns what it assigns to module.exports. */
function evalUmd(file) {
  const code = fs.readFileSync(file, "utf8");
  const sandbox = { module: { exports: {} } };
  sandbox.exports = sandbox.module.exports;
  vm.runInNewContext(code, sandbox, { filename: file });
  const value = sandbox.module.exports;
  // Objects made in the sandbox belong to another realm (`x instanceof Array` is false there,
  // which breaks tfjs' deserialiser): copy them into this realm.
  return typeof value === "string" ? value : JSON.parse(JSON.stringify(value));
}

/** Reads name and version from a package.json inside node_modules. */
export function readPackageInfo(nodeModulesDir, pkg) {
  const json = JSON.parse(fs.readFileSync(path.join(nodeModulesDir, pkg, "package.json"), "utf8"));
  return { name: json.name, version: json.version, license: json.license ?? null };
}

/**
 * Converts nsfwjs's MobileNetV2 into layers-model artifacts.
 * @param {string} nodeModulesDir absolute path of node_modules
 * @returns {{ modelJson: object, shards: { name: string, data: Uint8Array }[], source: { name: string, version: string, license: string | null } }}
 */
export function convertNsfwjsMobileNetV2(nodeModulesDir) {
  const dir = path.join(nodeModulesDir, "nsfwjs", "dist", "models", "mobilenet_v2");
  const model = evalUmd(path.join(dir, "model.min.js"));
  if (!model || typeof model !== "object" || !model.modelTopology || !Array.isArray(model.weightsManifest)) {
    throw new Error(`Unexpected content in ${dir}/model.min.js (no modelTopology/weightsManifest)`);
  }
  const shards = [];
  const weightsManifest = model.weightsManifest.map((group) => {
    const paths = group.paths.map((p) => {
      const base64 = evalUmd(path.join(dir, `${p}.min.js`));
      if (typeof base64 !== "string") throw new Error(`Weight bundle ${p}.min.js did not export a base64 string`);
      const data = new Uint8Array(Buffer.from(base64, "base64"));
      const name = `${p}.bin`;
      shards.push({ name, data });
      return name;
    });
    return { paths, weights: group.weights };
  });
  const expected = weightsManifest
    .flatMap((g) => g.weights)
    .reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * (w.quantization ? (w.quantization.dtype === "uint8" ? 1 : 2) : 4), 0);
  const actual = shards.reduce((n, s) => n + s.data.byteLength, 0);
  if (expected !== actual) throw new Error(`MobileNetV2 weights: expected ${expected} bytes, decoded ${actual}`);
  const source = readPackageInfo(nodeModulesDir, "nsfwjs");
  const modelJson = {
    format: "layers-model",
    generatedBy: `keras v${model.modelTopology.keras_version ?? "unknown"}`,
    convertedBy: `ai-mass-studio copy-assets from ${source.name}@${source.version}`,
    modelTopology: model.modelTopology,
    weightsManifest,
    // Travels with the model (tf.LayersModel.getUserDefinedMetadata()), so a loaded backbone knows its origin.
    userDefinedMetadata: { source: { package: source.name, version: source.version } },
  };
  return { modelJson, shards, source };
}
