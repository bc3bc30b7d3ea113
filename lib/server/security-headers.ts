/**
 * The Content-Security-Policy of every page (studio, sign-in, home, share page, embed), built per
 * request by proxy.ts with a fresh nonce. Next reads the nonce from the request's CSP header and
 * puts it on its own scripts; 'strict-dynamic' lets those scripts load the app's chunks, module
 * workers and onnxruntime's loaders, and nothing else runs: an injected <script> or inline handler
 * has no nonce.
 *
 * - 'wasm-unsafe-eval': compiling WebAssembly (tfjs-backend-wasm, onnxruntime-web); no JS eval.
 * - worker-src 'self' blob:: the training/predict module worker, and the threaded WASM backends'
 *   helper workers (emscripten starts them from blob: URLs).
 * - style-src 'unsafe-inline': React style attributes (chart widths, theme colours) cannot carry a
 *   nonce; styles cannot run code.
 * - img-src / media-src blob: data:: webcam snapshots, recorded clips and uploaded previews.
 * - connect-src blob:: reading a clip kept on the device (a blob: URL) to draw its waveform; a
 *   blob: URL can only name data this page itself made.
 * - frame-src 'self': the Share tab's live preview of the embed.
 * - frame-ancestors: 'none' for every page except the embed, which names its host page.
 */
export function contentSecurityPolicy(opts: { nonce: string; frameAncestors: readonly string[] }): string {
  const directives: [string, string][] = [
    ["default-src", "'self'"],
    ["script-src", `'self' 'nonce-${opts.nonce}' 'strict-dynamic' 'wasm-unsafe-eval'`],
    ["worker-src", "'self' blob:"],
    ["style-src", "'self' 'unsafe-inline'"],
    ["img-src", "'self' blob: data:"],
    ["media-src", "'self' blob: data:"],
    ["font-src", "'self' data:"],
    ["connect-src", "'self' blob:"],
    ["frame-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", opts.frameAncestors.length ? opts.frameAncestors.join(" ") : "'none'"],
  ];
  return directives.map(([k, v]) => `${k} ${v}`).join("; ");
}

/** A nonce for one response: 128 random bits, base64 (the form Next's nonce reader accepts). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Strict-Transport-Security for responses sent over https: one year, subdomains included. */
export const HSTS_VALUE = "max-age=31536000; includeSubDomains";
