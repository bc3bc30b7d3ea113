import "server-only";
import type { NextResponse } from "next/server";
import type { z } from "zod";
import type { signInSchema, signUpSchema } from "@/lib/schemas/auth";
import { beginSignIn, countSignUp, signInFailed, signInSucceeded } from "./auth-limits";
import { db } from "./db";
import { AppError } from "./errors";
import { DEVICE_COOKIE, deviceCookieOptions, findKnownDevice, rememberDevice, type DeviceCookie } from "./known-devices";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./passwords";
import { randomToken, sha256 } from "./tokens";

export const SESSION_COOKIE = "ams_session";
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
// Refresh the expiry at most once a day, so reads do not turn into writes on every request.
const SESSION_REFRESH_MS = 24 * 60 * 60 * 1000;

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  locale: string;
}

export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** What a successful sign-in or sign-up hands the browser: a session and the known-device cookie. */
export interface SignedIn {
  user: SessionUser;
  session: NewSession;
  device: DeviceCookie;
}

async function createSession(userId: string, userAgent?: string | null): Promise<NewSession> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.session.create({ data: { userId, tokenHash: sha256(token), expiresAt, userAgent: userAgent?.slice(0, 300) } });
  return { token, expiresAt };
}

/**
 * `client`: the per-client limit key (HandlerContext.ip). Each sign-up is counted before any work
 * (a password hash costs real CPU). An email already registered answers 409: see README,
 * "Security", for why this stays while there is no email-based recovery.
 */
export async function signUp(
  input: z.output<typeof signUpSchema>,
  meta: { locale: string; client: string; userAgent?: string | null },
): Promise<SignedIn> {
  await countSignUp(meta.client);
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) throw new AppError("conflict", "errors.emailTaken", { fields: { email: "errors.emailTaken" } });
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({
      data: { email: input.email, name: input.name || null, passwordHash, locale: meta.locale },
      select: { id: true, email: true, name: true, locale: true },
    });
    const [session, device] = await Promise.all([createSession(user.id, meta.userAgent), rememberDevice(user.id, null)]);
    return { user, session, device };
  } catch (e) {
    // Two sign-ups racing for one address: the unique index decides.
    if ((e as { code?: string }).code === "P2002") {
      throw new AppError("conflict", "errors.emailTaken", { fields: { email: "errors.emailTaken" } });
    }
    throw e;
  }
}

/**
 * `client`: the per-client limit key; `deviceToken`: the known-device cookie, if any. The attempt
 * is counted against the sign-in limits (lib/server/auth-limits.ts) before the password is checked.
 */
export async function signIn(
  input: z.output<typeof signInSchema>,
  meta: { client: string; deviceToken?: string | null; userAgent?: string | null },
): Promise<SignedIn> {
  const user = await db.user.findUnique({ where: { email: input.email } });
  const device = user ? await findKnownDevice(user.id, meta.deviceToken) : null;
  const attempt = await beginSignIn(input.email, meta.client, device?.id ?? null);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw await signInFailed(attempt);
  await signInSucceeded(attempt);
  const [session, deviceCookie] = await Promise.all([
    createSession(user.id, meta.userAgent),
    rememberDevice(user.id, device && meta.deviceToken ? { device, token: meta.deviceToken } : null),
  ]);
  return { user: { id: user.id, email: user.email, name: user.name, locale: user.locale }, session, device: deviceCookie };
}

/** Sets the session and known-device cookies of a successful sign-in or sign-up on `res`. */
export function setSignedInCookies(res: NextResponse, signedIn: SignedIn, secure: boolean): void {
  res.cookies.set(SESSION_COOKIE, signedIn.session.token, sessionCookieOptions(signedIn.session.expiresAt, secure));
  res.cookies.set(DEVICE_COOKIE, signedIn.device.token, deviceCookieOptions(signedIn.device.expiresAt, secure));
}

export async function signOut(token: string | undefined): Promise<void> {
  if (!token) return;
  await db.session.deleteMany({ where: { tokenHash: sha256(token) } });
}

/** Resolves a session cookie to its user, or null when missing, unknown or expired. */
export async function userFromSessionToken(token: string | undefined | null): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const session = await db.session.findUnique({
    where: { tokenHash: sha256(token) },
    include: { user: { select: { id: true, email: true, name: true, locale: true } } },
  });
  if (!session) return null;
  const now = Date.now();
  if (session.expiresAt.getTime() <= now) {
    await db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (now - session.lastSeenAt.getTime() > SESSION_REFRESH_MS) {
    await db.session.update({
      where: { id: session.id },
      data: { lastSeenAt: new Date(now), expiresAt: new Date(now + SESSION_TTL_MS) },
    });
  }
  return session.user;
}

export function sessionCookieOptions(expiresAt: Date, secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, secure, path: "/", expires: expiresAt };
}
