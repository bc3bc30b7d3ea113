import "server-only";
import { Worker } from "node:worker_threads";
import { sourceExecArgv } from "./worker-pool";

/*
 * Copies SQLite's write-ahead log into the database file on a thread of its own.
 *
 * By default SQLite checkpoints inside the commit that fills the log past 1,000 pages: that commit
 * writes the log's pages into the database file and syncs it, on the connection that committed.
 * The driver is synchronous, so for the server that meant a large import's commit, or a usage
 * flush that happened to cross the mark, held the request thread for tens to hundreds of
 * milliseconds while every other user's request waited. With a checkpointer the writer never
 * checkpoints (wal_autocheckpoint = 0); this thread runs PASSIVE checkpoints, which never block
 * readers or the writer, every `intervalMs`. If the thread cannot start or stops, `onStop` runs
 * and the writer checkpoints on commit again, so the log never grows without bound.
 */

export interface CheckpointerOptions {
  /** The database file (absolute path). */
  file: string;
  intervalMs?: number;
  /** Called once if the thread ends for any reason other than stop(). */
  onStop: (reason: string) => void;
}

export interface Checkpointer {
  /** Resolves when the first checkpoint ran; rejects if the thread could not start. */
  ready: Promise<void>;
  stop(): Promise<void>;
  /** The thread itself (tests end it to check the fall-back). */
  readonly worker: Worker;
}

export function startCheckpointer(opts: CheckpointerOptions): Checkpointer {
  const worker = new Worker(new URL("./sqlite-checkpoint-worker.ts", import.meta.url), {
    execArgv: sourceExecArgv(),
    workerData: { file: opts.file, intervalMs: opts.intervalMs ?? 500, nice: 5 },
    resourceLimits: { maxOldGenerationSizeMb: 32 },
  });
  worker.unref();
  let stopping = false;
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    if (!stopping) opts.onStop(reason);
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", (e) => reject(e));
    worker.once("exit", (code) => reject(new Error(`checkpoint thread exited (${code})`)));
  });
  worker.on("error", (e) => end(e.message));
  worker.on("exit", (code) => end(`exit code ${code}`));
  return {
    ready,
    worker,
    async stop() {
      stopping = true;
      await worker.terminate();
    },
  };
}
