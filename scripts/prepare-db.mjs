// Creates the data folder and the SQLite database if needed and applies committed migrations.
// Offline: uses Prisma's Wasm schema engine through the better-sqlite3 driver adapter.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { dataDir, databaseUrl } from "../lib/server/db-url.mjs";
import { generateClients } from "./generate-clients.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

export function prepareDb({ quiet = false } = {}) {
  fs.mkdirSync(dataDir(), { recursive: true });
  const url = databaseUrl();
  process.env.DATABASE_URL = url;
  const prismaCli = require.resolve("prisma/build/index.js");
  const env = { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
  generateClients({ onlyMissing: true, quiet });
  execFileSync(process.execPath, [prismaCli, "migrate", "deploy"], { cwd: root, env, stdio: quiet ? "pipe" : "inherit" });
  return url;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = prepareDb({ quiet: process.argv.includes("--migrate-only") });
  if (!process.argv.includes("--migrate-only")) console.log(`Database ready: ${url}`);
}
