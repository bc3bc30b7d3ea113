// REST API benchmark (issues 5 and 12): POST /api/v1/models/{slug}/predict under concurrent load,
// measured side by side with a trivial route of the same server at the same concurrency (GET
// /api/health: the framework's own ceiling), for two setups in one run:
//   (a) one process on the embedded SQLite database (WAL) and the local disk;
//   (b) two replicas on PostgreSQL + Redis + an S3-protocol server (s3rver, in this process); the
//       load generator spreads its connections over both, as a proxy would.
// Per setup: text predict at each concurrency level next to the trivial route (throughput and p99
// as ratios of the ceiling), then pictures from 2 callers while text runs at 16 connections.
//
//  1. A banking77 intent model (ngram-bag, 77 classes) is trained in Node on train.csv
//     (bench/support/train-text-bundle.ts through tsx, tfjs "cpu" backend).
//  2. The production app starts on throw-away data folders (bench/server.mjs, the same script as
//     `npm start`), with the per-key rate limit raised by STUDIO_API_RATE_LIMIT; a user, a project,
//     the model version and an API key are created.
//  3. A local load generator (node:http, keep-alive agents, N connections each sending its next
//     request when the previous answer arrived) runs for a fixed time per level. Latency is
//     client-side: request written → whole answer read.
//  4. An image model: a MobileNetV2-transfer head (bench/support/train-image-bundle.ts; synthetic
//     features) called with 224×224 PNGs as data URLs.
//
// `node scripts/bench.mjs api`. Budgets and choices (environment variables):
//   API_BENCH_PORT          3996          first port (setup b uses the next two)
//   API_BENCH_CONCURRENCY   1,16,64       connections per level
//   API_BENCH_SECONDS       10            measured seconds per level (after 2 s of warm-up)
//   API_BENCH_SETUPS        sqlite,replicas
//   API_BENCH_PG_URL        postgresql://postgres@127.0.0.1:5432/postgres (admin database)
//   API_BENCH_REDIS_URL     redis://127.0.0.1:6379
//   API_BENCH_PRESET        fast          training preset of the text model
//   NEXT_DIST_DIR           .next         build folder (shared with the e2e tests: no second build)
//   STUDIO_API_TF_BACKEND   wasm          tfjs backend of the server (wasm or cpu)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createDatabase, dropDatabase } from "../scripts/pg-databases.mjs";
import { startServer } from "./server.mjs";
import { startS3Server } from "../tests/s3-server.mjs";

const env = process.env;
const num = (name, fallback) => (env[name] !== undefined && env[name] !== "" && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback);
const CONFIG = {
  port: num("API_BENCH_PORT", 3996),
  concurrency: (env.API_BENCH_CONCURRENCY ?? "1,16,64").split(",").map(Number).filter((n) => n > 0),
  seconds: num("API_BENCH_SECONDS", 10),
  warmupSeconds: 2,
  setups: (env.API_BENCH_SETUPS ?? "sqlite,replicas").split(",").filter(Boolean),
  pgUrl: env.API_BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  redisUrl: env.API_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  preset: env.API_BENCH_PRESET ?? "fast",
  distDir: env.NEXT_DIST_DIR ?? ".next",
  tfBackend: env.STUDIO_API_TF_BACKEND === "cpu" ? "cpu" : "wasm",
  imageCallers: 2,
  textWithImages: 16,
};

function readTexts(csvFile) {
  // test.csv: text,category; texts may be quoted. A tiny CSV reader is enough for this file.
  const out = [];
  for (const line of fs.readFileSync(csvFile, "utf8").split(/\r?\n/).slice(1)) {
    if (!line) continue;
    const m = /^"((?:[^"]|"")*)",/.exec(line);
    out.push(m ? m[1].replace(/""/g, '"') : line.slice(0, line.lastIndexOf(",")));
  }
  return out;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * Starts `concurrency` keep-alive connections, connection i sending to urls[i % urls.length] (a
 * round-robin proxy), each sending its next request when the previous answer arrived. Returns a
 * handle: `measure(seconds)` collects statistics for that long; `stop()` ends the connections.
 */
