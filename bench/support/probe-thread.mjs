// The "other user" of a benchmark, on a thread of its own: a signed-in GET every `intervalMs` (open
// loop: latency counts from when each request was due), so the benchmark's own work (sending a
// 95 MB upload, reading its answer) cannot delay the probe and be counted as the server's stall.
// Messages in: "stop". Out: { samples: [{ at, ms }], statuses } when stopped; `at` is on the
// parent's clock (performance.timeOrigin differs between threads).
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { url, cookie, intervalMs, parentOrigin } = workerData;
const shift = performance.timeOrigin - parentOrigin;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(url);
const samples = [];
const statuses = {};
let stopped = false;
const t0 = performance.now();
let n = 0;

function fire() {
  const due = t0 + n * intervalMs;
  n++;
  const req = http.request({ agent, hostname: target.hostname, port: target.port, path: target.pathname, method: "GET", headers: { cookie } }, (res) => {
    res.resume();
    res.on("end", () => {
      samples.push({ at: due + shift, ms: performance.now() - due });
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    });
  });
  req.on("error", () => (statuses.error = (statuses.error ?? 0) + 1));
  req.end();
}

function tick() {
  if (stopped) return;
  while (t0 + n * intervalMs <= performance.now()) fire();
  setTimeout(tick, Math.max(0, t0 + n * intervalMs - performance.now()));
}

parentPort.on("message", async (msg) => {
  if (msg !== "stop") return;
  stopped = true;
  const until = Date.now() + 60_000;
  while (samples.length + (statuses.error ?? 0) < n && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  agent.destroy();
  parentPort.postMessage({ samples, statuses });
  parentPort.close();
});
parentPort.postMessage("started");
tick();
