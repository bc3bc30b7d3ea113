import { NextResponse } from "next/server";
import { signUpSchema } from "@/lib/schemas/auth";
import { SESSION_COOKIE, sessionCookieOptions, signUp } from "@/lib/server/auth";
import { handler, isSecureRequest } from "@/lib/server/http";

export const POST = handler({ schema: signUpSchema, auth: false }, async ({ req, input, locale }) => {
  const { user, session } = await signUp(input, { locale, userAgent: req.headers.get("user-agent") });
  const res = NextResponse.json({ user: { id: user.id, email: user.email, name: user.name } }, { status: 201 });
  res.cookies.set(SESSION_COOKIE, session.token, sessionCookieOptions(session.expiresAt, isSecureRequest(req)));
  return res;
});
