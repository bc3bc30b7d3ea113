// Jobs for worker-pool.test.ts: each one shows the pool a way a job can end.
import fs from "node:fs";
import { threadId } from "node:worker_threads";
import { AppError } from "./errors";
import { serveJobs } from "./worker-thread";

serveJobs({
  echo: (p: { value: unknown }) => p.value,
  sleep: async (p: { ms: number }) => {
    await new Promise((r) => setTimeout(r, p.ms));
    return threadId;
  },
  spin: (p: { ms: number }) => {
    const end = Date.now() + p.ms;
    while (Date.now() < end);
    return threadId;
  },
  threadId: () => threadId,
  // this thread's nice value (field 19 of /proc/thread-self/stat)
  nice: () => Number(fs.readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1].split(" ")[16]),
  bytes: (p: { n: number }, ctx) => {
    const b = new Uint8Array(p.n).fill(7);
    ctx.transfer(b.buffer);
    return b;
  },
  sum: (p: { bytes: Uint8Array }) => p.bytes.reduce((s, x) => s + x, 0),
  // an exception nobody catches kills the thread
  crash: () => {
    setTimeout(() => {
      throw new Error("boom");
    }, 0);
    return new Promise(() => {});
  },
  hog: () => {
    const keep: number[][] = [];
    for (;;) keep.push(Array.from({ length: 1e5 }, (_, i) => i * 1.5));
  },
  refuse: () => {
    throw new AppError("validation", "errors.invalidInput", { params: { n: 1 } });
  },
});
