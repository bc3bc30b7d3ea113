import { NextResponse, type NextRequest } from "next/server";
import { normaliseOrigin } from "@/lib/schemas/sharing";

// Studio pages: redirect only, a missing cookie goes to sign-in. The real session and ownership
// checks run in the studio layout, the project pages and every route handler.
function studio(req: NextRequest) {
  if (!req.cookies.has("ams_session")) {
    const url = req.nextUrl.clone();
    url.pathname = "/signin";
    url.search = `?next=${encodeURIComponent(req.nextUrl.pathname)}`;
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

/**
 * /embed/<slug>: may be framed only by the page it names (?origin=, else the Referer's origin) and
 * by the studio itself. The page then renders the model only if that origin is on the owner's
 * list, so the browser's frame-ancestors check and the server's list check together admit exactly
 * the allowed origins. The request is marked so the root layout leaves out the studio's header.
 */
function embed(req: NextRequest) {
  const param = req.nextUrl.searchParams.get("origin");
  let parent = param ? normaliseOrigin(param) : null;
  if (!parent && !param) {
    const referer = req.headers.get("referer");
    try {
      parent = referer ? normaliseOrigin(new URL(referer).origin) : null;
    } catch {
      parent = null;
    }
  }
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-ams-surface", "embed");
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("Content-Security-Policy", `frame-ancestors 'self'${parent ? ` ${parent}` : ""}`);
  res.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  res.headers.set("X-Content-Type-Options", "nosniff");
  // The studio's pages are cross-origin isolated (next.config.js); a same-origin iframe in them
  // (the Share tab's live preview) loads only if it declares COEP too. Everything the widget loads
  // is same-origin, so this costs host pages nothing.
  res.headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  return res;
}

export function proxy(req: NextRequest) {
  if (req.nextUrl.pathname.startsWith("/embed/")) return embed(req);
  return studio(req);
}

export const config = { matcher: ["/projects/:path*", "/embed/:path*"] };
