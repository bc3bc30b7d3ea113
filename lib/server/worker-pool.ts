import "server-only";
import os from "node:os";
import type { ResourceLimits, TransferListItem, Worker, WorkerOptions } from "node:worker_threads";
import type { JobReply, JobRequest, SerializedError } from "./worker-thread";

/*
 * A bounded pool of worker threads for CPU-heavy work that must not stall the request thread
 * (parsing uploads now; model inference next). A fixed number of threads, started on demand and
 * stopped when idle; one job per thread at a time; a bounded queue in front. When the queue is
 * full, run() refuses at once with PoolBusyError (routes answer 503 + Retry-After) instead of
 * letting work and memory pile up. A thread that crashes, runs out of memory or overruns its time
 * fails only its own job and is replaced. The worker side is lib/server/worker-thread.ts.
 */

export interface WorkerPoolOptions {
  /** In logs and errors. */
  name: string;
  /**
   * Starts one thread. Write it in the module beside the worker file, exactly as
   * `(options) => new Worker(new URL("./x-worker.ts", import.meta.url), options)`: that is the form
   * Turbopack recognises and bundles (dev and build); Vitest and tsx run the TypeScript file.
   */
  spawn: (options: WorkerOptions) => Worker;
  /** Threads at most. */
  size: number;
  /** Jobs waiting for a thread at most; one more is refused with PoolBusyError. */
  maxQueue: number;
  /** A job running longer is stopped (its thread is terminated and replaced). */
  jobTimeoutMs: number;
  /** A thread idle this long exits; the next job starts a new one. Default 30 s. */
  idleMs?: number;
  /** Per-thread V8 heap limits; a job past them fails with reason "out-of-memory". */
  resourceLimits?: ResourceLimits;
  /** Seconds a refused caller is told to wait (Retry-After). Default 5. */
  retryAfterSeconds?: number;
  /**
   * Scheduling priority of the pool's threads on Linux (nice, 0–19; default 0). Above 0 the
   * request thread wins the CPU whenever both want it, so busy threads (this pool's and other
   * pools') cannot starve other users' requests even when there are more threads than cores.
   */
  nice?: number;
}

/** The queue is full: nothing was started; try again in `retryAfterSeconds`. */
export class PoolBusyError extends Error {
  constructor(
    readonly pool: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`${pool}: all workers are busy and the queue is full`);
    this.name = "PoolBusyError";
  }
}

/** A job that ended its thread: crashed, ran out of memory, or ran past the time limit. */
export class WorkerJobError extends Error {
  constructor(
    readonly pool: string,
    readonly reason: "crashed" | "out-of-memory" | "timeout" | "stopped",
    detail?: string,
  ) {
    super(`${pool}: job ${reason}${detail ? ` (${detail})` : ""}`);
    this.name = "WorkerJobError";
  }
}

/** An error the job itself threw, as the thread reported it (`data` carries what it serialised). */
export class JobFailedError extends Error {
  constructor(
    readonly pool: string,
    readonly data: SerializedError,
  ) {
    super(`${pool}: ${data.message}`);
    this.name = "JobFailedError";
  }
}

export interface PoolStats {
  size: number;
  threads: number;
  busy: number;
  queued: number;
  /** Threads started since the pool was made (a replaced thread counts again). */
  started: number;
  /** Finished jobs per kind (successful or failed by the job itself). */
  completed: Record<string, number>;
  /** Jobs refused because the queue was full. */
  refused: number;
}

interface Pending {
  kind: string;
  payload: unknown;
  transfer: TransferListItem[];
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  job: (Pending & { id: number; timer: NodeJS.Timeout }) | null;
  idleTimer: NodeJS.Timeout | null;
  exiting: boolean;
}