function loader({ urls, method = "POST", headers = {}, makeBody, concurrency }) {
  const agents = urls.map(() => new http.Agent({ keepAlive: true, maxSockets: concurrency }));
  const targets = urls.map((u) => new URL(u));
  let window = null;
  let stopped = false;
  const once = (c) =>
    new Promise((resolve) => {
      const t = c % targets.length;
      const body = makeBody ? makeBody() : null;
      const started = process.hrtime.bigint();
      const h = { ...headers };
      if (body) {
        h["content-type"] = "application/json";
        h["content-length"] = Buffer.byteLength(body.text);
      }
      const req = http.request({ agent: agents[t], hostname: targets[t].hostname, port: targets[t].port, path: targets[t].pathname, method, headers: h }, (res) => {
        const chunks = [];
        res.on("data", (x) => chunks.push(x));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const w = window;
          if (w) {
            w.statuses[res.statusCode] = (w.statuses[res.statusCode] ?? 0) + 1;
            if (res.statusCode === 200) {
              w.latencies.push(ms);
              if (body) {
                try {
                  w.modelMs.push(JSON.parse(Buffer.concat(chunks).toString("utf8")).latencyMs);
                } catch {}
              }
            }
          }
          resolve();
        });
      });
      req.on("error", () => {
        if (window) window.statuses.error = (window.statuses.error ?? 0) + 1;
        resolve();
      });
      req.end(body?.text);
    });
  const workers = Array.from({ length: concurrency }, async (_, c) => {
    while (!stopped) await once(c);
  });
  return {
    async measure(seconds) {
      const w = { latencies: [], modelMs: [], statuses: {} };
      window = w;
      const t0 = process.hrtime.bigint();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      window = null;
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      w.latencies.sort((a, b) => a - b);
      w.modelMs.sort((a, b) => a - b);
      return {
        concurrency,
        requests: w.latencies.length,
        statuses: w.statuses,
        requestsPerS: w.latencies.length / elapsed,
        p50: percentile(w.latencies, 50),
        p99: percentile(w.latencies, 99),
        modelP50: percentile(w.modelMs, 50),
        loadAverage1m: os.loadavg()[0],
      };
    },
    async stop() {
      stopped = true;
      await Promise.all(workers);
      for (const a of agents) a.destroy();
    },
  };
}

/** Warm-up, then one measured window, then stop. */
async function measureAlone(opts, seconds) {
  const l = loader(opts);
  await new Promise((r) => setTimeout(r, CONFIG.warmupSeconds * 1000));
  const r = await l.measure(seconds);
  await l.stop();
  return r;
}

const ms = (x) => (x === null || x === undefined ? null : x.toFixed(1));
const ratio = (a, b) => (a && b ? a / b : null);

/** Starts the servers of a setup; returns their base URLs, a signed-in client of the first, and stop(). */
async function startSetup(setup, root, log) {
  const common = { NEXT_DIST_DIR: CONFIG.distDir, STUDIO_API_RATE_LIMIT: "1000000000", STUDIO_API_TF_BACKEND: CONFIG.tfBackend };
  if (setup === "sqlite") {
    const server = await startServer(root, { port: CONFIG.port, env: common });
    return { bases: [server.base], client: server.client, stop: () => server.stop(), describe: "1 process, SQLite (WAL) + local disk" };
  }
  const dbName = `studio_bench_api_${process.pid}`;
  const databaseUrl = await createDatabase(CONFIG.pgUrl, dbName, { replace: true });
  const s3 = await startS3Server({ bucket: "bench" });
  const shared = { ...common, DATABASE_URL: databaseUrl, REDIS_URL: CONFIG.redisUrl, STUDIO_REDIS_PREFIX: `bench-${process.pid}:`, ...s3.env };
  log("starting replica 1…");
  const a = await startServer(root, { port: CONFIG.port + 1, env: shared });
  log("starting replica 2…");
  const b = await startServer(root, { port: CONFIG.port + 2, env: { ...shared, STUDIO_SIGNUP_LIMIT: "1000" } });
  return {
    bases: [a.base, b.base],
    client: a.client,
    stop: async () => {
      await a.stop();
      await b.stop();
      await s3.close();
      await dropDatabase(CONFIG.pgUrl, dbName);
    },
    describe: "2 replicas, PostgreSQL 15 + Redis 7 + S3 (s3rver), connections spread over both",
  };
}

