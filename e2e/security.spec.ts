import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import * as tf from "@tensorflow/tfjs";
import type { Browser, Frame, Page } from "@playwright/test";
import { trainTextClassifier } from "../lib/ml/text/train-text";
import { BASE_URL } from "../playwright.config";
import { createProjectApi, createUser, expect, test } from "./fixtures";

/*
 * The hostile-client checks that need a real browser or a real server process (issue #11):
 * stored XSS payloads shown on every page that shows them, the embed framed by a page that is not
 * on the owner's list, and kill -9 in the middle of an upload, a model save and an import.
 */

// Two host sites on other origins than the studio (free ports, chosen when they start): the
// allowed shop and a foreign site.
let SHOP = "";
let FOREIGN = "";

/** Every payload tries to run script: set window.__xss or open a dialog. None may, and each must read as typed. */
const P = {
  name: `</script><svg onload=window.__xss='name'>{{7*7}}`,
  description: `"><img src=x onerror=alert('description')> javascript:alert('description') \u202e`,
  labelA: `<img src=x onerror=alert('label')>`,
  labelB: `<script>window.__xss='label'</script>`,
  sample: `{{constructor.constructor('alert(1)')()}} apple pie`,
  replyA: `"><svg onload="window.__xss='reply'"> javascript:alert('reply')`,
  replyB: `<iframe src="javascript:alert('reply')"></iframe>`,
  quick: [`<img src=x onerror=alert('quick')>`, `javascript:alert('quick')`],
  suggestion: `<b onmouseover=alert('suggestion')>apple</b>`,
  title: `\u202e<img src=x onerror=alert('title')>`,
  welcome: `<script>alert('welcome')</script>{{7*7}} ＜script＞alert(1)＜/script＞`,
  avatar: "👩‍💻",
};

const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** An intent bot whose class names, data, replies and settings are all payloads; its model trained in Node and saved through the API. */
async function hostileBot(page: Page) {
  await createUser(page.request);
  const project = await createProjectApi(page.request, { name: P.name, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "buttons", "share", "embed"] });
  expect((await page.request.patch(`/api/projects/${project.id}`, { data: { description: P.description } })).status()).toBe(200);
  const a = ["apple pie please", "i want an apple", "apple juice", "green apple", "apple tart", "red apple", "apple cake", "fresh apple"];
  const b = ["rocket launch", "a rocket ship", "rocket fuel", "fast rocket", "rocket to mars", "space rocket", "rocket engine", "big rocket"];
  const rows = [...a.map((t, i) => [i === 0 ? P.sample : t, P.labelA, P.replyA]), ...b.map((t) => [t, P.labelB, P.replyB])];
  const csv = ["text,label,reply", ...rows.map((r) => r.map(csvCell).join(","))].join("\n");
  const pre = await page.request.post(`/api/projects/${project.id}/uploads?name=hostile.csv`, { data: Buffer.from(csv), headers: { "content-type": "application/octet-stream" } });
  expect(pre.status(), await pre.text()).toBe(200);
  const imp = await page.request.post(`/api/projects/${project.id}/imports`, { data: { uploadId: (await pre.json()).uploadId, mapping: { kind: "text", text: "text", label: "label", reply: "reply" } } });
  expect(imp.status(), await imp.text()).toBe(201);

  await tf.setBackend("cpu");
  const texts = rows.map((r) => r[0]);
  const labels = rows.map((r) => r[1]);
  const { bundle } = await trainTextClassifier({ texts, labels }, { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 1 });
  const saved = await page.request.post(`/api/projects/${project.id}/models`, { data: Buffer.from(bundle), headers: { "content-type": "application/octet-stream" } });
  expect(saved.status(), await saved.text()).toBe(201);

  const settings = { threshold: 0, quickReplies: { [P.labelA]: P.quick }, suggestions: [P.suggestion] };
  expect((await page.request.put(`/api/projects/${project.id}/chat-settings`, { data: settings })).status()).toBe(200);
  const share = await page.request.patch(`/api/projects/${project.id}/share`, { data: { enabled: true } });
  const embed = await page.request.patch(`/api/projects/${project.id}/embed`, {
    data: { enabled: true, allowedOrigins: [SHOP], theme: { title: P.title, welcome: P.welcome, avatar: P.avatar } },
  });
  expect(embed.status(), await embed.text()).toBe(200);
  // Markup is no avatar: refused, not stored.
  expect((await page.request.patch(`/api/projects/${project.id}/embed`, { data: { theme: { avatar: "<b>" } } })).status()).toBe(422);
  return { id: project.id, shareSlug: (await share.json()).share.slug as string, embedSlug: (await embed.json()).embed.slug as string, bundle };
}

