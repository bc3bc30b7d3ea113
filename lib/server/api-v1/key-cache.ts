import "server-only";
import { onProjectChanged } from "../cache-bus";

/**
 * What the REST API knows about a key between calls: its row and its project's active version,
 * so a call needs no database round trip to be authorised. An entry is dropped when its project
 * changes (a version made active, a key revoked, settings saved, the project deleted: see
 * projectChanged in lib/server/cache-bus.ts, which reaches every replica through Redis), and in
 * any case after TTL_MS. Unknown keys are never cached: a guess always asks the database.
 */
export interface CachedKey {
  id: string;
  revokedAt: Date | null;
  project: {
    id: string;
    apiSlug: string | null;
    scene: string;
    ownerId: string;
    settings: string;
    activeModelVersion: { id: string; number: number; bundleBlobId: string | null } | null;
  };
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface KeyCacheState {
  entries: Map<string, { value: CachedKey; expiresAt: number }>;
  listening: boolean;
}

const g = globalThis as unknown as { __studioKeyCache?: KeyCacheState };
const state: KeyCacheState = (g.__studioKeyCache ??= { entries: new Map(), listening: false });

function listen() {
  if (state.listening) return;
  state.listening = true;
  onProjectChanged((projectId) => {
    if (projectId === "*") return state.entries.clear();
    for (const [hash, e] of state.entries) if (e.value.project.id === projectId) state.entries.delete(hash);
  });
}

/**
 * The key with this hash: from the cache, else from `load` (which returns null for an unknown
 * key). Concurrent misses each load; the last one wins, which is harmless (same row).
 */
export async function cachedKey(keyHash: string, load: () => Promise<CachedKey | null>): Promise<CachedKey | null> {
  listen();
  const hit = state.entries.get(keyHash);
  if (hit && hit.expiresAt > Date.now()) return hit.value;
  const value = await load();
  if (!value) {
    state.entries.delete(keyHash);
    return null;
  }
  if (state.entries.size >= MAX_ENTRIES) state.entries.delete(state.entries.keys().next().value!);
  state.entries.set(keyHash, { value, expiresAt: Date.now() + TTL_MS });
  return value;
}

/** Entries cached now (tests). */
export const keyCacheSize = () => state.entries.size;
