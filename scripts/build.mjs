// `npm run build`: copies pretrained weights and runtime files from node_modules into public/,
// then runs `next build`. Offline: nothing is downloaded.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.env.NEXT_TELEMETRY_DISABLED = "1";

const run = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (fs.existsSync(path.join(root, "scripts", "copy-assets.mjs"))) run([path.join(root, "scripts", "copy-assets.mjs")]);
run([path.join(root, "scripts", "generate-clients.mjs"), "--missing"]);
run([require.resolve("next/dist/bin/next"), "build"]);