async function benchSetup(setup, { root, log, bundleFile, imageBundleFile, imageInputsFile, texts }) {
  log(`setup ${setup}: starting…`);
  const s = await startSetup(setup, root, log);
  try {
    const { client } = s;
    const p = await client("POST", "/api/projects", { name: `bench-api-${setup}`, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "api"] });
    if (p.status !== 201) throw new Error(`create project failed: ${p.status} ${p.text}`);
    const saved = await client("POST", `/api/projects/${p.json.project.id}/models`, new Uint8Array(fs.readFileSync(bundleFile)), { "content-type": "application/octet-stream" });
    if (saved.status !== 201) throw new Error(`saving the model failed: ${saved.status} ${saved.text}`);
    const k = await client("POST", `/api/projects/${p.json.project.id}/api-keys`, { name: "bench" });
    if (k.status !== 201) throw new Error(`creating a key failed: ${k.status} ${k.text}`);
    const urls = s.bases.map((b) => `${b}/api/v1/models/${k.json.slug}/predict`);
    const headers = { authorization: `Bearer ${k.json.secret}` };
    let i = 0;
    const one = () => ({ text: JSON.stringify({ input: texts[i++ % texts.length] }) });
    // First call per replica: the bundle is read from the blob store and loaded.
    for (const url of urls) {
      const r = await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: one().text });
      if (r.status !== 200) throw new Error(`first call failed: ${r.status} ${await r.text()}`);
    }
    const trivial = s.bases.map((b) => `${b}/api/health`);
    const levels = [];
    for (const c of CONFIG.concurrency) {
      log(`${setup}: trivial route, ${c} connections…`);
      const ceiling = await measureAlone({ urls: trivial, method: "GET", concurrency: c }, CONFIG.seconds);
      log(`${setup}: predict, ${c} connections…`);
      const predict = await measureAlone({ urls, headers, makeBody: one, concurrency: c }, CONFIG.seconds);
      log(JSON.stringify({ c, ceiling: [ceiling.requestsPerS, ceiling.p99], predict: [predict.requestsPerS, predict.p99] }));
      levels.push({ concurrency: c, ceiling, predict });
    }

    // Pictures from 2 callers while text runs at 16 connections; the ceiling at 16 for comparison.
    const ip = await client("POST", "/api/projects", { name: `bench-api-image-${setup}`, scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["api"] });
    const isaved = await client("POST", `/api/projects/${ip.json.project.id}/models`, new Uint8Array(fs.readFileSync(imageBundleFile)), { "content-type": "application/octet-stream" });
    if (isaved.status !== 201) throw new Error(`saving the image model failed: ${isaved.status} ${isaved.text}`);
    const ik = await client("POST", `/api/projects/${ip.json.project.id}/api-keys`, { name: "bench" });
    const iurls = s.bases.map((b) => `${b}/api/v1/models/${ik.json.slug}/predict`);
    const iheaders = { authorization: `Bearer ${ik.json.secret}` };
    const pictures = JSON.parse(fs.readFileSync(imageInputsFile, "utf8"));
    let j = 0;
    const picture = () => ({ text: JSON.stringify({ input: pictures[j++ % pictures.length] }) });
    for (const url of iurls) {
      const r = await fetch(url, { method: "POST", headers: { ...iheaders, "content-type": "application/json" }, body: picture().text });
      if (r.status !== 200) throw new Error(`first image call failed: ${r.status} ${await r.text()}`);
    }
    log(`${setup}: text at ${CONFIG.textWithImages} connections with ${CONFIG.imageCallers} picture callers…`);
    const ceiling16 = levels.find((l) => l.concurrency === CONFIG.textWithImages)?.ceiling ?? (await measureAlone({ urls: trivial, method: "GET", concurrency: CONFIG.textWithImages }, CONFIG.seconds));
    const images = loader({ urls: iurls, headers: iheaders, makeBody: picture, concurrency: CONFIG.imageCallers });
    const text = loader({ urls, headers, makeBody: one, concurrency: CONFIG.textWithImages });
    await new Promise((r) => setTimeout(r, CONFIG.warmupSeconds * 1000));
    const [textWhile, imagesWhile] = await Promise.all([text.measure(CONFIG.seconds), images.measure(CONFIG.seconds)]);
    await Promise.all([text.stop(), images.stop()]);
    log(JSON.stringify({ textWhile: [textWhile.requestsPerS, textWhile.p99], images: [imagesWhile.requestsPerS, imagesWhile.p99] }));
    return { setup, describe: s.describe, levels, mixed: { ceiling: ceiling16, text: textWhile, images: imagesWhile } };
  } finally {
    await s.stop();
  }
}

