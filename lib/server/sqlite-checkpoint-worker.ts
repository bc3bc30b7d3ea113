// The SQLite checkpoint thread (see lib/server/sqlite-checkpointer.ts). Plain Node, no "server-only".
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { lowerPriority } from "./worker-thread";

const { file, intervalMs, nice } = workerData as { file: string; intervalMs: number; nice: number };
lowerPriority(nice);

// PASSIVE never waits for a lock: it copies what it can and leaves the rest for the next round.
const db = new Database(file, { timeout: 0 });
const checkpoint = () => db.pragma("wal_checkpoint(PASSIVE)") as { busy: number; log: number; checkpointed: number }[];
checkpoint();
parentPort!.postMessage({ type: "ready" });

setInterval(() => {
  try {
    checkpoint();
  } catch (e) {
    // SQLITE_BUSY from another checkpointer (a second process on the file) is harmless; anything
    // else ends the thread, and the server goes back to checkpointing on commit.
    if ((e as { code?: string }).code !== "SQLITE_BUSY") throw e;
  }
}, intervalMs);
