import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without type declarations
import { PG_SCHEMA, SQLITE_SCHEMA, postgresSchema } from "./pg-schema.mjs";

const prisma = (args: string[]) =>
  execFileSync(process.execPath, [path.resolve("node_modules/prisma/build/index.js"), ...args], {
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

describe("database schemas", () => {
  it("the committed PostgreSQL schema is the one generated from prisma/schema.prisma", () => {
    expect(fs.readFileSync(PG_SCHEMA, "utf8")).toBe(postgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8")));
  });

  it("the migrations of the database under test produce exactly its schema (no drift)", () => {
    // The test database was created by `migrate deploy` (tests/global-setup.ts); read it back and
    // compare it with the schema the client is generated from.
    const postgres = /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? "");
    const schemaFile = postgres ? PG_SCHEMA : SQLITE_SCHEMA;
    const pulled = prisma(["db", "pull", "--print"]);
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "schema-drift-")), "pulled.prisma");
    fs.writeFileSync(tmp, pulled.slice(pulled.indexOf("generator client")));
    let diff = "";
    try {
      diff = prisma(["migrate", "diff", "--from-schema-datamodel", tmp, "--to-schema-datamodel", schemaFile, "--script"]);
    } finally {
      fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    }
    const statements = diff.split("\n").filter((l) => l.trim() && !l.startsWith("--"));
    expect(statements).toEqual([]);
  }, 120_000);
});
