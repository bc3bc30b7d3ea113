// The oversized-body attack of issue 11, shared by e2e/body-limits.spec.ts (which asserts on it)
// and bench/body-limits.bench.mjs (which reports it): several clients each POST a huge chunked
// body (no Content-Length) through raw node:http, writing until the answer arrives, while the
// server's resident memory is sampled from /proc.
import fs from "node:fs";
import http from "node:http";

/** Resident memory of a process (VmRSS), in KiB; null when it cannot be read. */
export function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Samples rssKiB every `everyMs` until stop(), which returns the highest sample. */
export function sampleRss(pid, everyMs = 20) {
  let peak = rssKiB(pid) ?? 0;
  const timer = setInterval(() => {
    const v = rssKiB(pid);
    if (v !== null && v > peak) peak = v;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const v = rssKiB(pid);
      if (v !== null && v > peak) peak = v;
      return peak;
    },
  };
}

/**
 * POSTs a chunked body of `totalBytes` (JSON-looking: `{"email": "` then `fill` repeated) on a
 * connection of its own, writing chunk after chunk (respecting backpressure) until the answer
 * arrives; then it stops writing and waits up to `closeWaitMs` for the server to close the
 * connection. Resolves with what happened; never rejects.
 */
export function sendOversizedBody({ base, path, headers = {}, totalBytes, chunkBytes = 64 * 1024, fill = "a", closeWaitMs = 5000 }) {
  const unit = Buffer.from(fill, "utf8");
  const chunk = Buffer.alloc(chunkBytes);
  for (let i = 0; i < chunkBytes; i += unit.length) unit.copy(chunk, i);
  const first = Buffer.from(chunk);
  Buffer.from('{"email": "', "utf8").copy(first, 0);
  const url = new URL(path, base);
  const started = performance.now();
  return new Promise((resolve) => {
    const out = { path, status: null, body: "", headers: {}, msToResponse: null, bytesSent: 0, totalBytes, serverClosedAfterMs: null, error: null };
    let responded = false;
    let finished = false;
    let respondedAt = 0;
    let closeTimer = null;
    // A keep-alive connection of its own: whether it closes is then the server's decision.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(closeTimer);
      req.destroy();
      agent.destroy();
      resolve(out);
    };
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: "POST", agent, headers: { "content-type": "application/json", ...headers } },
      (res) => {
        responded = true;
        respondedAt = performance.now();
        out.status = res.statusCode;
        out.headers = res.headers;
        out.msToResponse = Math.round(respondedAt - started);
        res.setEncoding("utf8");
        res.on("data", (d) => (out.body += d));
        res.on("end", () => {
          closeTimer = setTimeout(finish, closeWaitMs);
        });
      },
    );
    req.on("error", (e) => {
      // After the answer, a reset or broken pipe is the server closing the connection as asked.
      if (!responded) out.error = e.code ?? e.message;
    });
    req.on("socket", (socket) =>
      socket.on("close", () => {
        if (responded && !finished) out.serverClosedAfterMs = Math.round(performance.now() - respondedAt);
        // Let the answer's body finish arriving before resolving.
        setTimeout(finish, 50);
      }),
    );
    const pump = () => {
      while (!responded && !finished && out.bytesSent < totalBytes) {
        const piece = out.bytesSent === 0 ? first : chunk;
        out.bytesSent += piece.length;
        if (!req.write(piece)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!responded && !finished && out.bytesSent >= totalBytes) req.end();
    };
    pump();
  });
}

/**
 * Sends all `targets` ({path, headers?, fill?}) at once, each a body of `totalBytes`, and reports
 * the server's RSS before, at its peak during the attack, and `settleMs` after it.
 */
export async function attackInParallel({ base, pid, targets, totalBytes, chunkBytes, settleMs = 2000 }) {
  const rssBeforeKiB = rssKiB(pid);
  const sampler = sampleRss(pid);
  const started = performance.now();
  const results = await Promise.all(targets.map((t) => sendOversizedBody({ base, totalBytes, chunkBytes, ...t })));
  const wallMs = Math.round(performance.now() - started);
  const rssPeakKiB = sampler.stop();
  await new Promise((r) => setTimeout(r, settleMs));
  return { rssBeforeKiB, rssPeakKiB, rssAfterKiB: rssKiB(pid), wallMs, results };
}
