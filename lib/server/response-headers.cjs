// The headers every answer outside /embed/ carries (next.config.js applies them to what Next
// serves; scripts/direct-lane.mjs to the REST API calls it answers without Next). Plain CommonJS:
// next.config.js and the server script read it without a build.
// @ts-check

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(self), microphone=(self), geolocation=()" },
];

// Studio pages may not be framed by anyone; the embed route sets its own frame-ancestors.
const frameDeny = [{ key: "X-Frame-Options", value: "DENY" }];

// Cross-origin isolation, which unlocks SharedArrayBuffer so the WebAssembly backend runs
// multi-threaded. On every studio page, because client-side navigation keeps the document (and its
// isolation) the user arrived with. Everything these pages load is same-origin.
const crossOriginIsolation = [
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
];

/** Everything outside /embed/ gets these, in this order. */
const studioHeaders = [...securityHeaders, ...frameDeny, ...crossOriginIsolation];

module.exports = { securityHeaders, frameDeny, crossOriginIsolation, studioHeaders };
