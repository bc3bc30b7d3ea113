import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as signInRoute } from "@/app/api/auth/signin/route";
import { POST as signOutRoute } from "@/app/api/auth/signout/route";
import { POST as signUpRoute } from "@/app/api/auth/signup/route";
import { GET as listProjectsRoute, POST as createProjectRoute } from "@/app/api/projects/route";
import { SESSION_COOKIE, userFromSessionToken } from "@/lib/server/auth";
import { db } from "@/lib/server/db";
import { call, signUp, uniqueEmail } from "@/tests/route-helpers";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const DAY = 24 * 60 * 60 * 1000;

/** The Set-Cookie line of the session cookie, parsed into its value and attributes (lower-case names). */
function sessionCookie(res: Response) {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  expect(line, "a session cookie is set").toBeTruthy();
  const [pair, ...attrs] = line!.split(";").map((s) => s.trim());
  const attributes = new Map(attrs.map((a) => [a.split("=")[0].toLowerCase(), a.includes("=") ? a.slice(a.indexOf("=") + 1) : ""]));
  return { value: pair.slice(SESSION_COOKIE.length + 1), attributes, all: res.headers.getSetCookie() };
}

const projects = (cookie: string) => call(listProjectsRoute, { method: "GET", cookie: `${SESSION_COOKIE}=${cookie}` });

describe("session cookie", () => {
  it.each([
    ["sign-up over http", "http"],
    ["sign-up over https", "https"],
    ["sign-in over http", "http"],
    ["sign-in over https", "https"],
  ] as const)("%s: httpOnly, SameSite=Lax, Path=/, 30 days, Secure exactly when the page is https; a 256-bit token stored only as its SHA-256", async (what, scheme) => {
    const email = uniqueEmail();
    const url = `${scheme}://localhost:3000/api/auth/${what.startsWith("sign-up") ? "signup" : "signin"}`;
    if (what.startsWith("sign-in")) await signUp(email);
    const r = await call(what.startsWith("sign-up") ? signUpRoute : signInRoute, { url, body: { email, password: "studio-pass-1" } });
    expect(r.status).toBe(what.startsWith("sign-up") ? 201 : 200);
    const c = sessionCookie(r.res);
    expect(c.attributes.has("httponly")).toBe(true);
    expect(c.attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(c.attributes.get("path")).toBe("/");
    expect(c.attributes.has("domain")).toBe(false); // host-only: no other host under the domain gets it
    expect(c.attributes.has("secure")).toBe(scheme === "https");
    const expires = Date.parse(c.attributes.get("expires")!);
    expect(Math.abs(expires - (Date.now() + 30 * DAY))).toBeLessThan(60_000);
    // Every cookie a sign-in sets is out of reach of page scripts, and Secure over https.
    for (const line of c.all) {
      expect(line.toLowerCase(), line).toContain("httponly");
      if (scheme === "https") expect(line.toLowerCase(), line).toContain("secure");
    }
    expect(c.value).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(await db.session.count({ where: { tokenHash: sha256(c.value) } })).toBe(1);
    expect(await db.session.count({ where: { tokenHash: c.value } })).toBe(0);
  });

  it("a changed, over-long, unknown or expired token is no session (and an expired one is deleted)", async () => {
    const u = await signUp();
    const token = u.cookie.split("=")[1];
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const bad of [flipped, `${token}x`, token.slice(1), "x".repeat(5000), "", "null", "undefined"]) {
      expect((await projects(bad)).status, bad.slice(0, 20)).toBe(401);
    }
    expect((await projects(token)).status).toBe(200);
    await db.session.updateMany({ where: { tokenHash: sha256(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await projects(token)).status).toBe(401);
    expect(await db.session.count({ where: { tokenHash: sha256(token) } })).toBe(0);
  });
});

describe("sign-out", () => {
  it("deletes the session on the server, so a copy of the old cookie stops working too, and clears the cookie; other sessions stay", async () => {
    const u = await signUp();
    const other = await call(signInRoute, { body: { email: u.email, password: u.password } });
    const otherToken = sessionCookie(other.res).value;
    const token = u.cookie.split("=")[1];
    const out = await call(signOutRoute, { body: {}, cookie: u.cookie });
    expect(out.status).toBe(200);
    const cleared = sessionCookie(out.res);
    expect(cleared.value).toBe("");
    expect(Date.parse(cleared.attributes.get("expires") ?? "Thu, 01 Jan 1970 00:00:00 GMT")).toBeLessThan(Date.now());
    expect(await db.session.count({ where: { tokenHash: sha256(token) } })).toBe(0);
    // The stolen or copied value, replayed: no longer a session anywhere.
    expect((await projects(token)).status).toBe(401);
    const create = await call(createProjectRoute, { body: { name: "after sign-out", scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] }, cookie: `${SESSION_COOKIE}=${token}` });
    expect(create.status).toBe(401);
    expect(await userFromSessionToken(token)).toBeNull();
    // Signing out one browser does not sign out the others.
    expect((await projects(otherToken)).status).toBe(200);
  });
});

describe("session fixation", () => {
  it("a value planted in the browser before sign-in is not the session afterwards", async () => {
    const u = await signUp();
    const planted = "planted-by-attacker-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const r = await call(signInRoute, { body: { email: u.email, password: u.password }, cookie: `${SESSION_COOKIE}=${planted}` });
    expect(r.status).toBe(200);
    const fresh = sessionCookie(r.res).value;
    expect(fresh).not.toBe(planted);
    expect((await projects(planted)).status).toBe(401);
    expect((await userFromSessionToken(fresh))?.email).toBe(u.email);
  });

  it("an attacker's own valid session planted in the victim's browser stays the attacker's; the victim gets a new one", async () => {
    const attacker = await signUp();
    const victim = await signUp();
    const attackerToken = attacker.cookie.split("=")[1];
    const signIn = await call(signInRoute, { body: { email: victim.email, password: victim.password }, cookie: attacker.cookie });
    expect(signIn.status).toBe(200);
    const victimToken = sessionCookie(signIn.res).value;
    expect(victimToken).not.toBe(attackerToken);
    expect((await userFromSessionToken(attackerToken))?.email).toBe(attacker.email);
    expect((await userFromSessionToken(victimToken))?.email).toBe(victim.email);
    // Sign-up as well: a new account always gets a new session.
    const signup = await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, cookie: attacker.cookie });
    expect(sessionCookie(signup.res).value).not.toBe(attackerToken);
    expect((await userFromSessionToken(attackerToken))?.email).toBe(attacker.email);
  });
});
