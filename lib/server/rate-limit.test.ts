import { describe, expect, it } from "vitest";
import { db } from "./db";
import { blockUntil, blockedUntil, consume, peek, release, reset } from "./rate-limit";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("rate limit buckets", () => {
  it("counts hits in a window, refuses beyond the limit, and starts again when the window ends", async () => {
    const key = `test:${Math.random()}`;
    // Long enough that a busy machine does not end the window between the three hits.
    const window = 2000;
    const a = await consume(key, 2, window);
    const b = await consume(key, 2, window);
    const c = await consume(key, 2, window);
    expect([a.remaining, b.remaining, c.remaining]).toEqual([1, 0, 0]);
    expect([a.allowed, b.allowed, c.allowed]).toEqual([true, true, false]);
    expect(b.resetAt.getTime()).toBe(a.resetAt.getTime()); // the window does not slide
    expect(a.resetAt.getTime() - Date.now()).toBeLessThanOrEqual(window);
    // Prisma reads what the upsert wrote.
    expect((await peek(key, 2)).allowed).toBe(false);
    const row = await db.rateLimitBucket.findUniqueOrThrow({ where: { key } });
    expect(row.count).toBe(3);
    expect(row.resetAt.getTime()).toBe(a.resetAt.getTime());
    await sleep(a.resetAt.getTime() - Date.now() + 50);
    const d = await consume(key, 2, window);
    expect(d).toMatchObject({ allowed: true, remaining: 1 });
    expect(d.resetAt.getTime()).toBeGreaterThan(a.resetAt.getTime());
  });

  it("continues a bucket written through Prisma and is cleared by reset", async () => {
    const key = `test:${Math.random()}`;
    await db.rateLimitBucket.create({ data: { key, count: 4, resetAt: new Date(Date.now() + 60_000) } });
    expect((await consume(key, 10, 60_000)).remaining).toBe(5);
    await db.rateLimitBucket.update({ where: { key }, data: { resetAt: new Date(Date.now() - 1000) } });
    expect((await consume(key, 10, 60_000)).remaining).toBe(9);
    await reset(key);
    expect((await peek(key, 10)).remaining).toBe(10);
  });

  it("counts atomically: of 50 simultaneous hits exactly the limit are allowed", async () => {
    const key = `test:${Math.random()}`;
    const hits = await Promise.all(Array.from({ length: 50 }, () => consume(key, 7, 60_000)));
    expect(hits.filter((h) => h.allowed).length).toBe(7);
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("release gives one hit back within its window only", async () => {
    const key = `test:${Math.random()}`;
    await consume(key, 3, 60_000);
    const b = await consume(key, 3, 60_000);
    await release(key, b.resetAt);
    expect((await consume(key, 3, 60_000)).count).toBe(2);
    // A hit from a window that has ended is not taken off the new one.
    await release(key, new Date(b.resetAt.getTime() - 60_000));
    expect((await peek(key, 3)).remaining).toBe(1);
    // Never below zero.
    const row = await db.rateLimitBucket.update({ where: { key }, data: { count: 0 } });
    await release(key, row.resetAt);
    expect((await db.rateLimitBucket.findUniqueOrThrow({ where: { key } })).count).toBe(0);
  });

  it("blockUntil blocks a key until the given time; a later call replaces it", async () => {
    const key = `test:${Math.random()}`;
    expect(await blockedUntil(key)).toBeNull();
    const until = new Date(Date.now() + 60_000);
    await blockUntil(key, until);
    expect((await blockedUntil(key))?.getTime()).toBe(until.getTime());
    await blockUntil(key, new Date(Date.now() + 200));
    await sleep(250);
    expect(await blockedUntil(key)).toBeNull();
  });
});
