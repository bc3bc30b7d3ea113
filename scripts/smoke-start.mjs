// Runs `npm start` on a brand-new data folder, checks the home page and a sign-up, restarts it,
// and checks that the account is still there. Used by .ci/run; runnable by hand.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "studio-smoke-"));
const port = process.env.SMOKE_PORT ?? "3977";
const base = `http://127.0.0.1:${port}`;

// A fetch to a server that is shutting down can hang on a socket that does not keep Node's event
// loop alive; every request gets a timeout on a ref'd timer.
// The body is read under the same timeout, and a ref'd interval keeps Node from exiting (code 13)
// while it waits on sockets alone.
const keepAlive = setInterval(() => {}, 1000);
async function get(url, init = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), 15_000);
  try {
    const res = await fetch(url, { ...init, signal: ctrl.signal });
    return { ok: res.ok, status: res.status, text: await res.text() };
  } finally {
    clearTimeout(timer);
  }
}

function start() {
  const env = { ...process.env, DATA_DIR: dataDir, PORT: port, HOST: "127.0.0.1" };
  delete env.DATABASE_URL;
  const child = spawn("npm", ["start"], { cwd: root, env, stdio: ["ignore", "inherit", "inherit"], detached: true });
  return child;
}

async function waitFor(url, ms = 600_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await get(url);
      if (r.ok) return r;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${url}`);
}

async function stop(child) {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.on("exit", r));
    process.kill(-child.pid, "SIGTERM");
    await exited;
  }
  // npm may exit before the server it started has let go of the port: wait until nothing answers.
  for (let i = 0; i < 100; i++) {
    try {
      await get(`${base}/`);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server did not stop");
}

const email = `smoke-${Date.now()}@example.test`;
let child = start();
try {
  const home = (await waitFor(`${base}/`)).text;
  if (!home.includes("AI Mass Studio")) throw new Error("home page does not name the product");
  const signup = await get(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "smoke-test-1" }),
  });
  if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status}`);
  await stop(child);

  child = start();
  await waitFor(`${base}/`);
  const signin = await get(`${base}/api/auth/signin`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "smoke-test-1" }),
  });
  if (signin.status !== 200) throw new Error(`sign-in after restart failed: ${signin.status}`);
  if (!fs.existsSync(path.join(dataDir, "studio.db"))) throw new Error("database was not created under DATA_DIR");
  console.log("smoke: npm start served the home page, and the account survived a restart");
  console.log("1 passed, 0 failed");
} finally {
  await stop(child).catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
  clearInterval(keepAlive);
}
