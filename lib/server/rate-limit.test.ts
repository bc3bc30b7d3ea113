import { describe, expect, it } from "vitest";
import { db } from "./db";
import { consume, peek, reset } from "./rate-limit";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("rate limit buckets", () => {
  it("counts hits in a window, refuses beyond the limit, and starts again when the window ends", async () => {
    const key = `test:${Math.random()}`;
    const a = await consume(key, 2, 300);
    const b = await consume(key, 2, 300);
    const c = await consume(key, 2, 300);
    expect([a.remaining, b.remaining, c.remaining]).toEqual([1, 0, 0]);
    expect([a.allowed, b.allowed, c.allowed]).toEqual([true, true, false]);
    expect(b.resetAt.getTime()).toBe(a.resetAt.getTime()); // the window does not slide
    expect(a.resetAt.getTime() - Date.now()).toBeLessThanOrEqual(300);
    // Prisma reads what the upsert wrote.
    expect((await peek(key, 2)).allowed).toBe(false);
    const row = await db.rateLimitBucket.findUniqueOrThrow({ where: { key } });
    expect(row.count).toBe(3);
    expect(row.resetAt.getTime()).toBe(a.resetAt.getTime());
    await sleep(350);
    const d = await consume(key, 2, 300);
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
});
