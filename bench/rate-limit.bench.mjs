// Issue 11 benchmark: the REST API's per-key rate limit (60 calls per 60 s) under a burst of 300
// parallel calls with one key, and how responsive the server stays for everyone else meanwhile.
// (The exact 60/240 split is a test: app/api/security/rest-api.test.ts. This measures the load.)
//
//  1. A small intent bot is trained in Node (bench/support/train-text-bundle.ts on a generated CSV).
//  2. The production app starts on a throw-away DATA_DIR (bench/server.mjs, as `npm start`), with
//     the default rate limit. Owner A saves the model and makes one API key per burst; user B (another
//     account) saves the same model in a project of theirs and makes one key.
//  3. Baseline: for RATE_BENCH_BASELINE_S seconds, B calls predict with B's key in a closed loop and,
//     on a second connection, loads B's project list (a studio request with a session).
//  4. Bursts: RATE_BENCH_BURSTS times, 300 calls with a fresh key of A are sent at once (each on its
//     own connection) while B's two loops keep running; B's latencies during each burst are kept.
//
// Reports statuses of the bursts (exactly 60 × 200 expected, the rest 429 with Retry-After), the
// burst's wall time, and B's latency percentiles at rest and during the bursts, with the machine's
// load average. Asserts nothing about time.
//
// `node scripts/bench.mjs rate-limit`. Environment:
//   RATE_BENCH_PORT          3997   port of the app server
//   RATE_BENCH_BURST         300    calls per burst
//   RATE_BENCH_BURSTS        3      bursts
//   RATE_BENCH_BASELINE_S    5      seconds of baseline
//   NEXT_DIST_DIR            .next  build folder
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { startServer } from "./server.mjs";

const num = (name, fallback) => (process.env[name] && Number.isFinite(Number(process.env[name])) ? Number(process.env[name]) : fallback);
const CONFIG = {
  port: num("RATE_BENCH_PORT", 3997),
  burst: num("RATE_BENCH_BURST", 300),
  bursts: num("RATE_BENCH_BURSTS", 3),
  baselineSeconds: num("RATE_BENCH_BASELINE_S", 5),
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

const INTENTS = {
  balance: ["what is my balance", "how much money do I have", "show my balance", "account balance please", "balance?"],
  lost_card: ["I lost my card", "my card was stolen", "block my card", "card is gone", "lost credit card"],
  transfer: ["send money to a friend", "transfer 50 to Anna", "make a transfer", "pay my rent", "move money to savings"],
};

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(latencies) {
  const s = [...latencies].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) ?? null };
}

/** One request on its own connection (the burst) or on `agent`; resolves with status, headers and ms. */
function request(url, { method = "POST", headers = {}, body, agent }) {
  const target = new URL(url);
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      { hostname: target.hostname, port: target.port, path: target.pathname + target.search, method, agent: agent ?? false, headers: { ...headers, ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.on("error", (e) => resolve({ status: "error", headers: {}, ms: Number(process.hrtime.bigint() - started) / 1e6, error: e.message }));
    req.end(body);
  });
}

