// @ts-check
const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(self), microphone=(self), geolocation=()" },
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
      // Studio pages may not be framed by anyone; the embed route sets its own frame-ancestors.
      { source: "/((?!embed/).*)", headers: [...securityHeaders, { key: "X-Frame-Options", value: "DENY" }] },
    ];
  },
};

module.exports = withNextIntl(nextConfig);
