// The HTTP server in front of Next.js (used by `npm start` and `npm run dev`). It exists for two
// reasons. REST API predict calls take a direct lane to their handler (scripts/direct-lane.mjs).
// And the TCP peer's address, which Next cannot give us: Next fills X-Forwarded-For only when the
// client did not send one, so a client could pick its own rate-limit identity. Here every request
// gets `x-studio-peer` = the socket's remote address (any client-sent value is overwritten), and
// lib/server/client-address.ts trusts X-Forwarded-For only from the proxies configured in
// STUDIO_TRUSTED_PROXIES.
import http from "node:http";
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { trustedProxiesFromEnv } from "../lib/server/trusted-proxies.mjs";
import { directLane } from "./direct-lane.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

export const PEER_HEADER = "x-studio-peer";

/** How long a connection closed with its request body unread waits before it is cut. */
const LINGER_MS = 2_000;

/**
 * A request answered before its body was read whole (a route refused it with 413, lib/server/body.ts,
 * or took none) must not hold the connection while the client sends the rest: Node would keep the
 * connection and read and discard the remainder, however large. So such an answer says
 * `Connection: close`. Node then destroys the socket at once while the client is still sending; the
 * unread bytes make that a reset, and a client busy writing often loses the answer (EPIPE instead
 * of the 413). So the close is gentle: the answer and a FIN go out, nothing more is read (the
 * client's writes stall; no bytes are taken in), and the socket is destroyed after LINGER_MS.
 */
function closeIfBodyUnread(req, res) {
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadClosing(...args) {
    if (!req.complete) this.setHeader("connection", "close");
    return writeHead.apply(this, args);
  };
  const socket = req.socket;
  // Node calls destroySoon() after an answer that says `Connection: close`.
  socket.destroySoon = function destroySoon() {
    if (req.complete) return net.Socket.prototype.destroySoon.call(this);
    this.pause();
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once("close", () => clearTimeout(timer));
  };
}

/**
 * Only /api/ routes read request bodies, each with its own limit. Pages take none (the app has no
 * Server Actions), yet Next would hand a page request's body to proxy.ts, buffering up to 10 MB of
 * it and reading all of it before answering. A page request that comes with a body is refused here,
 * before Next sees it. (Not in development: Next's dev overlay posts to its own paths.)
 */
function refuseBodyOutsideApi(req, res) {
  if (new URL(req.url ?? "/", "http://localhost").pathname.startsWith("/api/")) return false;
  if (req.headers["transfer-encoding"] === undefined && !(Number(req.headers["content-length"] ?? 0) > 0)) return false;
  res.writeHead(413, { "content-length": "0" });
  res.end();
  return true;
}

/**
 * Starts Next (production build unless `dev`) behind a plain Node HTTP server. Resolves once it
 * listens; the returned server closes Next's handler too.
 */
export async function serve({ port, host, dev = false }) {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const next = require("next");
  const app = next({ dev, dir: root, hostname: host === "0.0.0.0" ? "localhost" : host, port: Number(port) });
  const handle = app.getRequestHandler();
  await app.prepare();
  // REST API predict calls skip Next's router (scripts/direct-lane.mjs); not in development, where
  // the route is compiled on demand.
  const direct = dev ? null : directLane({ distDir: path.join(root, process.env.NEXT_DIST_DIR || ".next") });
  const server = http.createServer((req, res) => {
    req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
    closeIfBodyUnread(req, res);
    if (!dev && refuseBodyOutsideApi(req, res)) return;
    if (direct?.(req, res)) return;
    handle(req, res).catch((err) => {
      console.error("[server] request failed:", err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Slow-loris bodies and idle sockets do not hold a connection forever.
  server.requestTimeout = 300_000;
  server.headersTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(port), host, resolve);
  });
  return server;
}

async function startProfile() {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async save(file) {
      const { profile } = await session.post("Profiler.stop");
      fs.writeFileSync(file, JSON.stringify(profile));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dev = process.argv.includes("--dev");
  try {
    trustedProxiesFromEnv(); // a wrong STUDIO_TRUSTED_PROXIES stops the start with its message
  } catch (err) {
    console.error(`[server] ${err.message}`);
    process.exit(1);
  }
  const port = process.env.PORT || "3000";
  const host = process.env.HOST || "0.0.0.0";
  const server = await serve({ port, host, dev });
  // Operators and tests can find the process (e.g. to read its memory) through this file.
  if (process.env.STUDIO_PID_FILE) fs.writeFileSync(process.env.STUDIO_PID_FILE, String(process.pid));
  console.log(`▲ AI Mass Studio ready on http://${host === "0.0.0.0" ? "localhost" : host}:${port}${dev ? " (dev)" : ""}`);
  // STUDIO_CPU_PROFILE=<file>: a CPU profile of the request thread from start to stop (for
  // benchmarks; open it in Chrome DevTools). --cpu-prof cannot be passed through NODE_OPTIONS.
  const profile = process.env.STUDIO_CPU_PROFILE ? await startProfile() : null;
  const stop = async () => {
    if (profile) await profile.save(process.env.STUDIO_CPU_PROFILE);
    server.close(() => process.exit(0));
    // Keep-alive sockets would hold close() open; give in-flight requests a moment, then leave.
    setTimeout(() => process.exit(0), 5_000).unref();
    server.closeIdleConnections?.();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
