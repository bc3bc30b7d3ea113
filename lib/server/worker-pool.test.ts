import fs from "node:fs";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { JobFailedError, PoolBusyError, WorkerJobError, WorkerPool, type WorkerPoolOptions } from "./worker-pool";

const pools: WorkerPool[] = [];
function pool(options: Partial<WorkerPoolOptions> = {}) {
  const p = new WorkerPool({
    name: "test",
    spawn: (o) => new Worker(new URL("./worker-pool.fixture-worker.ts", import.meta.url), o),
    size: 1,
    maxQueue: 4,
    jobTimeoutMs: 20_000,
    ...options,
  });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe("WorkerPool", () => {
  it("runs jobs on another thread and moves buffers both ways without copying", async () => {
    const p = pool();
    expect(await p.run("echo", { value: { a: [1, "x"] } })).toEqual({ a: [1, "x"] });
    expect(await p.run<number>("threadId", {})).toBeGreaterThan(0);
    const bytes = new Uint8Array(1024).fill(2);
    expect(await p.run("sum", { bytes }, { transfer: [bytes.buffer] })).toBe(2048);
    expect(bytes.byteLength).toBe(0); // moved, not copied
    const back = await p.run<Uint8Array>("bytes", { n: 3 });
    expect([...back]).toEqual([7, 7, 7]);
  });

  it("runs up to `size` jobs at once, each on its own thread", async () => {
    const p = pool({ size: 2 });
    const ids = await Promise.all([p.run<number>("sleep", { ms: 300 }), p.run<number>("sleep", { ms: 300 })]);
    expect(new Set(ids).size).toBe(2);
    expect(p.stats()).toMatchObject({ size: 2, threads: 2, busy: 0, started: 2 });
  });

  it("refuses at once with PoolBusyError when every thread is busy and the queue is full, then catches up", async () => {
    const p = pool({ size: 1, maxQueue: 2, retryAfterSeconds: 7 });
    const running = [p.run("sleep", { ms: 400 }), p.run("sleep", { ms: 10 }), p.run("sleep", { ms: 10 })];
    expect(p.stats()).toMatchObject({ busy: 1, queued: 2 });
    const refused = await p.run("echo", { value: 1 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PoolBusyError);
    expect((refused as PoolBusyError).retryAfterSeconds).toBe(7);
    expect(p.stats().refused).toBe(1);
    await Promise.all(running);
    expect(await p.run("echo", { value: "after" })).toBe("after");
    expect(p.stats().completed).toMatchObject({ sleep: 3, echo: 1 });
  });

  it("a job that crashes its thread fails alone; the thread is replaced and the queue goes on", async () => {
    const p = pool({ size: 1 });
    const crash = p.run("crash", {});
    const queued = p.run("echo", { value: "still served" });
    const err = await crash.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerJobError);
    expect((err as WorkerJobError).reason).toBe("crashed");
    expect(await queued).toBe("still served");
    expect(p.stats().started).toBe(2);
  });

  it("a job past the thread's memory limit fails with out-of-memory, and the pool keeps working", async () => {
    const p = pool({ resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
    const err = await p.run("hog", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerJobError);
    expect((err as WorkerJobError).reason).toBe("out-of-memory");
    expect(await p.run("echo", { value: 2 })).toBe(2);
  });

  it("stops a job that runs past the time limit and replaces its thread", async () => {
    const p = pool({ jobTimeoutMs: 500 });
    const err = await p.run("spin", { ms: 60_000 }).catch((e: unknown) => e);
    expect((err as WorkerJobError).reason).toBe("timeout");
    expect(await p.run("echo", { value: 3 })).toBe(3);
    expect(p.stats().started).toBe(2);
  });

  it("hands back what a job threw, with an AppError's code, key and params", async () => {
    const p = pool();
    const err = await p.run("refuse", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect((err as JobFailedError).data).toMatchObject({ code: "validation", messageKey: "errors.invalidInput", params: { n: 1 } });
    expect(await p.run("echo", { value: 4 })).toBe(4);
    expect(p.stats().started).toBe(1);
  });

  it("drops a queued job whose caller went away, and stops a running one", async () => {
    const p = pool({ size: 1 });
    const running = new AbortController();
    const first = p.run("spin", { ms: 60_000 }, { signal: running.signal });
    const queued = new AbortController();
    const second = p.run("echo", { value: 1 }, { signal: queued.signal });
    queued.abort();
    expect(((await second.catch((e: unknown) => e)) as WorkerJobError).reason).toBe("stopped");
    running.abort();
    expect(((await first.catch((e: unknown) => e)) as WorkerJobError).reason).toBe("stopped");
    expect(await p.run("echo", { value: 5 })).toBe(5);
  });

  it("runs its threads at a lower priority than the request thread when asked (Linux nice)", async () => {
    const p = pool({ nice: 10 });
    expect(await p.run("nice", {})).toBe(10);
    expect(Number(fs.readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1].split(" ")[16])).toBe(0);
    expect(await pool().run("nice", {})).toBe(0);
  });

  it("lets an idle thread exit and starts a new one for the next job", async () => {
    const p = pool({ idleMs: 100 });
    await p.run("echo", { value: 1 });
    await expect.poll(() => p.stats().threads, { timeout: 5_000 }).toBe(0);
    expect(await p.run("echo", { value: 2 })).toBe(2);
    expect(p.stats().started).toBe(2);
  });
});
