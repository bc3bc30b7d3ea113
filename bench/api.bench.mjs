// Issue 5 benchmark: latency and throughput of the REST API (POST /api/v1/models/{slug}/predict)
// under concurrent load.
//
//  1. A banking77 intent model (ngram-bag, 77 classes) is trained in Node on train.csv
//     (bench/support/train-text-bundle.ts through tsx, tfjs "cpu" backend).
//  2. The production app starts on a throw-away DATA_DIR (bench/server.mjs, the same script as
//     `npm start`), with the per-key rate limit raised by STUDIO_API_RATE_LIMIT; a user, a project,
//     the model version (through POST /api/projects/:id/models) and an API key are created.
//  3. A local load generator (node:http, keep-alive agent, N connections each sending its next
//     request when the previous answer arrived) sends test.csv texts for a fixed time per
//     concurrency level. Latency is client-side: request written → whole answer read.
//
//  4. An image model: a MobileNetV2-transfer head (bench/support/train-image-bundle.ts; synthetic
//     features: the cost of a prediction does not depend on the head's weights) called with
//     224×224 PNGs as data URLs: PNG decode + MobileNetV2 forward pass + head.
//
// `node scripts/bench.mjs api`. Budgets and choices (environment variables):
//   API_BENCH_PORT          3996          port of the app server
//   API_BENCH_CONCURRENCY   1,4,16,32     connections per level
//   API_BENCH_SECONDS       15            measured seconds per level (after 2 s of warm-up)
//   API_BENCH_BATCH         32            inputs per call in the batch run (0 = skip)
//   API_BENCH_PRESET        fast          training preset of the text model
//   API_BENCH_IMAGE_CONCURRENCY 1,4       connections per level for the image model (empty = skip)
//   NEXT_DIST_DIR           .next         build folder (shared with the e2e tests: no second build)
//   STUDIO_API_TF_BACKEND   wasm          tfjs backend of the server (wasm or cpu)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { startServer } from "./server.mjs";

const env = process.env;
const num = (name, fallback) => (env[name] !== undefined && env[name] !== "" && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback);
const CONFIG = {
  port: num("API_BENCH_PORT", 3996),
  concurrency: (env.API_BENCH_CONCURRENCY ?? "1,4,16,32").split(",").map(Number).filter((n) => n > 0),
  seconds: num("API_BENCH_SECONDS", 15),
  warmupSeconds: 2,
  batch: num("API_BENCH_BATCH", 32),
  preset: env.API_BENCH_PRESET ?? "fast",
  imageConcurrency: (env.API_BENCH_IMAGE_CONCURRENCY ?? "1,4").split(",").map(Number).filter((n) => n > 0),
  distDir: env.NEXT_DIST_DIR ?? ".next",
  tfBackend: env.STUDIO_API_TF_BACKEND === "cpu" ? "cpu" : "wasm",
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

/** Sends `makeBody()` to `url` from `concurrency` keep-alive connections for `seconds`. */
async function load({ url, headers, makeBody, concurrency, seconds, warmupSeconds }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies = [];
  const modelMs = [];
  const statuses = {};
  let measuring = false;
  let stop = false;
  let items = 0;

  const once = () =>
    new Promise((resolve) => {
      const body = makeBody();
      const started = process.hrtime.bigint();
      const req = http.request(
        { agent, hostname: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body.text) } },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            if (measuring) {
              statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
              if (res.statusCode === 200) {
                latencies.push(ms);
                items += body.items;
                try {
                  modelMs.push(JSON.parse(Buffer.concat(chunks).toString("utf8")).latencyMs);
                } catch {}
              }
            }
            resolve();
          });
        },
      );
      req.on("error", () => {
        if (measuring) statuses.error = (statuses.error ?? 0) + 1;
        resolve();
      });
      req.end(body.text);
    });

  const worker = async () => {
    while (!stop) await once();
  };
  const workers = Array.from({ length: concurrency }, worker);
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  measuring = true;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  modelMs.sort((a, b) => a - b);
  return {
    concurrency,
    requests: latencies.length,
    statuses,
    elapsedS: elapsed,
    requestsPerS: latencies.length / elapsed,
    itemsPerS: items / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? null,
    modelP50: percentile(modelMs, 50),
  };
}

const ms = (x) => (x === null || x === undefined ? null : x.toFixed(1));

