import "server-only";
import { AppError } from "./errors";
import { blockUntil, blockedUntil, consume, release, reset, type RateLimitResult } from "./rate-limit";
import { sha256 } from "./tokens";

/*
 * Limits on sign-in and sign-up. Every sign-in attempt is counted, atomically, *before* its
 * password is checked, so simultaneous attempts cannot all slip under a limit; an attempt with the
 * right password gives its count back. Three limits, so guessing stays slow without handing
 * strangers a button that locks an owner out:
 *   - per email and client (or per email and known device): SIGNIN_LIMIT_PER_PAIR per window;
 *   - per client, whatever the email: signInClientLimit() per window;
 *   - per email from anywhere, devices the account does not know only: SIGNIN_LIMIT_PER_EMAIL
 *     wrong passwords, then a pause that doubles each time (SIGNIN_PAUSE_BASE_MS … _MAX_MS).
 *     The account's known devices (lib/server/known-devices.ts) are not paused.
 */
export const SIGNIN_WINDOW_MS = 15 * 60 * 1000;
export const SIGNIN_LIMIT_PER_PAIR = 5;
export const SIGNIN_LIMIT_PER_CLIENT = 30;
export const SIGNIN_LIMIT_PER_EMAIL = 10;
export const SIGNIN_PAUSE_BASE_MS = 60 * 1000;
export const SIGNIN_PAUSE_MAX_MS = 60 * 60 * 1000;
/** Pauses within this time make the next one longer. */
const SIGNIN_PAUSE_MEMORY_MS = 24 * 60 * 60 * 1000;

export const SIGNUP_LIMIT_PER_CLIENT = 10;
export const SIGNUP_WINDOW_MS = 60 * 60 * 1000;

function envCount(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Sign-in attempts per client and window (STUDIO_SIGNIN_CLIENT_LIMIT; raise it for a school or office behind one address). */
export const signInClientLimit = () => envCount("STUDIO_SIGNIN_CLIENT_LIMIT", SIGNIN_LIMIT_PER_CLIENT);
/** New accounts per client and hour (STUDIO_SIGNUP_LIMIT). */
export const signUpLimit = () => envCount("STUDIO_SIGNUP_LIMIT", SIGNUP_LIMIT_PER_CLIENT);

// Emails appear in keys only as a hash: the limits table need not hold addresses.
const emailId = (email: string) => sha256(email).slice(0, 32);

/** The rate-limit keys, exported for tests that move a pause or window into the past. */
export const authLimitKeys = {
  pair: (email: string, client: string) => `signin:pair:${emailId(email)}:client:${client}`,
  devicePair: (email: string, deviceId: string) => `signin:pair:${emailId(email)}:device:${deviceId}`,
  client: (client: string) => `signin:client:${client}`,
  email: (email: string) => `signin:email:${emailId(email)}`,
  pause: (email: string) => `signin:pause:${emailId(email)}`,
  pauses: (email: string) => `signin:pauses:${emailId(email)}`,
  signUp: (client: string) => `signup:client:${client}`,
};

const secondsUntil = (until: Date) => Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));

