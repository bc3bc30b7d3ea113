// `npm start`: prepares the embedded database, builds when the sources changed since the last
// build, then serves the production app on PORT (default 3000). Nothing else to set up.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { prepareDb } from "./prepare-db.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.env.NEXT_TELEMETRY_DISABLED = "1";

const SOURCE_DIRS = ["app", "components", "lib", "public", "prisma", "scripts"];
const SOURCE_FILES = ["instrumentation.ts", "instrumentation-client.ts", "next.config.js", "package-lock.json", "postcss.config.mjs", "proxy.ts", "tsconfig.json"];
const SKIP = new Set(["node_modules", ".next", "generated", "__fixtures__", "results"]);

/** A fingerprint of everything the build reads: paths, sizes and modification times. */
export function sourceFingerprint() {
  const h = createHash("sha256");
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIP.has(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !p.endsWith(".test.ts")) {
        const st = fs.statSync(p);
        h.update(`${path.relative(root, p)}:${st.size}:${st.mtimeMs}\n`);
      }
    }
  };
  for (const d of SOURCE_DIRS) walk(path.join(root, d));
  for (const f of SOURCE_FILES) {
    const p = path.join(root, f);
    if (fs.existsSync(p)) {
      const st = fs.statSync(p);
      h.update(`${f}:${st.size}:${st.mtimeMs}\n`);
    }
  }
  return h.digest("hex");
}

const distDir = path.join(root, process.env.NEXT_DIST_DIR || ".next");
const stampFile = path.join(distDir, "studio-build.json");

function buildIfNeeded() {
  const fingerprint = sourceFingerprint();
  const built = fs.existsSync(path.join(distDir, "BUILD_ID")) && fs.existsSync(stampFile);
  if (built && JSON.parse(fs.readFileSync(stampFile, "utf8")).fingerprint === fingerprint) return;
  console.log("Building the app (first start or sources changed)…");
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
  fs.writeFileSync(stampFile, JSON.stringify({ fingerprint: sourceFingerprint(), builtAt: new Date().toISOString() }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = prepareDb();
  console.log(`Database: ${url}`);
  if (!process.argv.includes("--no-build")) buildIfNeeded();
  const port = process.env.PORT || "3000";
  const host = process.env.HOST || "0.0.0.0";
  // scripts/server.mjs: Next behind a Node HTTP server that records each request's TCP peer.
  const child = spawn(process.execPath, [path.join(root, "scripts", "server.mjs")], { cwd: root, stdio: "inherit", env: { ...process.env, PORT: port, HOST: host } });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}
