/**
 * Device-only training data: a small IndexedDB store, keyed by project id, holding the examples
 * (pictures and clips as Blobs) and the dataset settings of projects whose owner chose "Keep
 * training data on this device only". Nothing here talks to the server; the Data tab reports only
 * counts (see local-dataset-core.ts `summarize`). The trainer reads examples with `allSamples`.
 */
import { emptyMeta, type LocalMeta, type LocalSample, newLocalId, type NewLocalRow } from "./local-dataset-core";

export type { LocalMeta, LocalSample } from "./local-dataset-core";

const DB_NAME = "ai-mass-studio-local-data";
const DB_VERSION = 1;
const SAMPLES = "samples";
const META = "meta";
const BY_PROJECT = "byProject";

let opening: Promise<IDBDatabase> | null = null;

export function isLocalStoreAvailable(): boolean {
  return typeof indexedDB !== "undefined";
}

function openDb(): Promise<IDBDatabase> {
  if (opening) return opening;
  opening = new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(SAMPLES)) {
        const s = db.createObjectStore(SAMPLES, { keyPath: "id" });
        s.createIndex(BY_PROJECT, ["projectId", "seq"]);
      }
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: "projectId" });
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab upgraded the database: let it, and reopen next time.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    req.onerror = () => {
      opening = null;
      reject(req.error ?? new Error("IndexedDB could not be opened"));
    };
    req.onblocked = () => {
      opening = null;
      reject(new Error("IndexedDB is blocked by another tab"));
    };
  });
  return opening;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function finished(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
}

const projectRange = (projectId: string) => IDBKeyRange.bound([projectId, -Infinity], [projectId, Infinity]);

/** Runs `fn` in one read-write transaction over samples and meta: all of it is stored, or nothing. */
async function write<T>(fn: (samples: IDBObjectStore, meta: IDBObjectStore, tx: IDBTransaction) => Promise<T>): Promise<T> {
  const db = await openDb();
  const tx = db.transaction([SAMPLES, META], "readwrite");
  const end = finished(tx);
  let result: T;
  try {
    result = await fn(tx.objectStore(SAMPLES), tx.objectStore(META), tx);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      /* already finished */
    }
    await end.catch(() => {});
    throw e;
  }
  await end;
  return result;
}

async function readMeta(meta: IDBObjectStore, projectId: string): Promise<LocalMeta> {
  const m = (await done(meta.get(projectId))) as LocalMeta | undefined;
  return m ? { ...emptyMeta(projectId), ...m } : emptyMeta(projectId);
}

export async function getMeta(projectId: string): Promise<LocalMeta> {
  const db = await openDb();
  return readMeta(db.transaction(META, "readonly").objectStore(META), projectId);
}

/** Changes the settings alone (replies, version reported to the server...). */
export async function updateMeta(projectId: string, patch: (m: LocalMeta) => void): Promise<LocalMeta> {
  return write(async (_s, meta) => {
    const m = await readMeta(meta, projectId);
    patch(m);
    await done(meta.put(m));
    return m;
  });
}

export async function countSamples(projectId: string): Promise<number> {
  const db = await openDb();
  return done(db.transaction(SAMPLES, "readonly").objectStore(SAMPLES).index(BY_PROJECT).count(projectRange(projectId)));
}

/** Every example of the project, oldest first (Blobs are handles: their bytes are not read). */
export async function allSamples(projectId: string): Promise<LocalSample[]> {
  const db = await openDb();
  return done(db.transaction(SAMPLES, "readonly").objectStore(SAMPLES).index(BY_PROJECT).getAll(projectRange(projectId))) as Promise<LocalSample[]>;
}

/** One page of examples, oldest first. */
export async function listSamples(projectId: string, offset: number, limit: number): Promise<LocalSample[]> {
  const db = await openDb();
  const index = db.transaction(SAMPLES, "readonly").objectStore(SAMPLES).index(BY_PROJECT);
  return new Promise((resolve, reject) => {
    const out: LocalSample[] = [];
    let skipped = offset <= 0;
    const req = index.openCursor(projectRange(projectId));
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) return resolve(out);
      if (!skipped) {
        skipped = true;
        cursor.advance(offset);
        return;
      }
      out.push(cursor.value as LocalSample);
      if (out.length >= limit) return resolve(out);
      cursor.continue();
    };
  });
}