export async function run({ root, datasets, log }) {
  const trainCsv = path.join(datasets, "banking77", "train.csv");
  const testCsv = path.join(datasets, "banking77", "test.csv");
  if (!fs.existsSync(trainCsv) || !fs.existsSync(testCsv)) return { skipped: `banking77 not found under ${datasets}` };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "api-bench-"));
  const bundleFile = path.join(tmp, "banking77.bundle");
  log(`training the banking77 model in Node (preset ${CONFIG.preset})…`);
  const trained = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "bench/support/train-text-bundle.ts", trainCsv, bundleFile, CONFIG.preset], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (trained.status !== 0) throw new Error(`training failed: ${trained.stderr}`);
  const model = JSON.parse(trained.stdout.trim().split("\n").at(-1));
  log(`trained: ${JSON.stringify(model)}`);
  let imageModel = null;
  const imageBundleFile = path.join(tmp, "image.bundle");
  const imageInputsFile = path.join(tmp, "images.json");
  if (CONFIG.imageConcurrency.length) {
    const r = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "bench/support/train-image-bundle.ts", imageBundleFile, imageInputsFile], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`image model failed: ${r.stderr}`);
    imageModel = JSON.parse(r.stdout.trim().split("\n").at(-1));
    log(`image model: ${JSON.stringify(imageModel)}`);
  }

  log(`starting the app on port ${CONFIG.port} (NEXT_DIST_DIR=${CONFIG.distDir}; builds first when sources changed)…`);
  const serverStarted = Date.now();
  const server = await startServer(root, { port: CONFIG.port, env: { NEXT_DIST_DIR: CONFIG.distDir, STUDIO_API_RATE_LIMIT: "1000000000", STUDIO_API_TF_BACKEND: CONFIG.tfBackend } });
  const serverStartMs = Date.now() - serverStarted;
  const rows = [];
  const imageRows = [];
  let batchRow = null;
  let coldMs = null;
  let imageColdMs = null;
  try {
    const { client } = server;
    const p = await client("POST", "/api/projects", { name: "bench-api-banking77", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "api"] });
    if (p.status !== 201) throw new Error(`create project failed: ${p.status} ${p.text}`);
    const id = p.json.project.id;
    const saved = await client("POST", `/api/projects/${id}/models`, new Uint8Array(fs.readFileSync(bundleFile)), { "content-type": "application/octet-stream" });
    if (saved.status !== 201) throw new Error(`saving the model failed: ${saved.status} ${saved.text}`);
    const k = await client("POST", `/api/projects/${id}/api-keys`, { name: "bench" });
    if (k.status !== 201) throw new Error(`creating a key failed: ${k.status} ${k.text}`);
    const url = `${server.base}/api/v1/models/${k.json.slug}/predict`;
    const headers = { authorization: `Bearer ${k.json.secret}` };
    const texts = readTexts(testCsv);
    let i = 0;
    const one = () => ({ text: JSON.stringify({ input: texts[i++ % texts.length] }), items: 1 });

    // First call: the bundle is read from the blob store and loaded into tfjs.
    const t0 = performance.now();
    const first = await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: one().text });
    coldMs = performance.now() - t0;
    if (first.status !== 200) throw new Error(`first call failed: ${first.status} ${await first.text()}`);
    log(`first (cold) call: ${coldMs.toFixed(0)} ms`);

    for (const c of CONFIG.concurrency) {
      log(`concurrency ${c}: ${CONFIG.seconds} s…`);
      const r = await load({ url, headers, makeBody: one, concurrency: c, seconds: CONFIG.seconds, warmupSeconds: CONFIG.warmupSeconds });
      r.loadAverage1m = os.loadavg()[0];
      log(JSON.stringify(r));
      rows.push(r);
    }
    if (CONFIG.batch > 0) {
      const batch = () => ({ text: JSON.stringify({ inputs: Array.from({ length: CONFIG.batch }, () => texts[i++ % texts.length]) }), items: CONFIG.batch });
      log(`batches of ${CONFIG.batch}, concurrency 4: ${CONFIG.seconds} s…`);
      batchRow = await load({ url, headers, makeBody: batch, concurrency: 4, seconds: CONFIG.seconds, warmupSeconds: CONFIG.warmupSeconds });
      batchRow.loadAverage1m = os.loadavg()[0];
      log(JSON.stringify(batchRow));
    }
    if (imageModel) {
      const ip = await client("POST", "/api/projects", { name: "bench-api-image", scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["api"] });
      if (ip.status !== 201) throw new Error(`create image project failed: ${ip.status} ${ip.text}`);
      const iid = ip.json.project.id;
      const isaved = await client("POST", `/api/projects/${iid}/models`, new Uint8Array(fs.readFileSync(imageBundleFile)), { "content-type": "application/octet-stream" });
      if (isaved.status !== 201) throw new Error(`saving the image model failed: ${isaved.status} ${isaved.text}`);
      const ik = await client("POST", `/api/projects/${iid}/api-keys`, { name: "bench" });
      const iurl = `${server.base}/api/v1/models/${ik.json.slug}/predict`;
      const iheaders = { authorization: `Bearer ${ik.json.secret}` };
      const pictures = JSON.parse(fs.readFileSync(imageInputsFile, "utf8"));
      let j = 0;
      const picture = () => ({ text: JSON.stringify({ input: pictures[j++ % pictures.length] }), items: 1 });
      const t1 = performance.now();
      const firstImage = await fetch(iurl, { method: "POST", headers: { ...iheaders, "content-type": "application/json" }, body: picture().text });
      imageColdMs = performance.now() - t1;
      if (firstImage.status !== 200) throw new Error(`first image call failed: ${firstImage.status} ${await firstImage.text()}`);
      log(`first (cold) image call, loads MobileNetV2: ${imageColdMs.toFixed(0)} ms`);
      for (const c of CONFIG.imageConcurrency) {
        log(`image, concurrency ${c}: ${CONFIG.seconds} s…`);
        const r = await load({ url: iurl, headers: iheaders, makeBody: picture, concurrency: c, seconds: CONFIG.seconds, warmupSeconds: CONFIG.warmupSeconds });
        r.loadAverage1m = os.loadavg()[0];
        log(JSON.stringify(r));
        imageRows.push(r);
      }
    }
  } finally {
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const statusText = (s) => Object.entries(s).map(([k, v]) => `${k}: ${v}`).join(", ");
  return {
    config: CONFIG,
    model: model,
    serverStartMs,
    coldFirstCallMs: coldMs,
    levels: rows,
    batch: batchRow,
    imageModel,
    imageColdFirstCallMs: imageColdMs,
    imageLevels: imageRows,
    tables: [
      {
        title: "Text model (banking77 intents, ngram-bag, 77 classes): one input per call",
        columns: ["connections", "requests", "answers", "throughput (req/s)", "p50 ms", "p95 ms", "p99 ms", "max ms", "model time p50 ms", "load avg (1 min)"],
        rows: rows.map((r) => [r.concurrency, r.requests, statusText(r.statuses), r.requestsPerS.toFixed(1), ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max), ms(r.modelP50), r.loadAverage1m?.toFixed(2)]),
        notes: [
          `Model: trained in Node on ${model.rows} rows of banking77 train.csv (preset ${CONFIG.preset}), bundle ${(model.bundleBytes / 2 ** 20).toFixed(1)} MB; served by the production build on the tfjs "${CONFIG.tfBackend}" backend (no native add-on).`,
          `Inputs: banking77 test.csv texts in turn. ${CONFIG.seconds} s measured per level after ${CONFIG.warmupSeconds} s of warm-up; latency measured by the client from sending the request to reading the whole answer, over keep-alive connections.`,
          `Each call also checks the key (SHA-256 lookup), counts the rate limit in SQLite and, after answering, records a PredictionEvent and the key's last use.`,
          `The load generator runs on the same machine as the server (they share the CPU, and other work ran on it: see the load average). First call after start (loads the bundle): ${ms(coldMs)} ms.`,
          `"model time" is the latencyMs the API reports (tfjs only); the rest is HTTP, Next.js, the key lookup and the rate-limit commit in SQLite (journal_mode DELETE, synchronous FULL: one fsync per request).`,
        ],
      },
      ...(batchRow
        ? [
            {
              title: `Batches: ${CONFIG.batch} inputs per call, 4 connections`,
              columns: ["calls", "answers", "calls/s", "inputs/s", "p50 ms", "p95 ms", "p99 ms", "model time p50 ms"],
              rows: [[batchRow.requests, statusText(batchRow.statuses), batchRow.requestsPerS.toFixed(1), batchRow.itemsPerS.toFixed(0), ms(batchRow.p50), ms(batchRow.p95), ms(batchRow.p99), ms(batchRow.modelP50)]],
            },
          ]
        : []),
      ...(imageModel
        ? [
            {
              title: "Image model (MobileNetV2 transfer, 10 classes): one 224×224 PNG per call",
              columns: ["connections", "requests", "answers", "throughput (req/s)", "p50 ms", "p95 ms", "p99 ms", "max ms", "model time p50 ms", "load avg (1 min)"],
              rows: imageRows.map((r) => [r.concurrency, r.requests, statusText(r.statuses), r.requestsPerS.toFixed(2), ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max), ms(r.modelP50), r.loadAverage1m?.toFixed(2)]),
              notes: [
                `Head trained on synthetic features (the cost of a prediction does not depend on its weights); inputs: 8 synthetic 224×224 RGB PNGs of about ${Math.round(imageModel.pngBytes / 1024)} KB, sent as data URLs.`,
                `"model time" covers PNG decoding (plain TypeScript), the MobileNetV2 forward pass and the head on the tfjs "${CONFIG.tfBackend}" backend. First call (loads MobileNetV2 and the head): ${ms(imageColdMs)} ms.`,
              ],
            },
          ]
        : []),
    ],
  };
}