/** Threads for the pool from an environment variable, else cores − 1 (at least 1, at most 4). */
export function poolSizeFromEnv(variable: string, fallback = Math.min(4, Math.max(1, os.availableParallelism() - 1))): number {
  const n = Number(process.env[variable]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A non-negative integer from an environment variable, else `fallback`. */
export function intFromEnv(variable: string, fallback: number): number {
  const n = Number(process.env[variable]);
  return process.env[variable] !== undefined && process.env[variable] !== "" && Number.isInteger(n) && n >= 0 ? n : fallback;
}

/**
 * Under Next (dev server and build) the worker file is bundled JavaScript; anywhere else (Vitest,
 * scripts run with tsx) it is the TypeScript source, which Node reads through tsx. (tsx's CommonJS
 * hook: on Node 20 `--import tsx` does not reach a worker's own entry file.)
 */
export function sourceExecArgv(): string[] {
  return process.env.NEXT_RUNTIME ? [] : ["--require", "tsx/cjs"];
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly counters: Omit<PoolStats, "size" | "threads" | "busy" | "queued"> = { started: 0, completed: {}, refused: 0 };

  constructor(readonly options: WorkerPoolOptions) {
    if (options.size < 1) throw new Error("a pool needs at least one thread");
  }

  stats(): PoolStats {
    return {
      size: this.options.size,
      threads: this.slots.length,
      busy: this.slots.filter((s) => s.job).length,
      queued: this.queue.length,
      started: this.counters.started,
      completed: { ...this.counters.completed },
      refused: this.counters.refused,
    };
  }

  /**
   * Runs one job of `kind` on a thread. Rejects with PoolBusyError at once when every thread is
   * busy and the queue is full, WorkerJobError when the job ended its thread, JobFailedError when
   * the job threw. `transfer` moves buffers to the thread instead of copying them; an aborted
   * `signal` drops a queued job or stops a running one.
   */
  run<R>(kind: string, payload: unknown, opts: { transfer?: TransferListItem[]; signal?: AbortSignal } = {}): Promise<R> {
    if (this.closed) return Promise.reject(new Error(`${this.options.name}: pool closed`));
    if (opts.signal?.aborted) return Promise.reject(new WorkerJobError(this.options.name, "stopped", "aborted"));
    return new Promise<R>((resolve, reject) => {
      const job: Pending = { kind, payload, transfer: opts.transfer ?? [], resolve: resolve as (v: unknown) => void, reject, signal: opts.signal };
      const slot = this.freeSlot();
      if (slot) return this.start(slot, job);
      if (this.queue.length >= this.options.maxQueue) {
        this.counters.refused++;
        return reject(new PoolBusyError(this.options.name, this.options.retryAfterSeconds ?? 5));
      }
      if (job.signal) {
        job.onAbort = () => {
          const i = this.queue.indexOf(job);
          if (i >= 0) {
            this.queue.splice(i, 1);
            job.reject(new WorkerJobError(this.options.name, "stopped", "aborted"));
          }
        };
        job.signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job);
    });
  }

  /** Stops every thread; queued and running jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new WorkerJobError(this.options.name, "stopped", "pool closed"));
    await Promise.all(this.slots.slice().map((s) => this.retire(s, new WorkerJobError(this.options.name, "stopped", "pool closed"))));
  }

  private freeSlot(): Slot | null {
    const idle = this.slots.find((s) => !s.job && !s.exiting);
    if (idle) return idle;
    if (this.slots.length < this.options.size) return this.spawn();
    return null;
  }

  private spawn(): Slot {
    const worker = this.options.spawn({ execArgv: sourceExecArgv(), resourceLimits: this.options.resourceLimits, workerData: { nice: this.options.nice ?? 0 } });
    this.counters.started++;
    const slot: Slot = { worker, job: null, idleTimer: null, exiting: false };
    this.slots.push(slot);
    worker.on("message", (msg: JobReply) => this.onReply(slot, msg));
    let failure: Error | null = null;
    worker.on("error", (err: Error & { code?: string }) => {
      failure = err;
    });
    worker.on("exit", (code) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      const job = slot.job;
      slot.job = null;
      if (job) {
        clearTimeout(job.timer);
        const err = failure as (Error & { code?: string }) | null;
        const reason = err?.code === "ERR_WORKER_OUT_OF_MEMORY" ? "out-of-memory" : "crashed";
        this.finish(job, () => job.reject(new WorkerJobError(this.options.name, reason, err?.message ?? `exit code ${code}`)));
      } else if (failure && !slot.exiting) console.error(`[${this.options.name}] worker failed while idle:`, failure);
      this.pump();
    });
    return slot;
  }

  private start(slot: Slot, job: Pending) {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    const id = this.nextId++;
    const timer = setTimeout(() => {
      void this.retire(slot, new WorkerJobError(this.options.name, "timeout", `${this.options.jobTimeoutMs} ms`));
    }, this.options.jobTimeoutMs);
    slot.job = { ...job, id, timer };
    if (job.signal) {
      if (job.onAbort) job.signal.removeEventListener("abort", job.onAbort);
      job.onAbort = () => {
        if (slot.job?.id === id) void this.retire(slot, new WorkerJobError(this.options.name, "stopped", "aborted"));
      };
      job.signal.addEventListener("abort", job.onAbort, { once: true });
    }
    slot.worker.ref();
    const request: JobRequest = { id, kind: job.kind, payload: job.payload };
    try {
      slot.worker.postMessage(request, job.transfer);
    } catch (e) {
      slot.job = null;
      clearTimeout(timer);
      this.finish(job, () => job.reject(e));
      this.release(slot);
    }
  }

  private onReply(slot: Slot, msg: JobReply) {
    const job = slot.job;
    if (!job || msg.id !== job.id) return;
    clearTimeout(job.timer);
    slot.job = null;
    this.counters.completed[job.kind] = (this.counters.completed[job.kind] ?? 0) + 1;
    this.finish(job, () => (msg.ok ? job.resolve(msg.value) : job.reject(new JobFailedError(this.options.name, msg.error))));
    this.release(slot);
  }

  private finish(job: Pending, settle: () => void) {
    if (job.signal && job.onAbort) job.signal.removeEventListener("abort", job.onAbort);
    settle();
  }

  /** A thread is free: give it the next queued job, or let it idle (and exit after idleMs). */
  private release(slot: Slot) {
    const next = this.queue.shift();
    if (next) return this.start(slot, next);
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => void this.retire(slot, null), this.options.idleMs ?? 30_000);
    slot.idleTimer.unref();
  }

  /**
   * Stops a thread; its running job (if any) fails with `reason` once the thread is gone, so the
   * caller's clean-up never races a job still writing. The exit handler starts queued jobs.
   */
  private async retire(slot: Slot, reason: WorkerJobError | null) {
    if (slot.exiting) return;
    slot.exiting = true;
    const job = slot.job;
    slot.job = null;
    if (job) clearTimeout(job.timer);
    await slot.worker.terminate();
    if (job) this.finish(job, () => job.reject(reason ?? new WorkerJobError(this.options.name, "stopped")));
  }

  /** Start queued jobs on free or new threads (after a thread exited). */
  private pump() {
    while (this.queue.length && !this.closed) {
      const slot = this.freeSlot();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }
}