export async function run({ root, datasets, log }) {
  const trainCsv = path.join(datasets, "banking77", "train.csv");
  const testCsv = path.join(datasets, "banking77", "test.csv");
  if (!fs.existsSync(trainCsv) || !fs.existsSync(testCsv)) return { skipped: `banking77 not found under ${datasets}` };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "api-bench-"));
  const bundleFile = path.join(tmp, "banking77.bundle");
  log(`training the banking77 model in Node (preset ${CONFIG.preset})…`);
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const trained = spawnSync(process.execPath, [tsx, "bench/support/train-text-bundle.ts", trainCsv, bundleFile, CONFIG.preset], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (trained.status !== 0) throw new Error(`training failed: ${trained.stderr}`);
  const model = JSON.parse(trained.stdout.trim().split("\n").at(-1));
  log(`trained: ${JSON.stringify(model)}`);
  const imageBundleFile = path.join(tmp, "image.bundle");
  const imageInputsFile = path.join(tmp, "images.json");
  const r = spawnSync(process.execPath, [tsx, "bench/support/train-image-bundle.ts", imageBundleFile, imageInputsFile], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`image model failed: ${r.stderr}`);
  const imageModel = JSON.parse(r.stdout.trim().split("\n").at(-1));

  const results = [];
  try {
    for (const setup of CONFIG.setups) results.push(await benchSetup(setup, { root, log, bundleFile, imageBundleFile, imageInputsFile, texts: readTexts(testCsv) }));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const verdict = (ok) => (ok ? "yes" : "**no**");
  const tables = [];
  for (const res of results) {
    tables.push({
      title: `${res.describe}: text predict next to the trivial route (GET /api/health) of the same server`,
      columns: ["connections", "trivial req/s", "trivial p99 ms", "predict req/s", "predict p50 ms", "predict p99 ms", "throughput / ceiling", "p99 / ceiling p99", "target met (≥ 0.70, ≤ 1.5)", "model time p50 ms", "answers", "load avg (1 min)"],
      rows: res.levels.map((l) => {
        const t = ratio(l.predict.requestsPerS, l.ceiling.requestsPerS);
        const q = ratio(l.predict.p99, l.ceiling.p99);
        const statuses = Object.entries(l.predict.statuses).map(([k, v]) => `${k}: ${v}`).join(", ");
        return [l.concurrency, l.ceiling.requestsPerS.toFixed(0), ms(l.ceiling.p99), l.predict.requestsPerS.toFixed(0), ms(l.predict.p50), ms(l.predict.p99), t?.toFixed(2), q?.toFixed(2), verdict(t >= 0.7 && q <= 1.5), ms(l.predict.modelP50), statuses, l.predict.loadAverage1m.toFixed(2)];
      }),
    });
    const m = res.mixed;
    const q = ratio(m.text.p99, m.ceiling.p99);
    tables.push({
      title: `${res.describe}: text at ${CONFIG.textWithImages} connections while ${CONFIG.imageCallers} callers send pictures`,
      columns: ["text req/s", "text p50 ms", "text p99 ms", "ceiling p99 ms (trivial, 16 conn.)", "text p99 / ceiling p99", "target met (≤ 1.5)", "pictures/s", "picture p50 ms", "picture p99 ms", "picture model time p50 ms", "load avg (1 min)"],
      rows: [[m.text.requestsPerS.toFixed(0), ms(m.text.p50), ms(m.text.p99), ms(m.ceiling.p99), q?.toFixed(2), verdict(q <= 1.5), m.images.requestsPerS.toFixed(2), ms(m.images.p50), ms(m.images.p99), ms(m.images.modelP50), m.text.loadAverage1m.toFixed(2)]],
    });
  }
  tables.at(-1).notes = [
    `Text model: banking77 intents (ngram-bag, 77 classes) trained in Node on ${model.rows} rows (preset ${CONFIG.preset}), bundle ${(model.bundleBytes / 2 ** 20).toFixed(1)} MB; inputs: banking77 test.csv texts in turn. Pictures: a MobileNetV2-transfer head on 224×224 PNGs of about ${Math.round(imageModel.pngBytes / 1024)} KB, scored on the inference threads.`,
    `${CONFIG.seconds} s measured per row after ${CONFIG.warmupSeconds} s of warm-up, latency measured by the client (request written → whole answer read) over keep-alive connections. The load generator, the servers, PostgreSQL, Redis and the S3 server share this machine's cores: see the load average.`,
    `The ceiling is GET /api/health of the same servers at the same concurrency, measured just before: the cost of Node, Next.js and HTTP alone. Predict calls take the server's direct lane (scripts/direct-lane.mjs: the route's own handler without Next's router; STUDIO_DIRECT_API=0 sends them through Next), so a ratio above 1 means predict costs less than Next's cheapest route. Predict adds the key check (cached per process, dropped on changes), the per-key limit (memory on SQLite, Redis for replicas), the model, and the write-behind usage record.`,
  ];
  return { config: CONFIG, model, imageModel, results, tables };
}
