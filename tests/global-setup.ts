import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Every unit-test run gets its own throw-away database and blob folder, migrated with the committed
 * migrations exactly as `npm start` does. Workers inherit these variables.
 *
 * STUDIO_TEST_DB=postgres runs the same tests on PostgreSQL: a fresh database is created on the
 * server at STUDIO_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres) and dropped
 * afterwards. Otherwise a SQLite file in a temporary folder. With REDIS_URL the shared state goes to
 * Redis under a prefix of this run; STUDIO_TEST_S3=1 stores blobs in an in-process S3 server.
 */
export default async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "studio-unit-"));
  process.env.DATA_DIR = dir;
  // Route tests all sign up and sign in from the same (absent) client address; the tests of these
  // per-client limits set low values themselves (app/api/auth/auth-abuse.test.ts).
  process.env.STUDIO_SIGNUP_LIMIT ??= "100000";
  process.env.STUDIO_SIGNIN_CLIENT_LIMIT ??= "100000";
  let dropDatabase: (() => Promise<void>) | null = null;
  if (process.env.STUDIO_TEST_DB === "postgres") {
    const admin = process.env.STUDIO_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
    const name = `studio_test_${randomBytes(6).toString("hex")}`;
    const { createDatabase, dropDatabase: drop } = await import("../scripts/pg-databases.mjs");
    process.env.DATABASE_URL = await createDatabase(admin, name);
    // Workers copy this database (tests/worker-setup.ts) to <name>_w<slot>, through the same server.
    process.env.STUDIO_TEST_PG_ADMIN_URL = admin;
    dropDatabase = () => drop(admin, name, { withCopies: true });
  } else {
    process.env.DATABASE_URL = `file:${path.join(dir, "test.db")}`;
  }
  // With REDIS_URL (the PostgreSQL + Redis run), this run's keys get their own prefix and are
  // deleted afterwards, so runs sharing one Redis never see each other's counters.
  let clearRedis: (() => Promise<void>) | null = null;
  if (process.env.REDIS_URL) {
    const prefix = `studio-test-${randomBytes(6).toString("hex")}:`;
    process.env.STUDIO_REDIS_PREFIX = prefix;
    clearRedis = async () => {
      const { default: Redis } = await import("ioredis");
      const r = new Redis(process.env.REDIS_URL!);
      try {
        let cursor = "0";
        do {
          const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
          if (keys.length) await r.del(...keys);
          cursor = next;
        } while (cursor !== "0");
      } finally {
        r.disconnect();
      }
    };
  }
  // STUDIO_TEST_S3=1: blobs go to an S3-protocol server (s3rver) started here for the run.
  let closeS3: (() => Promise<void>) | null = null;
  if (process.env.STUDIO_TEST_S3 === "1") {
    const { startS3Server } = await import("./s3-server.mjs");
    const s3 = await startS3Server({ bucket: "studio-test" });
    Object.assign(process.env, s3.env);
    closeS3 = s3.close;
  }
  execFileSync(process.execPath, ["scripts/prepare-db.mjs", "--migrate-only"], { stdio: "inherit", env: process.env });
  return async () => {
    await closeS3?.();
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabase?.();
    await clearRedis?.();
  };
}
