import { NextResponse, type NextRequest } from "next/server";
import { isSecureRequest } from "@/lib/server/http";
import { configuredPublicOrigin } from "@/lib/server/public-url";
import { SELF_ORIGIN_HEADER, embedParentOrigin, selfOrigin } from "@/lib/server/request-origin";
import { HSTS_VALUE, contentSecurityPolicy, newNonce } from "@/lib/server/security-headers";

/** Request headers only this proxy may set; a client-sent value is dropped. */
const SURFACE_HEADER = "x-ams-surface";

/**
 * Every page request: a Content-Security-Policy with a fresh nonce (also on the request, where Next
 * reads it for its own scripts), HSTS when the request came over https, and the studio's origin for
 * the page (SELF_ORIGIN_HEADER). Studio pages without a session cookie are redirected to sign-in;
 * the real session and ownership checks run in the studio layout, the project pages and every
 * route handler.
 *
 * /embed/<slug> may be framed only by the page it names (embedParentOrigin: ?origin=, else the
 * Referer's origin; refused when duplicated or contradicted) and by the studio itself. The page
 * reads the same function and renders the model only if that origin is on the owner's list, so the
 * browser's frame-ancestors check and the server's list check together admit exactly the allowed
 * origins. The request is marked so the root layout leaves out the studio's header.
 */
export function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  const isEmbed = path.startsWith("/embed/");
  const secure = isSecureRequest(req) || configuredPublicOrigin()?.startsWith("https:") === true;

  if ((path === "/projects" || path.startsWith("/projects/")) && !req.cookies.has("ams_session")) {
    const url = req.nextUrl.clone();
    url.pathname = "/signin";
    url.search = `?next=${encodeURIComponent(path)}`;
    const res = NextResponse.redirect(url);
    if (secure) res.headers.set("Strict-Transport-Security", HSTS_VALUE);
    return res;
  }

  const nonce = newNonce();
  const parent = isEmbed ? embedParentOrigin(req.nextUrl.searchParams.getAll("origin"), req.headers) : null;
  const csp = contentSecurityPolicy({ nonce, frameAncestors: isEmbed ? ["'self'", ...(parent ? [parent] : [])] : [] });

  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.delete(SURFACE_HEADER);
  requestHeaders.delete(SELF_ORIGIN_HEADER);
  if (isEmbed) requestHeaders.set(SURFACE_HEADER, "embed");
  const self = selfOrigin(req);
  if (self) requestHeaders.set(SELF_ORIGIN_HEADER, self);

  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("Content-Security-Policy", csp);
  if (secure) res.headers.set("Strict-Transport-Security", HSTS_VALUE);
  if (isEmbed) {
    res.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
    res.headers.set("X-Content-Type-Options", "nosniff");
    // The studio's pages are cross-origin isolated (next.config.js); a same-origin iframe in them
    // (the Share tab's live preview) loads only if it declares COEP too. Everything the widget
    // loads is same-origin, so this costs host pages nothing.
    res.headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  }
  return res;
}

// Pages only: not the API (JSON, no scripts), not Next's static chunks (module workers get no page
// policy of their own to inherit wrongly), not files from public/ (models, wasm, embed.js).
export const config = {
  matcher: ["/((?!api/|_next/static/|_next/image|models/|vendor/|samples/|embed\\.js$|favicon\\.ico$).*)"],
};
