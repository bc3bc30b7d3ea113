// @ts-check
const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(self), microphone=(self), geolocation=()" },
];

const crossOriginIsolation = [
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets two builds (e.g. a benchmark and a test run) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm test` runs `tsc --noEmit` over the whole repo first; the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Native and Wasm-backed server packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "onnxruntime-web"],
  async headers() {
    return [
      // Studio pages may not be framed by anyone; the embed route sets its own frame-ancestors. Every
      // page's Content-Security-Policy (with a per-request nonce) and HSTS come from proxy.ts.
      { source: "/((?!embed/).*)", headers: [...securityHeaders, { key: "X-Frame-Options", value: "DENY" }] },
      // Cross-origin isolation, which unlocks SharedArrayBuffer so the WebAssembly backend runs
      // multi-threaded. On every studio page, because client-side navigation keeps the document
      // (and its isolation) the user arrived with. Everything these pages load is same-origin.
      { source: "/((?!embed/).*)", headers: crossOriginIsolation },
      // The widget loader is included by other sites, some of them cross-origin isolated too.
      { source: "/embed.js", headers: [{ key: "Cross-Origin-Resource-Policy", value: "cross-origin" }] },
    ];
  },
};

module.exports = withNextIntl(nextConfig);
