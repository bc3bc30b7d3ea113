import "server-only";

/**
 * The studio's public address, STUDIO_PUBLIC_URL (e.g. `https://studio.example`): the one place
 * links and API descriptions shown to others get their host from. Request headers (Host,
 * X-Forwarded-Host) are chosen by whoever sends the request, so they never go into the OpenAPI
 * document, snippets or share links. Unset, the OpenAPI document names a relative server and the
 * pages use the address the browser itself is at.
 */

export class PublicUrlError extends Error {}

/**
 * Validates a STUDIO_PUBLIC_URL value: an absolute http(s) URL naming an origin only. A path
 * prefix is refused because the studio is served at the root of its host (no basePath), so a
 * prefix would make every generated link wrong. Returns the normalised origin, or null when unset.
 */
export function parsePublicUrl(raw: string | undefined): string | null {
  const text = raw?.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PublicUrlError(`STUDIO_PUBLIC_URL must be an absolute URL such as https://studio.example (got "${text}").`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PublicUrlError(`STUDIO_PUBLIC_URL must start with https:// or http:// (got "${text}").`);
  }
  if (url.username || url.password) throw new PublicUrlError("STUDIO_PUBLIC_URL must not contain a user name or password.");
  if (url.search || url.hash || /[?#]/.test(text)) throw new PublicUrlError(`STUDIO_PUBLIC_URL must not have a query or fragment (got "${text}").`);
  if (url.pathname !== "/" && url.pathname !== "") {
    throw new PublicUrlError(`STUDIO_PUBLIC_URL must be the origin only, without a path: the studio is served at the root of its host (got "${text}").`);
  }
  return url.origin;
}

let cached: { raw: string | undefined; origin: string | null } | null = null;

/**
 * The configured public origin (`https://studio.example`), or null. Parsed once per value of the
 * variable (instrumentation.ts calls it at start, so a bad value stops the server with a clear
 * message instead of producing wrong links later).
 */
export function configuredPublicOrigin(): string | null {
  const raw = process.env.STUDIO_PUBLIC_URL;
  if (!cached || cached.raw !== raw) cached = { raw, origin: parsePublicUrl(raw) };
  return cached.origin;
}