function rateLimited(messageKey: string, retryAfterSeconds: number): AppError {
  return new AppError("rate_limited", messageKey, {
    params: { minutes: Math.ceil(retryAfterSeconds / 60) },
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
}

interface Hold {
  key: string;
  hit: RateLimitResult;
}

/** One sign-in attempt's counts, taken by beginSignIn and settled by signInFailed or signInSucceeded. */
export interface SignInAttempt {
  email: string;
  pairKey: string;
  holds: Hold[];
}

/**
 * Counts an attempt against each limit that applies before its password is checked; throws 429
 * when one is used up (the attempt then counts nowhere). `deviceId`: a known device of the
 * account, which is limited per device and neither paused nor counted per client or email.
 */
export async function beginSignIn(email: string, client: string, deviceId: string | null): Promise<SignInAttempt> {
  if (!deviceId) {
    const paused = await blockedUntil(authLimitKeys.pause(email));
    if (paused) throw rateLimited("errors.signInPaused", secondsUntil(paused));
  }
  const pairKey = deviceId ? authLimitKeys.devicePair(email, deviceId) : authLimitKeys.pair(email, client);
  const limits: [string, number][] = deviceId
    ? [[pairKey, SIGNIN_LIMIT_PER_PAIR]]
    : [
        [pairKey, SIGNIN_LIMIT_PER_PAIR],
        [authLimitKeys.client(client), signInClientLimit()],
        [authLimitKeys.email(email), SIGNIN_LIMIT_PER_EMAIL],
      ];
  const holds: Hold[] = [];
  for (const [key, limit] of limits) {
    const hit = await consume(key, limit, SIGNIN_WINDOW_MS);
    if (!hit.allowed) {
      await Promise.all([{ key, hit }, ...holds].map((h) => release(h.key, h.hit.resetAt)));
      if (key !== authLimitKeys.email(email)) throw rateLimited("errors.tooManySignIns", hit.retryAfterSeconds);
      // The email's last attempts are still being checked; the pause they lead to starts soon.
      const paused = await blockedUntil(authLimitKeys.pause(email));
      throw rateLimited("errors.signInPaused", paused ? secondsUntil(paused) : Math.ceil(SIGNIN_PAUSE_BASE_MS / 1000));
    }
    holds.push({ key, hit });
  }
  return { email, pairKey, holds };
}

/** A wrong password (or unknown email): its counts stay. Returns the error to answer with. */
export async function signInFailed(attempt: SignInAttempt): Promise<AppError> {
  const emailKey = authLimitKeys.email(attempt.email);
  const byEmail = attempt.holds.find((h) => h.key === emailKey);
  const own = attempt.holds.filter((h) => h !== byEmail);
  let pauseSeconds = 0;
  if (byEmail && byEmail.hit.remaining === 0) pauseSeconds = await pauseEmail(attempt.email);
  const spent = own.filter((h) => h.hit.remaining === 0);
  if (spent.length > 0) return rateLimited("errors.tooManySignIns", Math.max(...spent.map((h) => h.hit.retryAfterSeconds)));
  if (pauseSeconds > 0) return rateLimited("errors.signInPaused", pauseSeconds);
  // Same message for an unknown email and a wrong password: it must not reveal which accounts exist.
  return new AppError("unauthenticated", "errors.wrongCredentials", { params: { remaining: Math.min(...own.map((h) => h.hit.remaining)) } });
}

/**
 * The right password: this attempt counts nowhere. Earlier misses keep counting until their window
 * ends; forgiving them here would let attempts running at the same time be checked beyond the limit.
 */
export async function signInSucceeded(attempt: SignInAttempt): Promise<void> {
  await Promise.all(attempt.holds.map((h) => release(h.key, h.hit.resetAt)));
}

/**
 * Pauses sign-in to an email from devices it does not know: SIGNIN_PAUSE_BASE_MS, doubled for
 * each earlier pause in the last day, at most SIGNIN_PAUSE_MAX_MS. The email's count starts again,
 * so after the pause a few more attempts are possible before the next, longer one.
 */
async function pauseEmail(email: string): Promise<number> {
  const earlier = await consume(authLimitKeys.pauses(email), Number.MAX_SAFE_INTEGER, SIGNIN_PAUSE_MEMORY_MS);
  const ms = Math.min(SIGNIN_PAUSE_MAX_MS, SIGNIN_PAUSE_BASE_MS * 2 ** Math.min(20, earlier.count - 1));
  const until = new Date(Date.now() + ms);
  await blockUntil(authLimitKeys.pause(email), until);
  await reset(authLimitKeys.email(email));
  return secondsUntil(until);
}

/** Counts a sign-up from `client` before any work is done; throws 429 beyond signUpLimit() per hour. */
export async function countSignUp(client: string): Promise<void> {
  const hit = await consume(authLimitKeys.signUp(client), signUpLimit(), SIGNUP_WINDOW_MS);
  if (!hit.allowed) throw rateLimited("errors.tooManySignUps", hit.retryAfterSeconds);
}
