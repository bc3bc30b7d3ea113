import { beforeAll, describe, expect, it } from "vitest";
import { POST as signInRoute } from "@/app/api/auth/signin/route";
import { userFromSessionToken } from "@/lib/server/auth";
import { call } from "@/tests/route-helpers";
import { buildOwnerWorld, ownerState, type OwnerWorld } from "@/tests/security/owner-world";
import { discoverApiRoutes, routeTable, type Attempt, type DiscoveredRoute, type Entry } from "@/tests/security/route-table";

// The REST API runs models in Node: the cpu backend is enough for the tiny bots here.
process.env.STUDIO_API_TF_BACKEND = "cpu";

let world: OwnerWorld;
let routes: DiscoveredRoute[];
let table: Entry[];

beforeAll(async () => {
  routes = await discoverApiRoutes();
  world = await buildOwnerWorld();
  table = routeTable(world);
}, 120_000);

function fill(path: string, params: Record<string, string>) {
  return path.replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
}

async function freshCookie(user: { email: string; password: string }) {
  const s = await call(signInRoute, { body: { email: user.email, password: user.password } });
  expect(s.status).toBe(200);
  return s.res.headers.get("set-cookie")!.split(";")[0];
}

async function send(route: DiscoveredRoute, a: Attempt) {
  const headers: Record<string, string> = { ...(a.headers ?? {}) };
  if (a.who === "otherKey") headers.authorization = `Bearer ${world.bobBot.keySecret}`;
  if (a.who === "owner" && route.path.startsWith("/api/v1/models")) headers.authorization = `Bearer ${world.bot.keySecret}`;
  if (a.who === "embedSlug") headers.origin ??= "https://evil.example";
  const credentials: Record<string, string | undefined> = {
    anonymous: undefined,
    visitor: undefined,
    otherKey: undefined,
    otherUser: world.bob.cookie,
    shareSlug: world.bob.cookie,
    embedSlug: world.bob.cookie,
    owner: world.alice.cookie,
  };
  if (a.freshSession) credentials[a.who] = await freshCookie(a.who === "owner" ? world.alice : world.bob);
  const params = a.params ?? {};
  const r = await call(route.handler, {
    method: route.method,
    url: `http://localhost:3000${fill(route.path, params)}${a.query ? `?${a.query}` : ""}`,
    params,
    cookie: credentials[a.who],
    headers,
    ...(a.raw ? { rawBody: a.raw() } : a.body !== undefined ? { body: a.body } : {}),
  });
  const bytes = r.json === null && route.method !== "OPTIONS" ? new Uint8Array(await r.res.arrayBuffer()) : null;
  const text = r.json !== null ? JSON.stringify(r.json) : bytes ? Buffer.from(bytes).toString("latin1") : "";
  return { status: r.status, text, bytes, json: r.json, res: r.res };
}

/** What the server knows about itself and no answer may show: where its data is, and how it reaches its services. */
const serverSecrets = ["DATABASE_URL", "DATA_DIR", "REDIS_URL", "STUDIO_S3_BUCKET", "STUDIO_S3_ACCESS_KEY_ID", "STUDIO_S3_SECRET_ACCESS_KEY", "STUDIO_S3_ENDPOINT", "AWS_SECRET_ACCESS_KEY"]
  .map((name) => process.env[name])
  .filter((v): v is string => typeof v === "string" && v.length >= 8);

const label = (e: Entry, a: Attempt) => `${e.key} as ${a.who}${a.params ? ` ${JSON.stringify(a.params)}` : ""}${a.query ? ` ?${a.query}` : ""}`;

describe("authorization matrix over every route under app/api", () => {
  it("every route file and exported method is in the matrix (a new route must be added to tests/security/route-table.ts)", () => {
    const found = routes.map((r) => r.key).sort();
    const listed = [...new Set(table.map((e) => e.key))].sort();
    expect(found.length).toBeGreaterThan(40);
    expect(found.filter((k) => !listed.includes(k)), "routes missing from the matrix").toEqual([]);
    expect(listed.filter((k) => !found.includes(k)), "matrix entries without a route").toEqual([]);
    for (const e of table) {
      const studioRoute = e.key.includes(" /api/projects/[id]");
      if (!studioRoute) continue;
      expect(e.attempts.map((a) => a.who), e.key).toEqual(["anonymous", "otherUser", "shareSlug", "embedSlug", "otherKey", "owner"]);
    }
  });

  it("anonymous, another user, a share slug, an embed slug from an unlisted page and another project's key get 401/403/404 with nothing of the owner; public links reach only their own model", async () => {
    const before = await ownerState(world);
    const failures: string[] = [];
    let count = 0;
    for (const entry of table) {
      const route = routes.find((r) => r.key === entry.key)!;
      for (const a of entry.attempts.filter((x) => x.who !== "owner")) {
        count++;
        const r = await send(route, a);
        const what = label(entry, a);
        if (r.status !== a.expect) failures.push(`${what}: ${r.status}, expected ${a.expect} ${r.text.slice(0, 200)}`);
        // A visitor's allowed answer may show the public face of the model (name, replies), never the rest.
        const forbidden = a.who === "visitor" && r.status < 300 ? world.hidden : world.secrets;
        for (const s of [...forbidden, ...serverSecrets]) if (r.text.includes(s)) failures.push(`${what}: the answer contains "${s}"`);
        if (a.bytes && r.bytes && !Buffer.from(r.bytes).equals(Buffer.from(a.bytes))) failures.push(`${what}: not the bytes of the model this link names`);
        if (a.who === "visitor" && a.bytes === world.bot.bundle && r.bytes && Buffer.from(r.bytes).equals(Buffer.from(world.bobBot.bundle))) failures.push(`${what}: another model`);
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(200);
    // Nothing the attackers sent changed anything of the owner's (events of the public link aside).
    expect(await ownerState(world)).toEqual(before);
    expect((await userFromSessionToken(world.alice.cookie.split("=")[1]))?.email).toBe(world.alice.email);
  });

  it("the owner's same requests succeed (so the refusals above are about who asks, not a bad request)", async () => {
    const failures: string[] = [];
    const rank = (m: string) => (m === "DELETE" ? 2 : ["GET", "OPTIONS"].includes(m) ? 0 : 1);
    const ownerAttempts = table
      .flatMap((entry) => entry.attempts.filter((a) => a.who === "owner").map((a) => ({ entry, a })))
      .sort((x, y) => rank(x.entry.key.split(" ")[0]) - rank(y.entry.key.split(" ")[0]));
    for (const { entry, a } of ownerAttempts) {
      const route = routes.find((r) => r.key === entry.key)!;
      const r = await send(route, a);
      if (r.status !== a.expect) failures.push(`${label(entry, a)}: ${r.status}, expected ${a.expect} ${r.text.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
  });
});
