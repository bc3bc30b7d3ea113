import { NextResponse, type NextRequest } from "next/server";

// Redirect only: a missing cookie goes to sign-in. The real session and ownership checks run in
// the studio layout, the project pages and every route handler.
export function proxy(req: NextRequest) {
  if (!req.cookies.has("ams_session")) {
    const url = req.nextUrl.clone();
    url.pathname = "/signin";
    url.search = `?next=${encodeURIComponent(req.nextUrl.pathname)}`;
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = { matcher: ["/projects/:path*"] };