export interface StoredRow extends NewLocalRow {
  source: string;
  blob?: Blob | null;
  blobHash?: string | null;
}

/**
 * Adds examples in one transaction. The same picture or clip in the same class again is skipped
 * (as on the server). `patch` updates the settings in the same transaction.
 */
export async function addSamples(
  projectId: string,
  rows: readonly StoredRow[],
  patch?: (m: LocalMeta) => void,
): Promise<{ added: number; skipped: number; ids: string[]; meta: LocalMeta }> {
  return write(async (samples, meta) => {
    const m = await readMeta(meta, projectId);
    const seen = new Set<string>();
    if (rows.some((r) => r.blobHash)) {
      const existing = (await done(samples.index(BY_PROJECT).getAll(projectRange(projectId)))) as LocalSample[];
      for (const e of existing) if (e.blobHash) seen.add(`${e.blobHash}\u0000${e.label}`);
    }
    let seq = m.nextSeq ?? 1;
    const ids: string[] = [];
    let skipped = 0;
    for (const r of rows) {
      if (r.blobHash) {
        const key = `${r.blobHash}\u0000${r.label}`;
        if (seen.has(key)) {
          skipped++;
          continue;
        }
        seen.add(key);
      }
      const sample: LocalSample = {
        id: newLocalId(),
        projectId,
        seq: seq++,
        label: r.label,
        text: r.text,
        data: r.data ?? null,
        fileName: r.fileName ?? null,
        source: r.source,
        blob: r.blob ?? null,
        blobHash: r.blobHash ?? null,
      };
      samples.put(sample);
      if (sample.label && !m.labels.includes(sample.label)) m.labels.push(sample.label);
      ids.push(sample.id);
    }
    m.nextSeq = seq;
    patch?.(m);
    await done(meta.put(m));
    return { added: ids.length, skipped, ids, meta: m };
  });
}

/**
 * Deletes examples, or gives them a new label, all or nothing: ids that are not examples of this
 * project refuse the whole change (returns false).
 */
export async function changeSamples(projectId: string, ids: readonly string[], change: { action: "delete" } | { action: "relabel"; label: string }): Promise<boolean> {
  return write(async (samples, meta) => {
    const found: LocalSample[] = [];
    for (const id of new Set(ids)) {
      const s = (await done(samples.get(id))) as LocalSample | undefined;
      if (!s || s.projectId !== projectId) throw new NotFoundError();
      found.push(s);
    }
    for (const s of found) {
      if (change.action === "delete") samples.delete(s.id);
      else samples.put({ ...s, label: change.label });
    }
    if (change.action === "relabel") {
      const m = await readMeta(meta, projectId);
      if (!m.labels.includes(change.label)) m.labels.push(change.label);
      await done(meta.put(m));
    }
    return true;
  }).catch((e) => {
    if (e instanceof NotFoundError) return false;
    throw e;
  });
}

class NotFoundError extends Error {}

/** Removes every example and the settings of a project from this device. */
export async function clearProject(projectId: string): Promise<void> {
  await write(async (samples, meta) => {
    const keys = await done(samples.index(BY_PROJECT).getAllKeys(projectRange(projectId)));
    for (const k of keys) samples.delete(k);
    meta.delete(projectId);
  });
}

/**
 * Device-only data in the shape the trainer gets from GET /api/projects/:id/training-data, with
 * each picture or clip as a Blob instead of a blob id. `datasetVersion` is the version the server
 * recorded for the last summary of this data (what a model version should name).
 */
export async function localTrainingData(projectId: string): Promise<{
  datasetVersion: number;
  labels: string[];
  replies: Record<string, string>;
  task: "classification" | "regression" | null;
  target: string | null;
  /** Recommendation: true when the ratings are clicks (no rating column); null for other scenes. */
  implicit: boolean | null;
  samples: { id: string; text: string | null; label: string | null; blob: Blob | null; data: unknown }[];
}> {
  const [meta, rows] = await Promise.all([getMeta(projectId), allSamples(projectId)]);
  return {
    datasetVersion: meta.version,
    labels: meta.labels,
    replies: meta.replies,
    task: meta.task ?? null,
    target: meta.mapping?.kind === "tabular" ? meta.mapping.target : null,
    implicit: meta.mapping?.kind === "ratings" ? !meta.mapping.rating : null,
    samples: rows.map((r) => ({ id: r.id, text: r.text, label: r.label, blob: r.blob ?? null, data: r.data })),
  };
}
