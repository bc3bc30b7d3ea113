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
  // Route tests all sign up and sign in from the same (absent) client address; the tests of these
  // per-client limits set low values themselves (app/api/auth/auth-abuse.test.ts).
  process.env.STUDIO_SIGNUP_LIMIT ??= "100000";
  process.env.STUDIO_SIGNIN_CLIENT_LIMIT ??= "100000";
  process.env.DATABASE_URL = `file:${path.join(dir, "test.db")}`;
  execFileSync(process.execPath, ["scripts/prepare-db.mjs", "--migrate-only"], { stdio: "inherit", env: process.env });
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
