// Issue 11, failure 1 benchmark: the oversized-body attack against the production server.
// Before the fix, four parallel 450 MB chunked bodies (no Content-Length) to the sign-in, sign-up,
// locale and visitor-event routes took the server from 0.9 GB to 3.9 GB (4.8 GB with one
// non-Latin-1 character) and it kept 3.5 GB when idle afterwards.
//
//  1. The production app starts on a throw-away DATA_DIR (bench/server.mjs, the same script as
//     `npm start`); its pid comes from STUDIO_PID_FILE. A user, a project and an API key are made.
//  2. Each target route gets one oversized body as warm-up (route code loaded, refusal path hot).
//  3. Per round, five clients (raw node:http, bench/support/body-attack.mjs, the same client as
//     e2e/body-limits.spec.ts) POST BODY_BENCH_MB of chunked body each, in parallel, to sign-in,
//     sign-up (non-Latin-1 body), locale, visitor events and the REST API's predict (with the key),
//     writing until the answer arrives. The server's VmRSS is sampled every 20 ms.
//
// Reported, not asserted: RSS before / peak / 2 s after each round and once idle at the end, time
// to the 413 per route, bytes the client managed to send, and when the server closed the connection.
//
// `node scripts/bench.mjs body-limits`. Settings (environment variables):
//   BODY_BENCH_PORT     3993    port of the app server
//   BODY_BENCH_MB       200     body size per client (MiB)
//   BODY_BENCH_ROUNDS   3       attack rounds
//   NEXT_DIST_DIR       .next   build folder
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer } from "./server.mjs";
import { attackInParallel, rssKiB, sendOversizedBody } from "./support/body-attack.mjs";

const env = process.env;
const num = (name, fallback) => (env[name] !== undefined && env[name] !== "" && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback);
const CONFIG = {
  port: num("BODY_BENCH_PORT", 3993),
  bodyMiB: num("BODY_BENCH_MB", 200),
  rounds: num("BODY_BENCH_ROUNDS", 3),
  distDir: env.NEXT_DIST_DIR ?? ".next",
};

const MiB = (kib) => (kib === null || kib === undefined ? null : Math.round(kib / 1024));
const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(" / ");

export async function run({ root, log }) {
  const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "studio-bench-pid-")), "server.pid");
  const server = await startServer(root, { port: CONFIG.port, env: { STUDIO_PID_FILE: pidFile } });
  try {
    const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
    const { base, client } = server;
    const project = await client("POST", "/api/projects", { name: "Body limits", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "api"] });
    if (project.status !== 201) throw new Error(`project: ${project.status} ${project.text}`);
    const key = await client("POST", `/api/projects/${project.json.project.id}/api-keys`, { name: "bench" });
    if (key.status !== 201) throw new Error(`api key: ${key.status} ${key.text}`);
    const targets = [
      { path: "/api/auth/signin" },
      { path: "/api/auth/signup", headers: { "accept-language": "zh-CN" }, fill: "密码é" },
      { path: "/api/locale" },
      { path: "/api/public/events" },
      { path: `/api/v1/models/${key.json.slug}/predict`, headers: { authorization: `Bearer ${key.json.secret}` } },
    ];
    const label = (p) => (p.startsWith("/api/v1/") ? "/api/v1/models/<slug>/predict" : p);

    for (const t of targets) {
      const r = await sendOversizedBody({ base, totalBytes: 16 * 2 ** 20, ...t });
      log(`warm-up ${label(t.path)}: ${r.status ?? r.error}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const rssStartKiB = rssKiB(pid);

    const rounds = [];
    const perRoute = [];
    for (let i = 1; i <= CONFIG.rounds; i++) {
      const loadBefore = loadAverage();
      const a = await attackInParallel({ base, pid, targets, totalBytes: CONFIG.bodyMiB * 2 ** 20 });
      rounds.push([i, MiB(a.rssBeforeKiB), MiB(a.rssPeakKiB), MiB(a.rssPeakKiB - a.rssBeforeKiB), MiB(a.rssAfterKiB), a.wallMs, loadBefore]);
      for (const r of a.results) {
        perRoute.push([i, label(r.path), r.status ?? `error ${r.error}`, r.msToResponse, Math.round(r.bytesSent / 1024), r.serverClosedAfterMs, r.headers.connection ?? null]);
      }
      log(`round ${i}: RSS ${MiB(a.rssBeforeKiB)} → peak ${MiB(a.rssPeakKiB)} → ${MiB(a.rssAfterKiB)} MiB; 413 after ${a.results.map((r) => r.msToResponse).join(", ")} ms`);
    }
    await new Promise((r) => setTimeout(r, 10_000));
    const rssIdleKiB = rssKiB(pid);

    return {
      config: { ...CONFIG, routes: targets.map((t) => label(t.path)) },
      loadAverageAtEnd: loadAverage(),
      rss: { startMiB: MiB(rssStartKiB), idleAfter10sMiB: MiB(rssIdleKiB) },
      tables: [
        {
          title: `Server memory: five parallel ${CONFIG.bodyMiB} MiB chunked bodies per round`,
          columns: ["round", "RSS before (MiB)", "RSS peak (MiB)", "growth (MiB)", "RSS 2 s after (MiB)", "round wall (ms)", "load avg 1/5/15 min before"],
          rows: rounds,
          notes: [
            `RSS after warm-up ${MiB(rssStartKiB)} MiB; 10 s after the last round ${MiB(rssIdleKiB)} MiB. Load average at the end: ${loadAverage()}.`,
            "Before the fix (issue 11): four parallel 450 MB bodies took the server from 0.9 GB to 3.9 GB (4.8 GB with a non-Latin-1 character), 3.5 GB idle afterwards.",
            "This benchmark on the code before the fix (commit e0346c3, same machine, 2026-12-07, one round, load average about 10): RSS 259 → peak 2020 MiB, 1617 MiB 10 s after; each 413 came after 16–28 s, once the whole 200 MiB body had been read, and every connection was kept open.",
          ],
        },
        {
          title: "Per route: time to the 413, bytes the client sent, connection closed by the server",
          columns: ["round", "route", "status", "time to answer (ms)", "client sent (KiB)", "server closed after answer (ms)", "Connection header"],
          rows: perRoute,
          notes: [
            "Limits: 64 KB on the studio routes, 8 MB on the REST API. 'client sent' includes what sat in socket buffers when the answer came.",
            "The server closes a connection whose body it refused after a 2 s linger (scripts/server.mjs), reading nothing more in the meantime.",
          ],
        },
      ],
    };
  } finally {
    await server.stop();
  }
}
