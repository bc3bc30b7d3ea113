/**
 * Where to go after signing in or up: the `?next=` value when it is a path on this site, else
 * `fallback`. The one check for every place that follows `next` (the sign-in and sign-up pages on
 * the server, the form in the browser).
 *
 * Browsers read `/\evil.example`, `/<tab>/evil.example` and `/.//evil.example` as links to another
 * site (a backslash counts as a slash, tabs and newlines are dropped, `..` and `.` are resolved),
 * so a `startsWith("/")` test is not enough. The value is resolved the way the browser will
 * resolve it, against an origin that stands for this site, and accepted only when it stays on
 * that origin and its path does not start with two slashes; what is returned is that resolved
 * path, so what was checked is exactly what is followed.
 */
export const DEFAULT_NEXT_PATH = "/projects";

// Any origin works: a path resolved against it stays on it exactly when it would stay on ours.
const SELF = "http://studio.invalid";
const MAX_LENGTH = 2048;

export function safeNextPath(raw: unknown, fallback: string = DEFAULT_NEXT_PATH): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_LENGTH) return fallback;
  // One leading slash; no backslash, whitespace or control character, which parsers treat differently.
  if (raw[0] !== "/" || raw[1] === "/" || /[\\\s\u0000-\u001f\u007f-\u009f]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, SELF);
  } catch {
    return fallback;
  }
  if (url.origin !== SELF) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}
