// Starts the built app (through the same script as `npm start`) on a throw-away data folder for a
// benchmark, and gives a small HTTP client with a signed-in session.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export async function startServer(root, { port = 3990, env = {} } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "studio-bench-"));
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: `file:${path.join(dataDir, "bench.db")}`, ...env },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  child.stdout.on("data", () => {});
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 600_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/`)).ok) break;
    } catch {}
    if (Date.now() > until) throw new Error("server did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  let cookie = "";
  const client = async (method, url, body, headers = {}) => {
    const init = { method, headers: { ...headers, cookie } };
    if (body !== undefined) {
      if (body instanceof Uint8Array || typeof body === "string") init.body = body;
      else {
        init.body = JSON.stringify(body);
        init.headers["content-type"] = "application/json";
      }
    }
    const res = await fetch(`${base}${url}`, init);
    const set = res.headers.get("set-cookie");
    if (set) cookie = set.split(";")[0];
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, json, text };
  };
  await client("POST", "/api/auth/signup", { email: `bench-${Date.now()}@example.test`, password: "bench-pass-1" });
  return {
    base,
    client,
    /** The signed-in session cookie as "name=value" (e.g. to give a browser context the same session). */
    cookie: () => cookie,
    /** Peak resident memory (VmHWM) of the Next.js server process, in MiB. */
    peakMemoryMiB() {
      for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
          const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
          const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
          if (cmd.startsWith("next-server") && environ.includes(`DATA_DIR=${dataDir}`)) {
            const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
            if (m) return Math.round(Number(m[1]) / 1024);
          }
        } catch {}
      }
      return null;
    },
    async stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      await new Promise((r) => setTimeout(r, 500));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
