import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "./generated/prisma/client";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import { ServerSqlite, isReadOnlyStatement } from "./sqlite-adapter";
import type { Checkpointer } from "./sqlite-checkpointer";

// Its own SQLite file, so the PostgreSQL pass of the suite runs this too.
let dir: string;
let db: PrismaClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds, up to 15 s. */
async function until(check: () => boolean | Promise<boolean>) {
  for (let waited = 0; !(await check()); waited += 100) {
    if (waited > 15_000) throw new Error("timed out waiting");
    await sleep(100);
  }
}

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

  it("commits leave checkpoints to the checkpoint thread, which copies the log into the file without another commit", async () => {
    const file = path.join(dir, "t.db");
    // the writer stops checkpointing on commit once the thread has run
    await until(async () => Number((await db.$queryRawUnsafe<{ wal_autocheckpoint: number | bigint }[]>("PRAGMA wal_autocheckpoint"))[0].wal_autocheckpoint) === 0);
    const before = fs.statSync(file).size;
    const user = await db.user.create({ data: { email: "big@example.test", passwordHash: "x" } });
    const project = await db.project.create({ data: { ownerId: user.id, name: "big", scene: "text-classification", modelType: "tfidf" } });
    const ds = await db.dataset.create({ data: { projectId: project.id, kind: "text" } });
    const text = "x".repeat(4000);
    await db.$transaction(async (tx) => {
      for (let i = 0; i < 4; i++) await tx.sample.createMany({ data: Array.from({ length: 500 }, () => ({ datasetId: ds.id, text, label: "a" })) });
    });
    // 8 MB reach the database file itself, with no commit after the import's
    await until(() => fs.statSync(file).size > before + 7_000_000);
    expect(await db.sample.count({ where: { datasetId: ds.id } })).toBe(2000);
  });

  it("when the checkpoint thread stops, commits checkpoint again (the log never grows without bound)", async () => {
    const adapter = (await new ServerSqlite(`file:${path.join(dir, "t.db")}`).connect()) as SqlDriverAdapter & { checkpointer: Checkpointer };
    const auto = async () => Number((await adapter.queryRaw({ sql: "PRAGMA wal_autocheckpoint", args: [], argTypes: [] })).rows[0][0]);
    try {
      await until(async () => (await auto()) === 0);
      await adapter.checkpointer.worker.terminate();
      await until(async () => (await auto()) === 1000);
    } finally {
      await adapter.dispose();
    }
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
