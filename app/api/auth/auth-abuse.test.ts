import { afterEach, describe, expect, it } from "vitest";
import { POST as signUpRoute } from "./signup/route";
import { POST as signInRoute } from "./signin/route";
import { POST as signOutRoute } from "./signout/route";
import { GET as listProjectsRoute, POST as createProjectRoute } from "../projects/route";
import {
  SIGNIN_LIMIT_PER_CLIENT,
  SIGNIN_LIMIT_PER_EMAIL,
  SIGNIN_LIMIT_PER_PAIR,
  SIGNIN_PAUSE_BASE_MS,
  authLimitKeys,
} from "@/lib/server/auth-limits";
import { db } from "@/lib/server/db";
import { sharedStore } from "@/lib/server/rate-limit";
import { DEVICE_COOKIE } from "@/lib/server/known-devices";
import { sha256 } from "@/lib/server/tokens";
import { call, signUp, uniqueEmail } from "@/tests/route-helpers";

// Each test takes its own block of peer addresses, so the per-client limits of one test never
// touch another's. x-studio-peer is what scripts/server.mjs writes: the TCP peer.
let block = 0;
const peers = () => {
  const b = ++block;
  let n = 0;
  return () => `10.${100 + b}.${Math.floor(n / 250)}.${(n++ % 250) + 1}`;
};
const randomIp = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}`;

const envBefore = { ...process.env };
afterEach(() => {
  for (const name of ["STUDIO_SIGNIN_CLIENT_LIMIT", "STUDIO_SIGNUP_LIMIT", "STUDIO_TRUSTED_PROXIES"]) {
    if (envBefore[name] === undefined) delete process.env[name];
    else process.env[name] = envBefore[name];
  }
});

function signIn(email: string, password: string, headers: Record<string, string>, cookie?: string) {
  return call(signInRoute, { body: { email, password }, headers, cookie });
}

function setCookies(res: Response): Record<string, string> {
  return Object.fromEntries(res.headers.getSetCookie().map((c) => [c.split("=")[0], c]));
}

function deviceCookieOf(res: Response): string {
  const raw = setCookies(res)[DEVICE_COOKIE];
  expect(raw).toBeDefined();
  return raw.split(";")[0];
}

/** Moves a pause into the past, as if its time had passed. */
async function endPause(email: string) {
  const store = sharedStore();
  const pause = await store.read(authLimitKeys.pause(email));
  expect(pause).not.toBeNull();
  await store.remove(authLimitKeys.pause(email));
}

describe("per-client limits count the TCP peer, not X-Forwarded-For (issue 11, failure 4)", () => {
  it("35 sign-ins from one peer with a rotating X-Forwarded-For get 429 at the per-client limit", async () => {
    delete process.env.STUDIO_SIGNIN_CLIENT_LIMIT; // the default limit
    const peer = peers()();
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) {
      const r = await signIn(uniqueEmail(), "wrong-pass-1", { "x-studio-peer": peer, "x-forwarded-for": randomIp(), "x-real-ip": randomIp() });
      statuses.push(r.status);
      if (i === 34) {
        expect(Number(r.res.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(r.json.error.message).toMatch(/^Too many sign-in attempts\. Try again in \d+ minutes?\.$/);
      }
    }
    // Each attempt names a new email, so only the per-client limit can stop them.
    expect(statuses.slice(0, SIGNIN_LIMIT_PER_CLIENT - 1)).toEqual(new Array(SIGNIN_LIMIT_PER_CLIENT - 1).fill(401));
    expect(statuses.slice(SIGNIN_LIMIT_PER_CLIENT - 1)).toEqual(new Array(35 - SIGNIN_LIMIT_PER_CLIENT + 1).fill(429));
    // Another peer is another client.
    expect((await signIn(uniqueEmail(), "wrong-pass-1", { "x-studio-peer": "10.99.0.1" })).status).toBe(401);
  });

  it("with STUDIO_TRUSTED_PROXIES=1 the client the proxy names is counted, not what the client prepended", async () => {
    process.env.STUDIO_TRUSTED_PROXIES = "1";
    process.env.STUDIO_SIGNIN_CLIENT_LIMIT = "3";
    const proxy = "10.98.0.1";
    const via = (client: string, spoofed = randomIp()) => ({ "x-studio-peer": proxy, "x-forwarded-for": `${spoofed}, ${client}` });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(uniqueEmail(), "wrong-pass-1", via("198.51.100.7"))).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
    // Another client behind the same proxy is not limited.
    expect((await signIn(uniqueEmail(), "wrong-pass-1", via("198.51.100.8"))).status).toBe(401);
  });

  it("without trusted proxies, X-Forwarded-Proto does not make the session cookie Secure, and X-Forwarded-Host does not pass the same-origin check", async () => {
    const email = uniqueEmail();
    const direct = await call(signUpRoute, {
      body: { email, password: "studio-pass-1" },
      headers: { "x-studio-peer": "10.97.0.1", "x-forwarded-proto": "https" },
    });
    expect(direct.status).toBe(201);
    expect(setCookies(direct.res).ams_session).not.toMatch(/;\s*Secure/i);
    const forged = await call(signUpRoute, {
      body: { email: uniqueEmail(), password: "studio-pass-1" },
      headers: { "x-studio-peer": "10.97.0.1", origin: "https://evil.example", "x-forwarded-host": "evil.example" },
    });
    expect(forged.status).toBe(403);
  });

  it("behind a trusted proxy, its X-Forwarded-Proto and -Host count: Secure cookies and the same-origin check work", async () => {
    process.env.STUDIO_TRUSTED_PROXIES = "10.96.0.0/16";
    const headers = {
      "x-studio-peer": "10.96.0.5",
      "x-forwarded-for": "198.51.100.20",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "studio.example",
      host: "127.0.0.1:3000",
      origin: "https://studio.example",
    };
    const r = await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, headers });
    expect(r.status).toBe(201);
    expect(setCookies(r.res).ams_session).toMatch(/;\s*Secure/i);
    expect(setCookies(r.res)[DEVICE_COOKIE]).toMatch(/;\s*Secure/i);
    // A look-alike origin is still refused behind the proxy.
    const cross = await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, headers: { ...headers, origin: "https://studio.example.evil.example" } });
    expect(cross.status).toBe(403);
  });
});

describe("simultaneous sign-ins are counted before the password is checked (failure 5)", () => {
  it("40 simultaneous attempts for one email from one client: at most the limit are checked, then the right password is refused too", async () => {
    const owner = await signUp();
    const peer = peers()();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(owner.email, `wrong-guess-${i}`, { "x-studio-peer": peer })),
    );
    const statuses = results.map((r) => r.status);
    // Checked wrong passwords answer 401, except the one that used up the limit (429 like the rest).
    expect(statuses.filter((s) => s === 401).length).toBe(SIGNIN_LIMIT_PER_PAIR - 1);
    expect(statuses.filter((s) => s === 429).length).toBe(40 - SIGNIN_LIMIT_PER_PAIR + 1);
    // The pair's count holds every wrong password that was checked (refused attempts count nowhere).
    expect((await sharedStore().read(authLimitKeys.pair(owner.email, peer)))!.count).toBe(SIGNIN_LIMIT_PER_PAIR);
    const right = await Promise.all(Array.from({ length: 10 }, () => signIn(owner.email, owner.password, { "x-studio-peer": peer })));
    expect(right.map((r) => r.status)).toEqual(new Array(10).fill(429));
    const user = await db.user.findUniqueOrThrow({ where: { email: owner.email } });
    // Only the sign-up's session exists: no attempt signed in.
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("simultaneous right and wrong passwords: no more than the limit of wrong ones are checked, and none succeeds once the limit is reached", async () => {
    const owner = await signUp();
    const peer = peers()();
    const mixed = () =>
      Promise.all(Array.from({ length: 40 }, (_, i) => signIn(owner.email, i % 4 === 3 ? owner.password : `wrong-guess-${i}`, { "x-studio-peer": peer })));
    const results = await mixed();
    // A right password counts nowhere; every wrong one checked stays counted, and the one that
    // reaches the limit answers 429: so at most limit - 1 answers say "wrong password".
    expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(SIGNIN_LIMIT_PER_PAIR - 1);
    expect(results.every((r) => [200, 401, 429].includes(r.status))).toBe(true);
    const pairKey = authLimitKeys.pair(owner.email, peer);
    expect((await sharedStore().read(pairKey))!.count).toBeLessThanOrEqual(SIGNIN_LIMIT_PER_PAIR);
    // Use up what is left of the limit, then the same burst again: nothing gets through.
    for (let i = 0; i < SIGNIN_LIMIT_PER_PAIR; i++) await signIn(owner.email, `more-wrong-${i}`, { "x-studio-peer": peer });
    const user = await db.user.findUniqueOrThrow({ where: { email: owner.email } });
    const sessions = await db.session.count({ where: { userId: user.id } });
    const again = await mixed();
    expect(again.map((r) => r.status)).toEqual(new Array(40).fill(429));
    expect(await db.session.count({ where: { userId: user.id } })).toBe(sessions);
  });
});

describe("strangers cannot lock the owner out, and still cannot guess (failure 6)", () => {
  it("strangers from many addresses exhaust every limit; the owner's device still signs in; the pause grows each time", async () => {
    const owner = await signUp();
    const peer = peers();
    // The owner's own browser signed in before: it holds the known-device cookie.
    const ownerPeer = peer();
    const first = await signIn(owner.email, owner.password, { "x-studio-peer": ownerPeer });
    expect(first.status).toBe(200);
    const device = deviceCookieOf(first.res);
    const deviceRow = await db.knownDevice.findUnique({ where: { tokenHash: sha256(device.split("=")[1]) } });
    expect(deviceRow).not.toBeNull(); // stored as a hash only

    const retryAfters: number[] = [];
    for (let round = 0; round < 3; round++) {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof signIn>> | null = null;
      for (let i = 0; i < SIGNIN_LIMIT_PER_EMAIL; i++) {
        last = await signIn(owner.email, `stranger-${round}-${i}`, { "x-studio-peer": peer() });
        statuses.push(last.status);
      }
      expect(statuses.slice(0, -1)).toEqual(new Array(SIGNIN_LIMIT_PER_EMAIL - 1).fill(401));
      expect(last!.status).toBe(429);
      expect(last!.json.error.message).toMatch(/^Too many wrong passwords were tried for this account\. Sign-in is paused for \d+ minutes?;/);
      retryAfters.push(Number(last!.res.headers.get("retry-after")));

      // During the pause every stranger is refused before any password is checked…
      const refused = await signIn(owner.email, owner.password, { "x-studio-peer": peer() });
      expect(refused.status).toBe(429);
      // …but the owner's known device signs in with the right password (also from a new address).
      const mine = await signIn(owner.email, owner.password, { "x-studio-peer": peer() }, device);
      expect(mine.status).toBe(200);
      expect(deviceCookieOf(mine.res)).toBe(device); // the same device, its time extended
      await endPause(owner.email);
    }
    expect(retryAfters[0]).toBeGreaterThan(SIGNIN_PAUSE_BASE_MS / 1000 - 5);
    expect(retryAfters[0]).toBeLessThanOrEqual(SIGNIN_PAUSE_BASE_MS / 1000);
    expect(retryAfters[1]).toBeGreaterThan(retryAfters[0] * 1.9);
    expect(retryAfters[2]).toBeGreaterThan(retryAfters[1] * 1.9);
  });

  it("a stranger at the owner's own address uses up that address, but not the owner's device", async () => {
    const owner = await signUp();
    const shared = peers()(); // one office or carrier-grade NAT address
    const first = await signIn(owner.email, owner.password, { "x-studio-peer": shared });
    const device = deviceCookieOf(first.res);
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await signIn(owner.email, `stranger-${i}`, { "x-studio-peer": shared })).status);
    // One stranger gets the pair limit of guesses, then nothing.
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429, 429]);
    expect((await signIn(owner.email, owner.password, { "x-studio-peer": shared })).status).toBe(429);
    expect((await signIn(owner.email, owner.password, { "x-studio-peer": shared }, device)).status).toBe(200);
  });

  it("a known device is still limited: a stolen device cookie gives no more guesses than the pair limit", async () => {
    const owner = await signUp();
    const peer = peers();
    const device = deviceCookieOf((await signIn(owner.email, owner.password, { "x-studio-peer": peer() })).res);
    const statuses = [];
    // From a new address each time: the device's own count still applies.
    for (let i = 0; i < 7; i++) statuses.push((await signIn(owner.email, `guess-${i}`, { "x-studio-peer": peer() }, device)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429]);
    expect((await signIn(owner.email, owner.password, { "x-studio-peer": peer() }, device)).status).toBe(429);
  });

  it("a device cookie of another account does not exempt anyone from the pause", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const peer = peers();
    const strangerDevice = deviceCookieOf((await signIn(stranger.email, stranger.password, { "x-studio-peer": peer() })).res);
    for (let i = 0; i < SIGNIN_LIMIT_PER_EMAIL; i++) await signIn(owner.email, `stranger-${i}`, { "x-studio-peer": peer() }, strangerDevice);
    const r = await signIn(owner.email, owner.password, { "x-studio-peer": peer() }, strangerDevice);
    expect(r.status).toBe(429);
    expect(r.json.error.message).toMatch(/paused/);
  });

  it("sign-up and sign-in set the known-device cookie: httpOnly, SameSite=Strict, only for /api/auth; sign-out keeps it", async () => {
    const r = await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, headers: { "x-studio-peer": peers()() } });
    const raw = setCookies(r.res)[DEVICE_COOKIE];
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/SameSite=strict/i);
    expect(raw).toMatch(/Path=\/api\/auth/);
    expect(new Date(/Expires=([^;]+)/i.exec(raw)![1]).getTime() - Date.now()).toBeGreaterThan(100 * 24 * 3600 * 1000);
    const session = setCookies(r.res).ams_session.split(";")[0];
    const out = await call(signOutRoute, { body: {}, cookie: session });
    expect(setCookies(out.res)[DEVICE_COOKIE]).toBeUndefined();
    expect((await call(listProjectsRoute, { method: "GET", cookie: session })).status).toBe(401);
  });

  it("answers a pause in Chinese for a Chinese user", async () => {
    const email = uniqueEmail();
    const peer = peers();
    let last = null;
    for (let i = 0; i < SIGNIN_LIMIT_PER_EMAIL; i++) last = await call(signInRoute, { body: { email, password: `x-${i}-guess` }, headers: { "x-studio-peer": peer() }, cookie: "NEXT_LOCALE=zh-CN" });
    expect(last!.status).toBe(429);
    expect(last!.json.error.message).toMatch(/^此账户的错误密码尝试过多，登录已暂停 \d+ 分钟/);
  });
});

describe("sign-up is limited per client (failure 7)", () => {
  it("refuses sign-ups beyond the limit with 429, Retry-After and a plain message; other clients go on; a taken email still says 409", async () => {
    const taken = await signUp();
    process.env.STUDIO_SIGNUP_LIMIT = "3";
    const peer = peers()();
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, headers: { "x-studio-peer": peer, "x-forwarded-for": randomIp() } })).status);
    // Probing a registered email counts too (it is how one would list accounts).
    statuses.push((await call(signUpRoute, { body: { email: taken.email, password: "studio-pass-1" }, headers: { "x-studio-peer": peer } })).status);
    expect(statuses).toEqual([201, 201, 409]);
    const refused = await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, headers: { "x-studio-peer": peer, "x-forwarded-for": randomIp() } });
    expect(refused.status).toBe(429);
    expect(Number(refused.res.headers.get("retry-after"))).toBeGreaterThan(3000);
    expect(refused.json.error.message).toMatch(/^Too many accounts were created from this network\. Try again in \d+ minutes\.$/);
    const zh = await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, headers: { "x-studio-peer": peer }, cookie: "NEXT_LOCALE=zh-CN" });
    expect(zh.json.error.message).toMatch(/^此网络创建的账户过多，请 \d+ 分钟后再试。$/);
    expect((await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, headers: { "x-studio-peer": "10.95.0.1" } })).status).toBe(201);
  });

  it("40 sign-ups at once from one client: only the limit get accounts", async () => {
    process.env.STUDIO_SIGNUP_LIMIT = "5";
    const peer = peers()();
    const emails = Array.from({ length: 40 }, () => uniqueEmail());
    const results = await Promise.all(emails.map((email) => call(signUpRoute, { body: { email, password: "studio-pass-1" }, headers: { "x-studio-peer": peer } })));
    expect(results.filter((r) => r.status === 201).length).toBe(5);
    expect(results.filter((r) => r.status === 429).length).toBe(35);
    expect(await db.user.count({ where: { email: { in: emails } } })).toBe(5);
  });

  it("the default is 10 accounts per client and hour", async () => {
    delete process.env.STUDIO_SIGNUP_LIMIT;
    const peer = peers()();
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, headers: { "x-studio-peer": peer } })).status);
    expect(statuses).toEqual([...new Array(10).fill(201), 429]);
  });
});

describe("the session still works after all this", () => {
  it("a signed-in owner can use the studio", async () => {
    const u = await signUp();
    const r = await call(createProjectRoute, { body: { name: "After limits", scene: "text-classification", modelType: "ngram-bag", interfaces: ["api"] }, cookie: u.cookie });
    expect(r.status).toBe(201);
  });
});
