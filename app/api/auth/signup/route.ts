import { NextResponse } from "next/server";
import { signUpSchema } from "@/lib/schemas/auth";
import { setSignedInCookies, signUp } from "@/lib/server/auth";
import { handler, isSecureRequest } from "@/lib/server/http";

export const POST = handler({ schema: signUpSchema, auth: false }, async ({ req, input, locale, ip }) => {
  const signedIn = await signUp(input, { locale, client: ip, userAgent: req.headers.get("user-agent") });
  const { user } = signedIn;
  const res = NextResponse.json({ user: { id: user.id, email: user.email, name: user.name } }, { status: 201 });
  setSignedInCookies(res, signedIn, isSecureRequest(req));
  return res;
});
