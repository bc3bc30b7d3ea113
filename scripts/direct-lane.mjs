// The direct lane: REST API predict calls (POST /api/v1/models/{slug}/predict) go straight to the
// route's own handler, the same compiled module Next runs, without Next's router around it.
//
// Why: a predict call is the product's hot path, and its own work (key, limit, model) is a fraction
// of a millisecond. Through Next the call also paid the framework's per-request cost (routing, the
// request adapter, config headers, response piping): measured with `npm run bench api`, predict
// reached half of a trivial Next route's throughput. Here the handler gets a standard Request and
// its Response is written back as Next would write it, with the same headers next.config.js adds.
//
// The handler is the one in .next (require() shares Node's module cache with Next, so caches,
// database client and tfjs are the same objects). Anything unexpected — another method, a path that
// does not match exactly, a build without the route — goes to Next as before. STUDIO_DIRECT_API=0
// turns the lane off.
import path from "node:path";
import { Readable } from "node:stream";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { studioHeaders } = require("../lib/server/response-headers.cjs");

const PREDICT_PATH = /^\/api\/v1\/models\/([A-Za-z0-9_-]{1,100})\/predict$/;
const PREDICT_ROUTE = path.join("server", "app", "api", "v1", "models", "[slug]", "predict", "route.js");
const FIXED_HEADERS = studioHeaders.map(({ key, value }) => [key, value]);

/** The slug of a predict call this lane answers, or null (Next answers it). */
export function predictSlug(method, url) {
  if (method !== "POST" || !url) return null;
  const q = url.indexOf("?");
  const m = PREDICT_PATH.exec(q < 0 ? url : url.slice(0, q));
  return m ? m[1] : null;
}

/** A standard Request for the handler: the same URL, headers and (streamed) body Next would give it. */
function toRequest(req) {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    // HTTP/1 only here; a header Headers refuses (invalid bytes) makes the call Next's to answer.
    headers.append(raw[i], raw[i + 1]);
  }
  // The peer header is set by server.mjs on req.headers (any client value overwritten).
  headers.set("x-studio-peer", req.headers["x-studio-peer"] ?? "");
  const host = /^[A-Za-z0-9.:[\]-]{1,255}$/.test(req.headers.host ?? "") ? req.headers.host : "localhost";
  return new Request(`http://${host}${req.url}`, { method: req.method, headers, body: Readable.toWeb(req), duplex: "half" });
}

async function writeResponse(res, response) {
  res.statusCode = response.status;
  for (const [k, v] of FIXED_HEADERS) res.setHeader(k, v);
  for (const [k, v] of response.headers) res.setHeader(k, v);
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  if (body) res.setHeader("content-length", body.length);
  res.end(body);
}

/**
 * Returns `tryDirect(req, res)`: true when it took the request (and will answer it), false when
 * Next should. `distDir` is the build folder (.next). The route module starts loading at once.
 */
export function directLane({ distDir, enabled = process.env.STUDIO_DIRECT_API !== "0" }) {
  let handler = null;
  let loading = null;
  /** Loads the route module in the background; until it is ready, Next answers predict calls. */
  const preload = () =>
    (loading ??= (async () => {
      try {
        const { routeModule } = require(path.join(distDir, PREDICT_ROUTE));
        // Next loads a route's own code lazily (and may do it asynchronously).
        if (typeof routeModule?.ensureUserland === "function") await routeModule.ensureUserland();
        const post = routeModule?.userland?.POST;
        if (typeof post !== "function") throw new Error("the route module has no POST handler");
        handler = post;
      } catch (err) {
        console.error(`[server] the direct lane for the REST API is off (${err instanceof Error ? err.message : err}); Next answers predict calls`);
      }
    })());

  function tryDirect(req, res) {
    if (!enabled) return false;
    const slug = predictSlug(req.method, req.url);
    if (!slug) return false;
    if (!handler) {
      void preload();
      return false;
    }
    let request;
    try {
      request = toRequest(req);
    } catch {
      return false;
    }
    handler(request, { params: Promise.resolve({ slug }) })
      .then((response) => writeResponse(res, response))
      .catch((err) => {
        console.error("[server] predict failed:", err);
        if (res.headersSent) return res.destroy();
        res.writeHead(500, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(JSON.stringify({ error: { code: "internal", message: "Something went wrong on our side. Please try again." } }));
      });
    return true;
  }
  if (enabled) void preload();
  return tryDirect;
}
