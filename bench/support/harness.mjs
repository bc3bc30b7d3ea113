// A tiny static server for the browser half of the sign-digits benchmark: the esbuild bundle of
// bench/browser/image-bench.ts, the app's public/ folder (MobileNetV2 weights, tfjs wasm binaries)
// and the dataset images. Listens on 127.0.0.1 only.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".wasm": "application/wasm", ".bin": "application/octet-stream", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png" };

/** Bundles the browser entry with esbuild (platform browser, format esm) into a temporary folder. */
export async function bundleBrowserEntry(root, entry) {
  const esbuild = await import("esbuild");
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "studio-bench-bundle-"));
  const outfile = path.join(outDir, "bench.js");
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    outfile,
    minify: false,
    sourcemap: false,
    logLevel: "warning",
    tsconfig: path.join(root, "tsconfig.json"),
    define: { "process.env.NODE_ENV": '"production"' },
  });
  return { outDir, outfile };
}

/** Lists dataset images as {url, label}, sorted, with label = folder name. */
export function listImages(dir) {
  const list = [];
  for (const cls of fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory()).sort()) {
    for (const f of fs.readdirSync(path.join(dir, cls)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort()) {
      list.push({ url: `/data/${encodeURIComponent(cls)}/${encodeURIComponent(f)}`, label: cls });
    }
  }
  return list;
}

/** `files` (optional): extra URL path → file on disk, e.g. {"/bundles/text.bundle": "/tmp/…/text.bundle"}. */
export async function startHarness({ root, bundleFile, dataDir, files = {} }) {
  const publicDir = path.join(root, "public");
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>train bench</title></head><body><script type="module" src="/bench.js"></script></body></html>`;
  const send = (res, status, body, type = "text/plain") => {
    // Cross-origin isolated like the studio's pages (next.config.js): wasm gets its threads.
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" });
    res.end(body);
  };
  const sendFile = (res, base, rel) => {
    const file = path.resolve(base, "." + rel);
    if (!file.startsWith(base + path.sep)) return send(res, 403, "forbidden");
    fs.readFile(file, (err, data) => (err ? send(res, 404, "not found") : send(res, 200, data, TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream")));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const p = decodeURIComponent(url.pathname);
    if (p === "/" || p === "/index.html") return send(res, 200, page, "text/html");
    if (p === "/bench.js") return sendFile(res, path.dirname(bundleFile), "/" + path.basename(bundleFile));
    if (Object.hasOwn(files, p)) return sendFile(res, path.dirname(files[p]), "/" + path.basename(files[p]));
    if (p.startsWith("/data/")) return sendFile(res, path.resolve(dataDir), p.slice("/data".length));
    if (p.startsWith("/models/") || p.startsWith("/vendor/")) return sendFile(res, publicDir, p);
    send(res, 404, "not found");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}
