import "server-only";
import { db } from "./db";
import { AppError } from "./errors";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./passwords";
import { consume, peek, reset } from "./rate-limit";
import { randomToken, sha256 } from "./tokens";
import type { z } from "zod";
import type { signInSchema, signUpSchema } from "@/lib/schemas/auth";

export const SESSION_COOKIE = "ams_session";
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
// Refresh the expiry at most once a day, so reads do not turn into writes on every request.
const SESSION_REFRESH_MS = 24 * 60 * 60 * 1000;

export const SIGNIN_LIMIT_PER_EMAIL = 5;
export const SIGNIN_LIMIT_PER_IP = 30;
export const SIGNIN_WINDOW_MS = 15 * 60 * 1000;

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

async function createSession(userId: string, userAgent?: string | null): Promise<NewSession> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.session.create({ data: { userId, tokenHash: sha256(token), expiresAt, userAgent: userAgent?.slice(0, 300) } });
  return { token, expiresAt };
}

export async function signUp(
  input: z.output<typeof signUpSchema>,
  meta: { locale: string; userAgent?: string | null },
): Promise<{ user: SessionUser; session: NewSession }> {
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) throw new AppError("conflict", "errors.emailTaken", { fields: { email: "errors.emailTaken" } });
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({
      data: { email: input.email, name: input.name || null, passwordHash, locale: meta.locale },
      select: { id: true, email: true, name: true, locale: true },
    });
    return { user, session: await createSession(user.id, meta.userAgent) };
  } catch (e) {
    // Two sign-ups racing for one address: the unique index decides.
    if ((e as { code?: string }).code === "P2002") {
      throw new AppError("conflict", "errors.emailTaken", { fields: { email: "errors.emailTaken" } });
    }
    throw e;
  }
}

function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError("rate_limited", "errors.tooManySignIns", {
    params: { minutes: Math.ceil(retryAfterSeconds / 60) },
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
}

export async function signIn(
  input: z.output<typeof signInSchema>,
  meta: { ip: string; userAgent?: string | null },
): Promise<{ user: SessionUser; session: NewSession }> {
  const emailKey = `signin:email:${input.email}`;
  const ipKey = `signin:ip:${meta.ip}`;
  for (const [key, limit] of [[emailKey, SIGNIN_LIMIT_PER_EMAIL], [ipKey, SIGNIN_LIMIT_PER_IP]] as const) {
    const state = await peek(key, limit);
    if (!state.allowed) throw tooManyAttempts(state.retryAfterSeconds);
  }
  const user = await db.user.findUnique({ where: { email: input.email } });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) {
    const [byEmail, byIp] = await Promise.all([
      consume(emailKey, SIGNIN_LIMIT_PER_EMAIL, SIGNIN_WINDOW_MS),
      consume(ipKey, SIGNIN_LIMIT_PER_IP, SIGNIN_WINDOW_MS),
    ]);
    const remaining = Math.min(byEmail.remaining, byIp.remaining);
    if (remaining === 0) throw tooManyAttempts(Math.max(byEmail.retryAfterSeconds, byIp.retryAfterSeconds));
    // Same message for unknown email and wrong password: it must not reveal which accounts exist.
    throw new AppError("unauthenticated", "errors.wrongCredentials", { params: { remaining } });
  }
  await reset(emailKey);
  return {
    user: { id: user.id, email: user.email, name: user.name, locale: user.locale },
    session: await createSession(user.id, meta.userAgent),
  };
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
