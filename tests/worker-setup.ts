import fs from "node:fs";
import path from "node:path";

// Test files run in parallel workers that share one database; each worker gets its own blob
// folder so a test can check exactly which files its own uploads left behind.
const base = process.env.DATA_DIR;
if (base && !process.env.STUDIO_TEST_WORKER_DIR) {
  const dir = path.join(base, `worker-${process.env.VITEST_POOL_ID ?? process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  process.env.DATA_DIR = dir;
  process.env.STUDIO_TEST_WORKER_DIR = dir;
}
