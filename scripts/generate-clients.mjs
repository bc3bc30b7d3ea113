// Generates both Prisma clients (npm's postinstall, and the build when one is missing): the SQLite
// client (lib/server/generated/prisma) and the PostgreSQL one (lib/server/generated/prisma-pg). The
// DATABASE_URL scheme picks the schema in prisma.config.ts; `generate` connects to nothing, so a
// placeholder URL is enough. Offline: the Wasm engines ship in the prisma package.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

export const CLIENTS = [
  { dir: "lib/server/generated/prisma", url: "file:./data/placeholder.db" },
  { dir: "lib/server/generated/prisma-pg", url: "postgresql://placeholder@127.0.0.1:5432/placeholder" },
];

export function generateClients({ onlyMissing = false, quiet = false } = {}) {
  const prismaCli = require.resolve("prisma/build/index.js");
  for (const c of CLIENTS) {
    if (onlyMissing && fs.existsSync(path.join(root, c.dir, "client.ts"))) continue;
    execFileSync(process.execPath, [prismaCli, "generate"], {
      cwd: root,
      stdio: quiet ? "pipe" : "inherit",
      env: { ...process.env, DATABASE_URL: c.url, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) generateClients({ onlyMissing: process.argv.includes("--missing") });
