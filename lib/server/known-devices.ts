import "server-only";
import { db } from "./db";
import { randomToken, sha256 } from "./tokens";

/**
 * Browsers that signed in to an account before. Strangers' wrong passwords may pause sign-in to an
 * account (lib/server/auth-limits.ts), but not on the account's own known devices, so nobody can
 * lock the owner out of the browsers they use. The cookie holds a random 256-bit token (only its
 * SHA-256 is stored), is httpOnly, SameSite=Strict and sent only to /api/auth.
 */
export const DEVICE_COOKIE = "ams_device";
export const DEVICE_COOKIE_PATH = "/api/auth";
/** A device stays known this long after its last successful sign-in. */
export const DEVICE_TTL_MS = 180 * 24 * 60 * 60 * 1000;
/** Devices remembered per account; the least recently used go first. */
export const MAX_DEVICES_PER_USER = 20;

export interface KnownDeviceRef {
  id: string;
}

export interface DeviceCookie {
  token: string;
  expiresAt: Date;
}

/** The known device a cookie names, when it belongs to `userId` and has not expired; else null. */
export async function findKnownDevice(userId: string, token: string | null | undefined): Promise<KnownDeviceRef | null> {
  if (!token || token.length > 200) return null;
  const device = await db.knownDevice.findUnique({ where: { tokenHash: sha256(token) }, select: { id: true, userId: true, expiresAt: true } });
  if (!device || device.userId !== userId || device.expiresAt.getTime() <= Date.now()) return null;
  return { id: device.id };
}

/**
 * After a successful sign-in or sign-up: extends the device the cookie already names, or
 * remembers this browser as a new device. Returns the cookie to set.
 */
export async function rememberDevice(userId: string, known: { device: KnownDeviceRef; token: string } | null): Promise<DeviceCookie> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + DEVICE_TTL_MS);
  if (known) {
    await db.knownDevice.update({ where: { id: known.device.id }, data: { expiresAt, lastUsedAt: now } });
    return { token: known.token, expiresAt };
  }
  const token = randomToken();
  await db.knownDevice.create({ data: { userId, tokenHash: sha256(token), expiresAt } });
  const beyond = await db.knownDevice.findMany({ where: { userId }, orderBy: { lastUsedAt: "desc" }, skip: MAX_DEVICES_PER_USER, select: { id: true } });
  await db.knownDevice.deleteMany({ where: { userId, OR: [{ expiresAt: { lte: now } }, { id: { in: beyond.map((d) => d.id) } }] } });
  return { token, expiresAt };
}

export function deviceCookieOptions(expiresAt: Date, secure: boolean) {
  return { httpOnly: true, sameSite: "strict" as const, secure, path: DEVICE_COOKIE_PATH, expires: expiresAt };
}
