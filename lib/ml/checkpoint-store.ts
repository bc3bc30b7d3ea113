/**
 * Best-so-far model bundles in IndexedDB, one per key (e.g. project id), so a closed or crashed
 * tab can offer "use the best model so far" on return. Works on the main thread and in workers.
 * Browser only (Node has no indexedDB); every function rejects with a clear error without it.
 */

const DB_NAME = "ai-mass-studio-ml";
const STORE = "checkpoints";

export interface Checkpoint {
  key: string;
  bundle: Uint8Array;
  epoch: number;
  valAcc: number | null;
  savedAt: string;
}

function openDb(): Promise<IDBDatabase> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) return Promise.reject(new Error("IndexedDB is not available here."));
  return new Promise((resolve, reject) => {
    const req = idb.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "key" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("Could not open IndexedDB."));
  });
}

async function withStore<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = run(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed."));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted (quota?)."));
    });
  } finally {
    db.close();
  }
}

export function saveCheckpoint(checkpoint: Omit<Checkpoint, "savedAt">): Promise<void> {
  const record: Checkpoint = { ...checkpoint, savedAt: new Date().toISOString() };
  return withStore("readwrite", (s) => s.put(record)).then(() => undefined);
}

export async function loadCheckpoint(key: string): Promise<Checkpoint | null> {
  return ((await withStore("readonly", (s) => s.get(key))) as Checkpoint | undefined) ?? null;
}

export function deleteCheckpoint(key: string): Promise<void> {
  return withStore("readwrite", (s) => s.delete(key)).then(() => undefined);
}
