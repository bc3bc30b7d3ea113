import "server-only";

/**
 * This app's own origin as the browser sees it (`scheme://host[:port]`), from the request headers;
 * the embed allows it next to the owner's list so the studio's live preview works.
 */
export function selfOriginFrom(headers: Headers, fallbackProtocol = "http:"): string | null {
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  if (!host || !/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return null;
  const proto = headers.get("x-forwarded-proto") === "https" ? "https:" : fallbackProtocol;
  try {
    return new URL(`${proto}//${host}`).origin;
  } catch {
    return null;
  }
}

/** The origin part of a Referer header, or null. */
export function refererOrigin(headers: Headers): string | null {
  const referer = headers.get("referer");
  if (!referer) return null;
  try {
    const url = new URL(referer);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * Which page is asking for an embed. A cross-origin caller (embed.js on the host page) is known by
 * the Origin header the browser sets; our own iframe is same-origin and names its parent page in
 * ?origin= (which the embed page checked against the Referer before rendering).
 */
export function embedCaller(req: { headers: Headers; nextUrl: URL }): { origin: string | null; self: string | null; crossOrigin: boolean } {
  const self = selfOriginFrom(req.headers, req.nextUrl.protocol);
  const header = req.headers.get("origin");
  if (header && header !== self) return { origin: header, self, crossOrigin: true };
  return { origin: req.nextUrl.searchParams.get("origin"), self, crossOrigin: false };
}
