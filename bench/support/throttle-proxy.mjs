// A phone network in front of the app for visitor benchmarks: a reverse proxy on its own port that
// adds a round trip of latency to every request and sends every response through one shared
// downlink of the given speed (and request bodies through one uplink), the way a phone's single
// connection to the internet behaves. The browser opens the proxy's address, so the page and
// every worker it starts go through it; it counts the bytes it delivers.
import http from "node:http";

export function startThrottleProxy({ target, port, latencyMs = 0, downBitsPerSecond = 0, upBitsPerSecond = 0 }) {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let delivered = 0;
  // When each direction of the link is free again (ms, performance.now()).
  const link = { down: 0, up: 0 };
  /** Resolves when `bytes` have passed the link in `direction` (queued behind what is already on it). */
  const pass = (direction, bytes, bitsPerSecond) => {
    if (!bitsPerSecond) return Promise.resolve();
    const now = performance.now();
    const done = Math.max(now, link[direction]) + (bytes * 8 * 1000) / bitsPerSecond;
    link[direction] = done;
    return new Promise((r) => setTimeout(r, done - now));
  };
  const half = () => new Promise((r) => setTimeout(r, latencyMs / 2));

  const server = http.createServer(async (req, res) => {
    const body = [];
    for await (const chunk of req) {
      await pass("up", chunk.length, upBitsPerSecond);
      body.push(chunk);
    }
    await half(); // the request's way there
    const out = http.request({ agent, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, async (up) => {
      await half(); // the answer's way back
      res.writeHead(up.statusCode ?? 502, up.headers);
      for await (const chunk of up) {
        await pass("down", chunk.length, downBitsPerSecond);
        delivered += chunk.length;
        if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
      }
      res.end();
    });
    out.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    out.end(Buffer.concat(body));
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () =>
      resolve({
        base: `http://127.0.0.1:${port}`,
        /** Response body bytes delivered so far (as sent: compressed where the server compressed). */
        delivered: () => delivered,
        close: () => new Promise((r) => {
          agent.destroy();
          server.closeAllConnections?.();
          server.close(() => r());
        }),
      }),
    );
  });
}
