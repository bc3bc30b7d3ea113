import { NextResponse } from "next/server";
import { SESSION_COOKIE, signOut } from "@/lib/server/auth";
import { handler } from "@/lib/server/http";

export const POST = handler({ auth: false }, async ({ req }) => {
  await signOut(req.cookies.get(SESSION_COOKIE)?.value);
  const res = NextResponse.json({ ok: true });
  res.cookies.delete(SESSION_COOKIE);
  return res;
});
