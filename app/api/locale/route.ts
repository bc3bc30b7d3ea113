import { NextResponse } from "next/server";
import { LOCALE_COOKIE } from "@/lib/i18n/config";
import { localeSchema } from "@/lib/schemas/auth";
import { db } from "@/lib/server/db";
import { handler } from "@/lib/server/http";

/** Remembers the UI language in a cookie and, for a signed-in user, on the account. */
export const POST = handler({ schema: localeSchema, auth: false }, async ({ input, user }) => {
  if (user) await db.user.update({ where: { id: user.id }, data: { locale: input.locale } });
  const res = NextResponse.json({ locale: input.locale });
  res.cookies.set(LOCALE_COOKIE, input.locale, { path: "/", sameSite: "lax", maxAge: 365 * 24 * 60 * 60 });
  return res;
});
