import fs from "node:fs";
import os from "node:os";
import { parentPort, type TransferListItem, workerData } from "node:worker_threads";

/*
 * The worker side of lib/server/worker-pool.ts. A worker file calls serveJobs({ kind: handler })
 * once; the pool sends one job at a time. No "server-only" import here or in what a worker file
 * imports: a worker thread is plain Node, outside the React server bundle.
 */

export interface JobRequest {
  id: number;
  kind: string;
  payload: unknown;
}

/** An error thrown by a job, as plain data; an AppError keeps its code, message key and params. */
export interface SerializedError {
  message: string;
  name?: string;
  code?: string;
  messageKey?: string;
  params?: Record<string, string | number>;
  fields?: Record<string, string>;
  headers?: Record<string, string>;
}

export type JobReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

export interface JobContext {
  /** Moves these buffers to the pool's thread with the result instead of copying them. */
  transfer(...items: TransferListItem[]): void;
}

export type JobHandler = (payload: never, ctx: JobContext) => unknown;

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { message: String(e) };
  const x = e as Error & Partial<Pick<SerializedError, "code" | "messageKey" | "params" | "fields" | "headers">>;
  const out: SerializedError = { message: x.message, name: x.name };
  if (typeof x.code === "string") out.code = x.code;
  if (typeof x.messageKey === "string") {
    out.messageKey = x.messageKey;
    out.params = x.params;
    out.fields = x.fields;
    out.headers = x.headers;
  }
  return out;
}

/**
 * Lowers this thread's scheduling priority (Linux: nice is per thread; the thread's id comes from
 * /proc/thread-self). Elsewhere, or without permission, the thread keeps the process's priority.
 */
export function lowerPriority(nice: number) {
  if (!(nice > 0) || process.platform !== "linux") return;
  try {
    const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, Math.min(19, nice));
  } catch {
    // not fatal: the jobs still run, at normal priority
  }
}

/** Serves the pool's jobs in this worker thread. */
export function serveJobs(handlers: Record<string, JobHandler>): void {
  const port = parentPort;
  if (!port) throw new Error("serveJobs runs only inside a worker thread");
  lowerPriority(Number((workerData as { nice?: number } | null)?.nice ?? 0));
  port.on("message", async (msg: JobRequest) => {
    const transfer: TransferListItem[] = [];
    let reply: JobReply;
    try {
      const handler = handlers[msg.kind];
      if (!handler) throw new Error(`unknown job kind "${msg.kind}"`);
      const value = await handler(msg.payload as never, { transfer: (...items) => void transfer.push(...items) });
      reply = { id: msg.id, ok: true, value };
    } catch (e) {
      reply = { id: msg.id, ok: false, error: serializeError(e) };
      transfer.length = 0;
    }
    port.postMessage(reply, transfer);
  });
}
