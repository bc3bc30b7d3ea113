import { NextResponse } from "next/server";
import { signInSchema } from "@/lib/schemas/auth";
import { setSignedInCookies, signIn } from "@/lib/server/auth";
import { handler, isSecureRequest } from "@/lib/server/http";
import { DEVICE_COOKIE } from "@/lib/server/known-devices";

export const POST = handler({ schema: signInSchema, auth: false }, async ({ req, input, ip }) => {
  const signedIn = await signIn(input, { client: ip, deviceToken: req.cookies.get(DEVICE_COOKIE)?.value, userAgent: req.headers.get("user-agent") });
  const { user } = signedIn;
  const res = NextResponse.json({ user: { id: user.id, email: user.email, name: user.name, locale: user.locale } });
  setSignedInCookies(res, signedIn, isSecureRequest(req));
  return res;
});
