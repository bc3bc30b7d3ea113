import { afterAll, describe, expect, it } from "vitest";
import { db } from "./db";
import { closeRedis, redis } from "./redis";
import { blockUntil, blockedUntil, consume, databaseStore, memoryStore, peek, redisStore, release, reset, type RateLimitStore } from "./rate-limit";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Every store the app can choose. Redis joins when REDIS_URL is set (the PostgreSQL + Redis run
// of .ci/run); the database is SQLite or PostgreSQL, whichever the run uses.
const client = redis();
const stores: [string, RateLimitStore][] = [
  ["database", databaseStore],
  ["memory", memoryStore()],
  ...(client ? ([["redis", redisStore(client)]] as [string, RateLimitStore][]) : []),
];

afterAll(() => closeRedis());

describe.each(stores)("rate limit buckets in %s", (_name, store) => {
  it("counts hits in a window, refuses beyond the limit, and starts again when the window ends", async () => {
    const key = `test:${Math.random()}`;
    // Long enough that a busy machine does not end the window between the three hits.
    const window = 2000;
    const a = await consume(key, 2, window, store);
    const b = await consume(key, 2, window, store);
    const c = await consume(key, 2, window, store);
    expect([a.remaining, b.remaining, c.remaining]).toEqual([1, 0, 0]);
    expect([a.allowed, b.allowed, c.allowed]).toEqual([true, true, false]);
    expect(b.resetAt.getTime()).toBe(a.resetAt.getTime()); // the window does not slide
    expect(a.resetAt.getTime() - Date.now()).toBeLessThanOrEqual(window + 50);
    expect((await peek(key, 2, store)).allowed).toBe(false);
    await sleep(a.resetAt.getTime() - Date.now() + 50);
    const d = await consume(key, 2, window, store);
    expect(d).toMatchObject({ allowed: true, remaining: 1 });
    expect(d.resetAt.getTime()).toBeGreaterThan(a.resetAt.getTime());
  });

  it("counts atomically: of 50 simultaneous hits exactly the limit are allowed", async () => {
    const key = `test:${Math.random()}`;
    const hits = await Promise.all(Array.from({ length: 50 }, () => consume(key, 7, 60_000, store)));
    expect(hits.filter((h) => h.allowed).length).toBe(7);
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // No caller is told to wait longer than the window, even one that started before the window opened.
    for (const h of hits) expect(h.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("a store whose clock runs ahead never asks for a wait longer than the window", async () => {
    const ahead: RateLimitStore = { ...store, hit: async (k, ms) => ({ ...(await store.hit(k, ms)), resetAt: new Date(Date.now() + ms + 900) }) };
    const r = await consume(`test:${Math.random()}`, 1, 60_000, ahead);
    expect(r.retryAfterSeconds).toBe(60);
  });

  it("release gives one hit back within its window only, never below zero; reset clears", async () => {
    const key = `test:${Math.random()}`;
    await consume(key, 3, 60_000, store);
    const b = await consume(key, 3, 60_000, store);
    await release(key, b.resetAt, store);
    expect((await consume(key, 3, 60_000, store)).count).toBe(2);
    // A hit from a window that has ended is not taken off the new one.
    await release(key, new Date(b.resetAt.getTime() - 60_000), store);
    expect((await peek(key, 3, store)).remaining).toBe(1);
    await release(key, b.resetAt, store);
    await release(key, b.resetAt, store);
    await release(key, b.resetAt, store);
    expect((await peek(key, 3, store)).count).toBe(0);
    await consume(key, 3, 60_000, store);
    await reset(key, store);
    expect((await peek(key, 3, store)).remaining).toBe(3);
  });

  it("blockUntil blocks a key until the given time; a later call replaces it", async () => {
    const key = `test:${Math.random()}`;
    expect(await blockedUntil(key, store)).toBeNull();
    const until = new Date(Date.now() + 60_000);
    await blockUntil(key, until, store);
    expect((await blockedUntil(key, store))?.getTime()).toBe(until.getTime());
    await blockUntil(key, new Date(Date.now() + 200), store);
    await sleep(300);
    expect(await blockedUntil(key, store)).toBeNull();
  });
});

describe("rate limit buckets in the database table", () => {
  it("Prisma reads what the upsert wrote, and the upsert continues a bucket written through Prisma", async () => {
    const key = `test:${Math.random()}`;
    const a = await consume(key, 10, 60_000, databaseStore);
    const row = await db.rateLimitBucket.findUniqueOrThrow({ where: { key } });
    expect(row.count).toBe(1);
    expect(row.resetAt.getTime()).toBe(a.resetAt.getTime());
    await db.rateLimitBucket.update({ where: { key }, data: { count: 4 } });
    expect((await consume(key, 10, 60_000, databaseStore)).remaining).toBe(5);
    await db.rateLimitBucket.update({ where: { key }, data: { resetAt: new Date(Date.now() - 1000) } });
    expect((await consume(key, 10, 60_000, databaseStore)).remaining).toBe(9);
  });
});

describe("rate limit buckets in memory", () => {
  it("stays bounded under a flood of distinct keys", async () => {
    const store = memoryStore(1000);
    for (let i = 0; i < 5000; i++) await store.hit(`flood:${i}`, 60_000);
    // The newest keys are counted; the table never grew past its bound.
    expect((await store.read("flood:4999"))?.count).toBe(1);
    expect(await store.read("flood:0")).toBeNull();
  });
});
