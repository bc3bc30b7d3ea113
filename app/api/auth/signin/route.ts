import { NextResponse } from "next/server";
import { signInSchema } from "@/lib/schemas/auth";
import { SESSION_COOKIE, sessionCookieOptions, signIn } from "@/lib/server/auth";
import { handler, isSecureRequest } from "@/lib/server/http";

export const POST = handler({ schema: signInSchema, auth: false }, async ({ req, input, ip }) => {
  const { user, session } = await signIn(input, { ip, userAgent: req.headers.get("user-agent") });
  const res = NextResponse.json({ user: { id: user.id, email: user.email, name: user.name, locale: user.locale } });
  res.cookies.set(SESSION_COOKIE, session.token, sessionCookieOptions(session.expiresAt, isSecureRequest(req)));
  return res;
});
