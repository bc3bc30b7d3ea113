import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Real crashes: a child Node process (lib/server/__fixtures__/blob-crash-child.ts) runs the real
 * route handlers on its own data folder and database and is killed with SIGKILL in the middle of a
 * streamed upload and of a model bundle save. Then a new process runs the server's start-up hook
 * (instrumentation.ts), as a restarted server does.
 */

const root = path.resolve(__dirname, "../..");
const CHILD = path.join(root, "lib/server/__fixtures__/blob-crash-child.ts");
let dir: string;
let env: NodeJS.ProcessEnv;
let setup: { cookie: string; projectId: string; uploadId: string };
const children: ChildProcess[] = [];

function start(mode: string, extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, mode], { cwd: root, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  const line = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => out.includes(text) && resolve();
      child.stdout!.on("data", check);
      check();
      void exited.then(() => (out.includes(text) ? resolve() : reject(new Error(`${mode} exited without "${text}": ${err.slice(-2000)}`))));
    });
  return { child, exited, line, output: () => out, errors: () => err };
}

async function run(mode: string, extraEnv: Record<string, string> = {}) {
  const c = start(mode, extraEnv);
  const code = await c.exited;
  expect(code, `${mode}: ${c.output()}`).toBe(0);
  return c.output();
}

const tmpDir = () => path.join(dir, "blobs", "tmp");
const partsOf = (pid: number) => (fs.existsSync(tmpDir()) ? fs.readdirSync(tmpDir()).filter((n) => n.endsWith(".part") && n.split("_")[1] === String(pid)) : []);
const sha256File = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const blobFile = (id: string) => path.join(dir, "blobs", id.slice(0, 2), id.slice(2, 4), id);

function database() {
  return new Database(path.join(dir, "crash.db"), { readonly: true });
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a streamed request in a child, waits until its temporary file is on disk and growing. */
async function crashMidway(mode: "upload" | "bundle", opts: { startWhileWriting: boolean }) {
  const writer = start(mode, { CRASH_COOKIE: setup.cookie, CRASH_PROJECT: setup.projectId });
  await writer.line("STREAMING");
  const pid = writer.child.pid!;
  await until("the writer's temporary file", () => partsOf(pid).length === 1 && fs.statSync(path.join(tmpDir(), partsOf(pid)[0])).size > 64 * 1024);
  const part = path.join(tmpDir(), partsOf(pid)[0]);

  if (opts.startWhileWriting) {
    // A server starting meanwhile on the same data folder (even collecting with no grace period)
    // leaves a live writer's file alone, and the upload goes on.
    await run("start", { STUDIO_BLOB_GC_GRACE_SECONDS: "0" });
    expect(fs.existsSync(part)).toBe(true);
    const sizeBefore = fs.statSync(part).size;
    await until("the upload to keep going", () => fs.statSync(part).size > sizeBefore);
  }

  writer.child.kill("SIGKILL");
  expect(await writer.exited).toBe("SIGKILL");
  // The crash leaves the half-written file behind…
  expect(fs.existsSync(part)).toBe(true);
  // …until the next start removes it.
  const started = await run("start");
  expect(started).toContain("removed 1 temporary file(s)");
  expect(fs.existsSync(part)).toBe(false);
  expect(fs.readdirSync(tmpDir())).toEqual([]);
}

function expectIntact() {
  const db = database();
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    // The complete upload made before the crash is still stored, whole, and still pending.
    expect(sha256File(blobFile(setup.uploadId))).toBe(setup.uploadId);
    expect(db.prepare("SELECT id FROM Blob WHERE id = ?").get(setup.uploadId)).toBeTruthy();
    const schema = JSON.parse((db.prepare("SELECT schema FROM Dataset").get() as { schema: string }).schema);
    expect(schema.pendingUploads).toEqual([setup.uploadId]);
    // Nothing of the interrupted request reached the database.
    expect(db.prepare("SELECT COUNT(*) AS n FROM Blob").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT COUNT(*) AS n FROM ModelVersion").get()).toEqual({ n: 0 });
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "studio-crash-"));
  env = {
    ...process.env,
    DATA_DIR: dir,
    DATABASE_URL: `file:${path.join(dir, "crash.db")}`,
    // server-only resolves to the test stub, as under Vitest.
    TSX_TSCONFIG_PATH: path.join(root, "lib/server/__fixtures__/tsconfig.child.json"),
    STUDIO_TEST_WORKER_DIR: dir,
  };
  // Kill -9 on a local disk and a SQLite file: this test's own store, also in the PostgreSQL +
  // Redis + S3 pass.
  for (const k of Object.keys(env)) if (k.startsWith("STUDIO_S3_") || k === "REDIS_URL") delete env[k];
  execFileSync(process.execPath, ["scripts/prepare-db.mjs", "--migrate-only"], { cwd: root, env, stdio: "ignore" });
  setup = JSON.parse((await run("setup")).trim().split("\n").pop()!);
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("kill -9 of a server process, then a restart", () => {
  it("in the middle of a streamed upload: the start-up removes its .part file (never a live writer's); complete blobs and the database are intact", async () => {
    await crashMidway("upload", { startWhileWriting: true });
    expectIntact();
  }, 180_000);

  it("in the middle of a model bundle save: the same", async () => {
    await crashMidway("bundle", { startWhileWriting: false });
    expectIntact();
  }, 180_000);
});

describe("start-up settings", () => {
  it("a bad STUDIO_PUBLIC_URL or clean-up interval stops the start with a message saying what to fix", async () => {
    for (const [name, value, message] of [
      ["STUDIO_PUBLIC_URL", "https://studio.example/app", "STUDIO_PUBLIC_URL must be the origin only, without a path"],
      ["STUDIO_PUBLIC_URL", "studio.example", "STUDIO_PUBLIC_URL must be an absolute URL"],
      ["STUDIO_BLOB_GC_INTERVAL_SECONDS", "hourly", "STUDIO_BLOB_GC_INTERVAL_SECONDS must be a number of seconds"],
    ]) {
      const c = start("start", { [name]: value });
      expect(await c.exited, `${name}=${value}`).toBe(1);
      expect(c.output()).not.toContain("STARTED");
      expect(c.errors()).toContain(`Cannot start: ${message}`);
    }
  }, 120_000);
});
