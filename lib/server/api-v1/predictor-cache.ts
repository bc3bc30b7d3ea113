import "server-only";
import * as tf from "@tensorflow/tfjs";
import { loadPredictor, type Predictor } from "@/lib/ml/predictor";

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
}

// On globalThis: every route module of the server process shares one cache (and one tfjs).
const g = globalThis as unknown as { __studioPredictorCache?: CacheState };
const state: CacheState = (g.__studioPredictorCache ??= { entries: new Map(), loads: 0, backend: null });

export function predictorCacheSize(): number {
  const n = Number(process.env.STUDIO_API_MODEL_CACHE);
  return Number.isInteger(n) && n > 0 ? n : 8;
}

/** tfjs in Node without native add-ons: the plain JavaScript "cpu" backend. */
function ensureBackend(): Promise<void> {
  return (state.backend ??= (async () => {
    if (tf.getBackend() !== "cpu") await tf.setBackend("cpu");
    await tf.ready();
  })());
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
        await ensureBackend();
        return loadPredictor(await readBundle());
      })(),
      users: 0,
      evicted: false,
    };
    // A failed load is not cached: the next request tries again.
    e.promise.catch(() => {
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
