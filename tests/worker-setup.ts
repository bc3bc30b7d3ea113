import fs from "node:fs";
import path from "node:path";

// Test files run in parallel workers. Each worker slot (VITEST_POOL_ID: one file at a time) gets its
// own blob folder, S3 key prefix and database, copied from the run's migrated one (tests/global-
// setup.ts), so a test can count exactly what its own requests stored and never waits on another
// worker's write lock.
const base = process.env.DATA_DIR;
if (base && !process.env.STUDIO_TEST_WORKER_DIR) {
  const slot = process.env.VITEST_POOL_ID ?? String(process.pid);
  const dir = path.join(base, `worker-${slot}`);
  fs.mkdirSync(dir, { recursive: true });
  process.env.DATA_DIR = dir;
  process.env.STUDIO_TEST_WORKER_DIR = dir;
  if (process.env.STUDIO_S3_BUCKET) process.env.STUDIO_S3_PREFIX = `worker-${slot}/`;

  const url = process.env.DATABASE_URL ?? "";
  if (url.startsWith("file:")) {
    const file = path.join(dir, "test.db");
    // The migrated database is closed (global setup's migration has exited): a plain copy is whole.
    if (!fs.existsSync(file)) {
      const tmp = `${file}.copying`;
      fs.copyFileSync(url.slice("file:".length), tmp);
      fs.renameSync(tmp, file);
    }
    process.env.DATABASE_URL = `file:${file}`;
  } else if (/^postgres(ql)?:/.test(url)) {
    const { createDatabase } = await import("../scripts/pg-databases.mjs");
    const template = new URL(url).pathname.slice(1);
    process.env.DATABASE_URL = await createDatabase(process.env.STUDIO_TEST_PG_ADMIN_URL!, `${template}_w${slot}`, { template });
  }
}