/** Records dialogs (alert/confirm/prompt) of a page and all its frames. */
function watchDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on("dialog", (d) => {
    seen.push(d.message());
    void d.dismiss();
  });
  return seen;
}

/** No payload ran in the frame, and no element carries an inline handler or a javascript: URL. */
async function expectInert(frame: Frame) {
  const state = await frame.evaluate(() => ({
    flag: (window as unknown as { __xss?: string }).__xss ?? null,
    handlers: document.querySelectorAll("[onerror],[onload],[onmouseover],[onclick],[onfocus]").length,
    jsUrls: [...document.querySelectorAll("[href],[src],[action],[formaction]")].filter((el) =>
      ["href", "src", "action", "formaction"].some((a) => /^\s*javascript:/i.test(el.getAttribute(a) ?? "")),
    ).length,
    attrViolations: (window as unknown as { __cspAttr?: string[] }).__cspAttr ?? [],
  }));
  expect(state, frame.url()).toEqual({ flag: null, handlers: 0, jsUrls: 0, attrViolations: [] });
}

async function expectPageInert(page: Page, dialogs: string[]) {
  for (const frame of page.frames()) await expectInert(frame);
  expect(dialogs).toEqual([]);
}

const hostServers: http.Server[] = [];
let embedSlug = "";

function hostPages(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? "/", "http://x");
  const send = (body: string) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>${body}</body></html>`);
  };
  if (url.pathname === "/bubble") return send(`<script src="${BASE_URL}/embed.js" data-model="${embedSlug}" async></script>`);
  if (url.pathname === "/iframe") return send(`<iframe id="chat" src="${BASE_URL}/embed/${embedSlug}" width="380" height="560" referrerpolicy="strict-origin-when-cross-origin"></iframe>`);
  res.writeHead(404).end();
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

test.beforeAll(async () => {
  for (const set of [(o: string) => (SHOP = o), (o: string) => (FOREIGN = o)]) {
    const server = http.createServer(hostPages);
    set(`http://127.0.0.1:${await listen(server)}`);
    hostServers.push(server);
  }
});

