// @ts-check
const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

// The same lists scripts/direct-lane.mjs adds to the REST API answers it serves without Next.
const { securityHeaders, frameDeny, crossOriginIsolation } = require("./lib/server/response-headers.cjs");

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
      // Every page's Content-Security-Policy (with a per-request nonce) and HSTS come from proxy.ts.
      { source: "/((?!embed/).*)", headers: [...securityHeaders, ...frameDeny] },
      { source: "/((?!embed/).*)", headers: crossOriginIsolation },
      // The widget loader is included by other sites, some of them cross-origin isolated too.
      { source: "/embed.js", headers: [{ key: "Cross-Origin-Resource-Policy", value: "cross-origin" }] },
    ];
  },
};

module.exports = withNextIntl(nextConfig);