/** Requests one after another, one started every `intervalMs` at most, until stopped; latencies tagged by phase. */
function loop(make, intervalMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = [];
  let phase = "baseline";
  let stopped = false;
  const done = (async () => {
    for (let i = 0; !stopped; i++) {
      const started = performance.now();
      const r = await make(agent, i);
      samples.push({ phase, ms: r.ms, status: r.status });
      const wait = intervalMs - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    agent.destroy();
  })();
  return {
    set phase(p) {
      phase = p;
    },
    samples,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

async function signUp(base, email) {
  const r = await fetch(`${base}/api/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: "bench-pass-1" }) });
  if (r.status !== 201) throw new Error(`sign-up failed: ${r.status} ${await r.text()}`);
  return r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

async function projectWithKey(base, cookie, bundle, name) {
  const json = { "content-type": "application/json", cookie };
  const p = await fetch(`${base}/api/projects`, { method: "POST", headers: json, body: JSON.stringify({ name, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "api"] }) });
  if (p.status !== 201) throw new Error(`create project failed: ${p.status} ${await p.text()}`);
  const id = (await p.json()).project.id;
  const saved = await fetch(`${base}/api/projects/${id}/models`, { method: "POST", headers: { cookie, "content-type": "application/octet-stream" }, body: bundle });
  if (saved.status !== 201) throw new Error(`saving the model failed: ${saved.status} ${await saved.text()}`);
  const newKey = async () => {
    const k = await fetch(`${base}/api/projects/${id}/api-keys`, { method: "POST", headers: json, body: JSON.stringify({ name: "bench" }) });
    if (k.status !== 201) throw new Error(`creating a key failed: ${k.status} ${await k.text()}`);
    return k.json();
  };
  return { id, newKey };
}

const ms = (x) => (x === null || x === undefined ? null : x.toFixed(1));

export async function run({ root, log }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rate-bench-"));
  const csv = path.join(tmp, "intents.csv");
  const rows = Object.entries(INTENTS).flatMap(([label, texts]) => texts.flatMap((t) => [t, `${t} please`, `hi, ${t}`].map((x) => `"${x}",${label}`)));
  fs.writeFileSync(csv, `text,category\n${rows.join("\n")}\n`);
  const bundleFile = path.join(tmp, "bot.bundle");
  log("training a small intent bot in Node…");
  const trained = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "bench/support/train-text-bundle.ts", csv, bundleFile, "fast"], { cwd: root, encoding: "utf8" });
  if (trained.status !== 0) throw new Error(`training failed: ${trained.stderr}`);
  const bundle = fs.readFileSync(bundleFile);

  log(`starting the app on port ${CONFIG.port} (NEXT_DIST_DIR=${CONFIG.distDir}; default rate limit)…`);
  const server = await startServer(root, { port: CONFIG.port, env: { NEXT_DIST_DIR: CONFIG.distDir, STUDIO_API_RATE_LIMIT: "", STUDIO_API_TF_BACKEND: "wasm" } });
  const bursts = [];
  const loadAverage = { start: os.loadavg().map((x) => Number(x.toFixed(2))) };
  let other;
  let studio;
  try {
    const cookieA = await signUp(server.base, `bench-a-${Date.now()}@example.test`);
    const cookieB = await signUp(server.base, `bench-b-${Date.now()}@example.test`);
    const a = await projectWithKey(server.base, cookieA, bundle, "burst");
    const b = await projectWithKey(server.base, cookieB, bundle, "other user");
    // B calls every 50 ms (20 a second) round-robin over 10 keys of its own, so B's own limit
    // (60 a minute per key) is never what B measures.
    const keysB = [];
    for (let i = 0; i < 10; i++) keysB.push(await b.newKey());
    const predictUrl = (slug) => `${server.base}/api/v1/models/${slug}/predict`;
    const body = JSON.stringify({ input: "I lost my card" });
    // Warm: B's model is loaded before anything is measured.
    await request(predictUrl(keysB[0].slug), { headers: { authorization: `Bearer ${keysB[0].secret}` }, body });

    other = loop((agent, i) => {
      const k = keysB[i % keysB.length];
      return request(predictUrl(k.slug), { headers: { authorization: `Bearer ${k.secret}` }, body, agent });
    }, 50);
    studio = loop((agent) => request(`${server.base}/api/projects`, { method: "GET", headers: { cookie: cookieB }, agent }), 50);
    log(`baseline ${CONFIG.baselineSeconds} s…`);
    await new Promise((r) => setTimeout(r, CONFIG.baselineSeconds * 1000));
    let bLimited = 0;
    for (let i = 0; i < CONFIG.bursts; i++) {
      const keyA = await a.newKey();
      await request(predictUrl(keyA.slug), { headers: { authorization: `Bearer ${keyA.secret}` }, body }); // loads A's model; counts 1
      other.phase = studio.phase = `burst ${i + 1}`;
      const t0 = performance.now();
      const answers = await Promise.all(Array.from({ length: CONFIG.burst }, () => request(predictUrl(keyA.slug), { headers: { authorization: `Bearer ${keyA.secret}` }, body })));
      const wallMs = performance.now() - t0;
      other.phase = studio.phase = "between";
      const statuses = {};
      for (const r of answers) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      const retryAfter = answers.filter((r) => r.status === 429).map((r) => Number(r.headers["retry-after"]));
      bursts.push({
        burst: i + 1,
        calls: CONFIG.burst,
        statuses,
        allRefusedHaveRetryAfter: retryAfter.every((s) => s >= 1 && s <= 60),
        wallMs,
        burstP50: summary(answers.map((r) => r.ms)).p50,
        burstMax: summary(answers.map((r) => r.ms)).max,
        loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
      });
      log(JSON.stringify(bursts.at(-1)));
      bLimited = other.samples.filter((x) => x.status === 429).length;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await other.stop();
    await studio.stop();
    if (bLimited) log(`note: B's own keys were limited ${bLimited} times`);
  } finally {
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  loadAverage.end = os.loadavg().map((x) => Number(x.toFixed(2)));

  const phases = ["baseline", ...bursts.map((x) => `burst ${x.burst}`)];
  const latencyRows = [];
  for (const [what, l] of [["B: REST predict (own key)", other], ["B: studio GET /api/projects", studio]]) {
    for (const phase of phases) {
      const s = summary(l.samples.filter((x) => x.phase === phase && x.status !== "error").map((x) => x.ms));
      const statuses = {};
      for (const x of l.samples.filter((y) => y.phase === phase)) statuses[x.status] = (statuses[x.status] ?? 0) + 1;
      latencyRows.push({ what, phase, ...s, statuses });
    }
  }
  return {
    config: CONFIG,
    loadAverage,
    bursts,
    latency: latencyRows,
    tables: [
      {
        title: `Bursts of ${CONFIG.burst} parallel predict calls with one fresh key (limit 60 per 60 s)`,
        columns: ["burst", "200", "429", "other", "Retry-After on every 429", "wall ms", "p50 ms", "max ms", "load 1m"],
        rows: bursts.map((x) => [x.burst, x.statuses[200] ?? 0, x.statuses[429] ?? 0, x.calls - (x.statuses[200] ?? 0) - (x.statuses[429] ?? 0), x.allRefusedHaveRetryAfter ? "yes" : "no", ms(x.wallMs), ms(x.burstP50), ms(x.burstMax), x.loadAverage1m]),
        notes: ["The first call of each key (before the burst) loads nothing new but counts: the burst itself can have at most 59 answers."],
      },
      {
        title: "Another user meanwhile (one request every 50 ms at most, one connection each; REST round-robin over 10 keys)",
        columns: ["request", "phase", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "statuses"],
        rows: latencyRows.map((r) => [r.what, r.phase, r.n, ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max), JSON.stringify(r.statuses)]),
        notes: [`Load average (1, 5, 15 min) at start ${loadAverage.start.join(", ")}, at end ${loadAverage.end.join(", ")}; ${os.cpus().length} cores.`],
      },
    ],
  };
}