test.afterAll(async () => {
  await Promise.all(hostServers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function newContext(browser: Browser) {
  const context = await browser.newContext({ baseURL: BASE_URL, locale: "en-US" });
  // Inline event handlers never come from the app (React attaches listeners): a blocked one is an injection.
  await context.addInitScript(() => {
    const w = window as unknown as { __cspAttr: string[] };
    w.__cspAttr = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      if (e.effectiveDirective === "script-src-attr") w.__cspAttr.push(`${e.effectiveDirective} ${e.sample}`);
    });
  });
  return context;
}

test("stored XSS payloads in names, labels, data, replies, quick replies, suggestions, embed theme and share meta tags are shown as text and never run", async ({ browser }) => {
  test.setTimeout(180_000);
  const owner = await newContext(browser);
  try {
    const page = await owner.newPage();
    const dialogs = watchDialogs(page);
    const bot = await hostileBot(page);
    embedSlug = bot.embedSlug;

    await page.goto("/projects");
    await expect(page.getByTestId("project-row").filter({ hasText: P.name })).toHaveCount(1);
    await expectPageInert(page, dialogs);

    await page.goto(`/projects/${bot.id}/data`);
    await expect(page.getByTestId("label-chart")).toContainText(P.labelA);
    await expect(page.getByTestId("label-chart")).toContainText(P.labelB);
    await expect(page.getByTestId("sample-row").filter({ hasText: P.sample })).toHaveCount(1);
    await expectPageInert(page, dialogs);

    await page.goto(`/projects/${bot.id}/playground`);
    await expect(page.getByTestId("suggested-input")).toHaveText([P.suggestion]);
    await page.getByTestId("suggested-input").first().click();
    const answer = page.getByTestId("turn-bot").last();
    await expect(answer.getByTestId("confidence-bars")).toBeVisible({ timeout: 60_000 });
    await expect(answer.locator("p").first()).toHaveText(P.replyA);
    await expect(answer.getByTestId("quick-reply")).toHaveText(P.quick);
    await expect(answer.getByTestId("confidence-bars")).toContainText(P.labelA);
    await answer.getByTestId("quick-reply").first().click();
    await expect(page.getByTestId("turn-user").last()).toHaveText(P.quick[0]);
    await expectPageInert(page, dialogs);

    // The share page, for a visitor without an account: title, meta tags and the chat.
    const visitor = await newContext(browser);
    try {
      const v = await visitor.newPage();
      const visitorDialogs = watchDialogs(v);
      await v.goto(`/m/${bot.shareSlug}`);
      await expect(v.getByTestId("shared-model-name")).toHaveText(P.name);
      expect(await v.title()).toContain(P.name);
      for (const [selector, value] of [
        ['meta[property="og:title"]', P.name],
        ['meta[name="twitter:title"]', P.name],
        ['meta[name="description"]', P.description],
        ['meta[property="og:description"]', P.description],
        ['meta[name="twitter:description"]', P.description],
      ]) {
        await expect(v.locator(selector)).toHaveAttribute("content", value);
      }
      expect(await v.evaluate(() => document.head.querySelectorAll("svg, img, iframe").length)).toBe(0);
      const input = v.getByPlaceholder("Type a message…");
      await input.fill("rocket to the moon");
      await input.press("Enter");
      const reply = v.getByTestId("turn-bot").last();
      await expect(reply.getByTestId("confidence-bars")).toBeVisible({ timeout: 60_000 });
      await expect(reply.locator("p").first()).toHaveText(P.replyB);
      await input.fill("an apple a day");
      await input.press("Enter");
      const withButtons = v.getByTestId("turn-bot").last();
      await expect(withButtons.getByTestId("quick-reply")).toHaveText(P.quick, { timeout: 60_000 });
      await expect(withButtons.locator("p").first()).toHaveText(P.replyA);
      await expectPageInert(v, visitorDialogs);

      // The embed on the allowed site: bubble avatar, title, welcome and the answers.
      const shop = await visitor.newPage();
      const shopDialogs = watchDialogs(shop);
      await shop.goto(`${SHOP}/bubble`);
      const bubble = shop.locator('[data-ams="bubble"]');
      await expect(bubble).toHaveText(P.avatar);
      await bubble.click();
      const widget = shop.frameLocator('iframe[data-ams="frame"]');
      await expect(widget.getByTestId("embed-title")).toHaveText(P.title);
      await expect(widget.getByTestId("turn-bot").first()).toHaveText(P.welcome);
      const box = widget.getByPlaceholder("Type a message…");
      await box.fill("green apple");
      await box.press("Enter");
      const embedded = widget.getByTestId("turn-bot").last();
      await expect(embedded.getByTestId("confidence-bars")).toBeVisible({ timeout: 60_000 });
      await expect(embedded.locator("p").first()).toHaveText(P.replyA);
      await expect(embedded.getByTestId("quick-reply")).toHaveText(P.quick);
      await expectPageInert(shop, shopDialogs);

      // A page that is not on the list frames the widget: it shows nothing of the model.
      await shop.goto(`${FOREIGN}/iframe`);
      const refused = shop.frameLocator("#chat");
      await expect(refused.getByTestId("link-unavailable")).toBeVisible();
      for (const text of [P.title, P.welcome, P.name, P.replyA]) await expect(refused.locator("body")).not.toContainText(text);
      await expectPageInert(shop, shopDialogs);
    } finally {
      await visitor.close();
    }
  } finally {
    await owner.close();
  }
});

/* ---------------------------------------------------------------- kill -9 */

interface Crashable {
  base: string;
  dataDir: string;
  dbFile: string;
  child: ChildProcess;
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const probe = http.createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The built app on its own data folder, through the same server script as `npm start`. */
async function startServer(dataDir: string, crashPort: number): Promise<Crashable> {
  const dbFile = path.join(dataDir, "crash.db");
  const env = { ...process.env, PORT: String(crashPort), HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: `file:${dbFile}`, NEXT_TELEMETRY_DISABLED: "1", STUDIO_PID_FILE: path.join(dataDir, "server.pid") };
  const child = spawn(process.execPath, ["scripts/server.mjs"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (d: Buffer) => {
    log += d;
    fs.appendFileSync(path.join(dataDir, "server.log"), d);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const base = `http://127.0.0.1:${crashPort}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${base}/signin`)).ok) break;
    } catch {}
    if (Date.now() > until) throw new Error(`the server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, dataDir, dbFile, child };
}

/** SIGKILL: no handler runs, nothing is flushed or closed. */
async function kill9(s: Crashable) {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((resolve) => s.child.once("exit", resolve));
  s.child.kill("SIGKILL");
  await exited;
}

function integrity(dbFile: string) {
  const db = new Database(dbFile);
  try {
    return {
      integrity: db.pragma("integrity_check", { simple: true }),
      foreignKeys: db.pragma("foreign_key_check") as unknown[],
    };
  } finally {
    db.close();
  }
}

function count(dbFile: string, sql: string, ...args: unknown[]): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return Number(Object.values(db.prepare(sql).get(...args) as object)[0]);
  } finally {
    db.close();
  }
}

/**
 * Sends `head` then holds the request open with `tail` still to come, until `killWhen` says so;
 * the server is killed while the body is still arriving. Resolves when the connection is gone.
 */
function stalledRequest(url: string, cookie: string, head: Uint8Array, query: string) {
  const target = new URL(`${url}${query}`);
  const req = http.request({ hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: "POST", headers: { cookie, "content-type": "application/octet-stream", "transfer-encoding": "chunked" } });
  const done = new Promise<void>((resolve) => {
    req.on("error", () => resolve());
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve());
      res.on("error", () => resolve());
    });
  });
  req.write(head);
  return { done };
}

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const partFiles = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".part")).map((e) => path.join(e.parentPath, e.name)) : [];

test("kill -9 in the middle of an upload, a model save and an import: the database passes integrity_check, the import is all or nothing, and the server starts again", async () => {
  test.setTimeout(240_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "studio-crash-"));
  const dbFile = path.join(dataDir, "crash.db");
  const prepared = spawnSync(process.execPath, ["scripts/prepare-db.mjs", "--migrate-only"], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: `file:${dbFile}` }, encoding: "utf8" });
  expect(prepared.status, prepared.stderr).toBe(0);
  const t0 = Date.now();
  const steps: string[] = [];
  const mark = (what: string) => steps.push(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const port = await freePort();
  let server = await startServer(dataDir, port);
  mark("started");
  try {
    const signup = await fetch(`${server.base}/api/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: `crash-${Date.now()}@example.test`, password: "crash-pass-1" }) });
    expect(signup.status).toBe(201);
    const cookie = signup.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const api = (p: string, init: RequestInit = {}) => fetch(`${server.base}${p}`, { ...init, headers: { cookie, ...(init.headers ?? {}) } });
    const created = await api("/api/projects", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Crash bot", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat"] }) });
    expect(created.status).toBe(201);
    const id = (await created.json()).project.id as string;
    const restart = async () => {
      await kill9(server);
      const after = integrity(dbFile);
      expect(after).toEqual({ integrity: "ok", foreignKeys: [] });
      mark("killed");
      server = await startServer(dataDir, port);
      mark("restarted");
    };

    // 1. Mid-upload: 2 MB of a CSV sent, the rest never comes.
    const upload = stalledRequest(`${server.base}/api/projects/${id}/uploads`, cookie, Buffer.from(`text,label\n${"hello there,greeting\n".repeat(100_000)}`), "?name=big.csv");
    await until(() => partFiles(dataDir).some((f) => fs.statSync(f).size > 0), 30_000, "the upload's temporary file");
    await restart();
    await upload.done;
    let dataset = await (await api(`/api/projects/${id}/dataset`)).json();
    expect(dataset.dataset.total).toBe(0);

    // 2. Mid-save of a model bundle.
    await tf.setBackend("cpu");
    const { bundle } = await trainTextClassifier({ texts: ["hi", "hello", "hey there", "bye", "goodbye", "see you"], labels: ["hi", "hi", "hi", "bye", "bye", "bye"] }, { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 1 });
    const earlier = new Set(partFiles(dataDir));
    const save = stalledRequest(`${server.base}/api/projects/${id}/models`, cookie, bundle.subarray(0, Math.floor(bundle.length / 2)), "");
    await until(() => partFiles(dataDir).some((f) => !earlier.has(f)), 30_000, "the bundle's temporary file");
    await restart();
    await save.done;
    expect(count(dbFile, 'SELECT COUNT(*) FROM "ModelVersion" WHERE "projectId" = ?', id)).toBe(0);
    const whole = await api(`/api/projects/${id}/models`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: new Blob([bundle as BlobPart]) });
    expect(whole.status).toBe(201);
    expect((await whole.json()).version.number).toBe(1);

    // 3. Mid-import: the rows go into one transaction; the server dies while it holds the write lock.
    const rows = 5_000;
    const csv = `text,label\n${Array.from({ length: rows }, (_, i) => `message number ${i} about ${i % 2 ? "hello" : "goodbye"},${i % 2 ? "hi" : "bye"}`).join("\n")}\n`;
    const pre = await api(`/api/projects/${id}/uploads?name=rows.csv`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: csv });
    expect(pre.status, await pre.clone().text()).toBe(200);
    const { uploadId } = await pre.json();
    const versionsBefore = count(dbFile, 'SELECT COUNT(*) FROM "DatasetVersion"');
    const importing = api(`/api/projects/${id}/imports`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ uploadId, mapping: { kind: "text", text: "text", label: "label" } }) }).catch(() => null);
    let answered = false;
    void importing.then(() => (answered = true));
    // A second connection cannot start a write while the server's transaction holds the lock:
    // 50 ms of that, with no answer yet, is the import's transaction (the request's other writes take a millisecond).
    const probe = new Database(dbFile, { timeout: 0 });
    let busySince = 0;
    const writing = () => {
      try {
        probe.exec("BEGIN IMMEDIATE; ROLLBACK;");
        return false;
      } catch (e) {
        if ((e as { code?: string }).code === "SQLITE_BUSY") return true;
        throw e;
      }
    };
    await until(() => {
      if (answered) return true;
      if (!writing()) return (busySince = 0), false;
      busySince ||= Date.now();
      return Date.now() - busySince >= 50;
    }, 120_000, "the import's transaction").finally(() => probe.close());
    const killedMidway = !answered;
    await restart();
    await importing;
    const samples = count(dbFile, 'SELECT COUNT(*) FROM "Sample" s JOIN "Dataset" d ON s."datasetId" = d.id WHERE d."projectId" = ?', id);
    const versionsAfter = count(dbFile, 'SELECT COUNT(*) FROM "DatasetVersion"');
    // All or nothing: no rows without their version, no version without its rows.
    if (samples === 0) expect(versionsAfter).toBe(versionsBefore);
    else {
      expect(samples).toBe(rows);
      expect(versionsAfter).toBe(versionsBefore + 1);
    }
    // Which case this run hit (a kill after the commit but before the answer arrived keeps all rows).
    const outcome = `import: ${killedMidway ? "killed before the answer" : "answered before the kill"}; ${samples} of ${rows} rows after the restart`;
    test.info().annotations.push({ type: "kill -9", description: outcome });

    // The restarted server works: the same upload can be imported now, all rows at once.
    dataset = await (await api(`/api/projects/${id}/dataset`)).json();
    expect(dataset.dataset.total).toBe(samples);
    if (samples === 0) {
      const again = await api(`/api/projects/${id}/imports`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ uploadId, mapping: { kind: "text", text: "text", label: "label" } }) });
      expect(again.status, await again.clone().text()).toBe(201);
      expect((await again.json()).added).toBe(rows);
    }
    expect(integrity(dbFile)).toEqual({ integrity: "ok", foreignKeys: [] });
  } catch (e) {
    await test.info().attach("steps", { body: steps.join("\n") });
    const log = path.join(dataDir, "server.log");
    if (fs.existsSync(log)) await test.info().attach("server.log", { body: fs.readFileSync(log) });
    throw e;
  } finally {
    await kill9(server).catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
