import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "./generated/prisma/client";
import { ServerSqlite, isReadOnlyStatement } from "./sqlite-adapter";

// Its own SQLite file, so the PostgreSQL pass of the suite runs this too.
let dir: string;
let db: PrismaClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sqlite-adapter-"));
  const url = `file:${path.join(dir, "t.db")}`;
  execFileSync(process.execPath, ["scripts/prepare-db.mjs", "--migrate-only"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  db = new PrismaClient({ adapter: new ServerSqlite(url) });
});
afterAll(async () => {
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the server's SQLite adapter", () => {
  it("a write made while another request's transaction is open survives that transaction's rollback", async () => {
    const failing = db
      .$transaction(async (tx) => {
        await tx.user.create({ data: { email: "in-tx@example.test", passwordHash: "x" } });
        await sleep(300);
        throw new Error("the import failed");
      })
      .catch((e: Error) => e.message);
    await sleep(50);
    await db.user.create({ data: { email: "meanwhile@example.test", passwordHash: "x" } });
    expect(await failing).toBe("the import failed");
    const emails = (await db.user.findMany({ select: { email: true } })).map((u) => u.email);
    expect(emails).toContain("meanwhile@example.test");
    expect(emails).not.toContain("in-tx@example.test");
  });

  it("reads outside a transaction never see its uncommitted rows, and are not held up by it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const open = db.$transaction(async (tx) => {
      await tx.user.create({ data: { email: "pending@example.test", passwordHash: "x" } });
      await gate;
    });
    await sleep(50);
    const started = Date.now();
    expect(await db.user.findUnique({ where: { email: "pending@example.test" } })).toBeNull();
    expect(Date.now() - started).toBeLessThan(250);
    release();
    await open;
    expect(await db.user.findUnique({ where: { email: "pending@example.test" } })).not.toBeNull();
  });

  it("keeps the database in WAL mode", async () => {
    const rows = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    expect(rows[0].journal_mode).toBe("wal");
  });

  it("tells reads from writes", () => {
    expect(isReadOnlyStatement('SELECT "id" FROM "User" WHERE "id" = ?')).toBe(true);
    expect(isReadOnlyStatement("  -- a comment\n WITH x AS (SELECT 1) SELECT * FROM x")).toBe(true);
    expect(isReadOnlyStatement('INSERT INTO "User" VALUES (1) RETURNING "id"')).toBe(false);
    expect(isReadOnlyStatement('UPDATE "User" SET "name" = ? WHERE 1')).toBe(false);
    expect(isReadOnlyStatement("WITH x AS (SELECT 1) DELETE FROM y")).toBe(false);
    expect(isReadOnlyStatement("PRAGMA journal_mode")).toBe(false);
  });
});
