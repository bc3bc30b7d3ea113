import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { Backbone } from "@/lib/ml/backbone";
import { MOBILENET_V2_ID, MOBILENET_V2_ML_ID, MOBILENET_V2_MS_ID } from "@/lib/ml/backbones/mobilenet";
import { loadMobileNetV2FromDisk, loadSpeechBackboneFromDisk, ortDistDir } from "@/lib/ml/backbones/node";
import { SPEECH_BACKBONE_ID } from "@/lib/ml/backbones/speech";
import { BundleError, decodeBundle } from "@/lib/ml/bundle";
import { lightTextBagPredictor, type LightArtifacts } from "@/lib/ml/light/text-bag";
import { ModelShapeError } from "@/lib/ml/guarded-load";
import { loadPredictor, type Predictor } from "@/lib/ml/predictor";
import { loadCustomBackbone } from "@/lib/ml/backbones/custom";

/**
 * Loaded predictors of the REST API, keyed by model version id (a version's bundle never
 * changes). Least recently used first; an evicted predictor is disposed once the requests that
 * still use it are done. Concurrent first requests share one load.
 */
interface Entry {
  promise: Promise<Predictor>;
  users: number;
  evicted: boolean;
}

interface CacheState {
  entries: Map<string, Entry>;
  loads: number;
  backend: Promise<void> | null;
  /** Image backbones, loaded once per process from public/models (or node_modules) and shared. */
  backbones: Map<string, Promise<Backbone<unknown>>>;
}

// On globalThis: every route module of the server process shares one cache (and one tfjs).
const g = globalThis as unknown as { __studioPredictorCache?: CacheState };
const state: CacheState = (g.__studioPredictorCache ??= { entries: new Map(), loads: 0, backend: null, backbones: new Map() });

export function predictorCacheSize(): number {
  const n = Number(process.env.STUDIO_API_MODEL_CACHE);
  return Number.isInteger(n) && n > 0 ? n : 8;
}

/** The tfjs backend the API runs on: STUDIO_API_TF_BACKEND, default "wasm". */
export function apiBackendWanted(): "wasm" | "cpu" {
  return process.env.STUDIO_API_TF_BACKEND === "cpu" ? "cpu" : "wasm";
}

/**
 * tfjs in Node without native add-ons: WebAssembly (tfjs-backend-wasm, its .wasm files read from
 * node_modules; about 20x faster than "cpu" on MobileNetV2), else the plain JavaScript "cpu"
 * backend. Outputs agree across backends far within 1e-5 (see wasm-parity.test.ts).
 */
function ensureBackend(): Promise<void> {
  return (state.backend ??= (async () => {
    if (apiBackendWanted() === "wasm") {
      try {
        const wasm = await import("@tensorflow/tfjs-backend-wasm");
        const require = createRequire(path.join(process.cwd(), "package.json"));
        wasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);
        if ((await tf.setBackend("wasm")) && tf.getBackend() === "wasm") return;
      } catch (e) {
        console.warn("[api/v1] tfjs wasm backend unavailable, using cpu:", e);
      }
    }
    if (tf.getBackend() !== "cpu") await tf.setBackend("cpu");
    await tf.ready();
  })());
}

/** The backend predictions run on (after the first load). */
export function apiBackend(): string {
  return tf.getBackend();
}

/** The backbone a bundle was trained on, loaded once per process; null when the API cannot run it. */
export function nodeBackbone(id: string): Promise<Backbone<unknown>> | null {
  const load: (() => Promise<Backbone<unknown>>) | null =
    id === MOBILENET_V2_ID
      ? () => loadMobileNetV2FromDisk() as Promise<Backbone<unknown>>
      : id === MOBILENET_V2_MS_ID
        ? () => loadMobileNetV2FromDisk({ features: "multiscale" }) as Promise<Backbone<unknown>>
        : id === MOBILENET_V2_ML_ID
          ? () => loadMobileNetV2FromDisk({ features: "midlevel" }) as Promise<Backbone<unknown>>
          : id === SPEECH_BACKBONE_ID
            ? () => loadSpeechBackboneFromDisk() as Promise<Backbone<unknown>>
            : null;
  if (!load) return null;
  let b = state.backbones.get(id);
  if (!b) {
    b = (async () => {
      await ensureBackend();
      return load();
    })();
    b.catch(() => state.backbones.delete(id));
    state.backbones.set(id, b);
  }
  return b;
}

function disposeEntry(e: Entry) {
  e.promise.then(
    (p) => p.dispose(),
    () => {},
  );
}

function evict() {
  const max = predictorCacheSize();
  for (const [id, e] of state.entries) {
    if (state.entries.size <= max) break;
    state.entries.delete(id);
    e.evicted = true;
    if (e.users === 0) disposeEntry(e);
  }
}

const isPermanent = (e: unknown) => e instanceof ModelShapeError || e instanceof BundleError;

/** Runs `fn` with the predictor of `versionId`, loading its bundle with `readBundle` on a miss. */
export async function withPredictor<T>(versionId: string, readBundle: () => Promise<Uint8Array>, fn: (p: Predictor) => Promise<T>): Promise<T> {
  let entry = state.entries.get(versionId);
  if (entry) {
    state.entries.delete(versionId); // re-insert: most recently used last
    state.entries.set(versionId, entry);
  } else {
    state.loads++;
    const e: Entry = {
      promise: (async () => {
        const bytes = await readBundle();
        // n-gram bag text models run without tfjs: the same outputs at a fraction of the cost.
        const decoded = decodeBundle(bytes);
        const light = lightTextBagPredictor(decoded.manifest, decoded.artifacts as LightArtifacts);
        if (light) return light;
        await ensureBackend();
        const ref = decoded.manifest.backbone;
        const backbone = ref ? await nodeBackbone(ref.id) : undefined;
        // A user-supplied backbone is embedded: loadPredictor loads it from the bundle (ONNX ones
        // on onnxruntime-web's WASM files from node_modules) and disposes it with the predictor.
        return loadPredictor(bytes, backbone ? { backbone } : { ortWasmPaths: ortDistDir(), loadCustomBackbone });
      })(),
      users: 0,
      evicted: false,
    };
    // A failed load is not cached (the next request tries again), unless the bundle itself is
    // broken: a version never changes, so it would fail the same way every time.
    e.promise.catch((err: unknown) => {
      if (isPermanent(err)) return;
      if (state.entries.get(versionId) === e) state.entries.delete(versionId);
    });
    state.entries.set(versionId, e);
    entry = e;
    evict();
  }
  entry.users++;
  try {
    return await fn(await entry.promise);
  } finally {
    entry.users--;
    if (entry.evicted && entry.users === 0) disposeEntry(entry);
  }
}

/** For tests and the benchmark: how many bundles were loaded and which versions are held. */
export function predictorCacheStats(): { loads: number; versions: string[] } {
  return { loads: state.loads, versions: [...state.entries.keys()] };
}

export function clearPredictorCache(): void {
  for (const e of state.entries.values()) {
    e.evicted = true;
    if (e.users === 0) disposeEntry(e);
  }
  state.entries.clear();
}
