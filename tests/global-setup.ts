import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Every unit-test run gets its own throw-away SQLite database and blob folder, migrated with the
 * committed migrations exactly as `npm start` does. Workers inherit these variables.
 */
export default function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "studio-unit-"));
  process.env.DATA_DIR = dir;
  process.env.DATABASE_URL = `file:${path.join(dir, "test.db")}`;
  execFileSync(process.execPath, ["scripts/prepare-db.mjs", "--migrate-only"], { stdio: "inherit", env: process.env });
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
