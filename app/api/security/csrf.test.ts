import { beforeAll, describe, expect, it } from "vitest";
import { POST as signInRoute } from "@/app/api/auth/signin/route";
import { call } from "@/tests/route-helpers";
import { buildOwnerWorld, ownerState, type OwnerWorld } from "@/tests/security/owner-world";
import { discoverApiRoutes, routeTable, type Attempt, type DiscoveredRoute, type Entry } from "@/tests/security/route-table";

process.env.STUDIO_API_TF_BACKEND = "cpu";

// The route tests' own origin is http://localhost:3000 (tests/route-helpers.ts).
const SAME_ORIGIN = "http://localhost:3000";
const FOREIGN_ORIGINS = [
  "https://evil.example",
  "null",
  "http://localhost:3000.evil.example",
  "http://evil-localhost:3000",
  "http://localhost:3000@evil.example",
  "https://localhost:3000", // other scheme
  "http://localhost:3001", // other port
  "http://localhost", // no port
  "http://127.0.0.1:3000", // the same machine under another name is another origin
  "file://",
  "chrome-extension://abcdefghijklmnop",
];

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

async function asOwner(route: DiscoveredRoute, a: Attempt, origin: string | null) {
  let cookie = world.alice.cookie;
  // A refused sign-out must leave the main session alive (checked by the next requests).
  if (a.freshSession && origin === SAME_ORIGIN) {
    const s = await call(signInRoute, { body: { email: world.alice.email, password: world.alice.password } });
    cookie = s.res.headers.get("set-cookie")!.split(";")[0];
  }
  const params = a.params ?? {};
  return call(route.handler, {
    method: route.method,
    url: `http://localhost:3000${fill(route.path, params)}${a.query ? `?${a.query}` : ""}`,
    params,
    cookie,
    headers: { ...(a.headers ?? {}), ...(origin ? { origin } : {}) },
    ...(a.raw ? { rawBody: a.raw() } : a.body !== undefined ? { body: a.body } : {}),
  });
}

/** State-changing cookie routes: every non-GET route except the REST API (Bearer keys, no cookies, CORS *). */
function stateChanging(): { entry: Entry; route: DiscoveredRoute; attempt: Attempt }[] {
  return table
    .filter((e) => !["GET", "HEAD", "OPTIONS"].includes(e.key.split(" ")[0]) && !e.key.includes(" /api/v1/"))
    .map((entry) => ({
      entry,
      route: routes.find((r) => r.key === entry.key)!,
      // The owner's request, or (public routes) the one a visitor or a new user sends.
      attempt: entry.attempts.find((a) => a.who === "owner") ?? entry.attempts.find((a) => a.who === "visitor") ?? entry.attempts[0],
    }));
}

describe("cross-site request forgery", () => {
  it("covers every state-changing cookie route, found on disk", () => {
    const found = routes.filter((r) => !["GET", "HEAD", "OPTIONS"].includes(r.method) && !r.path.startsWith("/api/v1/")).map((r) => r.key);
    expect(new Set(stateChanging().map((s) => s.entry.key))).toEqual(new Set(found));
  });

  it("a foreign, `null` or look-alike Origin is refused with 403 on every state-changing route, and nothing changes", async () => {
    const before = await ownerState(world);
    const failures: string[] = [];
    for (const { entry, route, attempt } of stateChanging()) {
      for (const origin of FOREIGN_ORIGINS) {
        const r = await asOwner(route, attempt, origin);
        if (r.status !== 403 || !/another website/.test(r.json?.error?.message ?? "")) failures.push(`${entry.key} from ${origin}: ${r.status} ${JSON.stringify(r.json).slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await ownerState(world)).toEqual(before);
  });

  it("GET routes change nothing, whoever links to them (a cookie rides along on a top-level GET)", async () => {
    const before = await ownerState(world);
    for (const entry of table.filter((e) => e.key.startsWith("GET "))) {
      const route = routes.find((r) => r.key === entry.key)!;
      const attempt = entry.attempts.find((a) => a.who === "owner") ?? entry.attempts.find((a) => a.who === "visitor") ?? entry.attempts[0];
      await asOwner(route, attempt, "https://evil.example");
    }
    expect(await ownerState(world)).toEqual(before);
  });

  it("behind a proxy that is not trusted, only STUDIO_PUBLIC_URL vouches for an https page; its look-alikes stay refused", async () => {
    const route = routes.find((r) => r.key === "POST /api/locale")!;
    const send = (origin: string, peer = "10.9.8.7") =>
      call(route.handler, { body: { locale: "en" }, url: "http://studio.example/api/locale", headers: { host: "studio.example", origin, "x-studio-peer": peer, "x-forwarded-proto": "https" } });
    // Without the setting the request came over http as far as the server can tell: an https page is another origin.
    expect((await send("https://studio.example")).status).toBe(403);
    process.env.STUDIO_PUBLIC_URL = "https://studio.example";
    try {
      expect((await send("https://studio.example")).status).toBe(200);
      for (const origin of ["https://studio.example.evil.example", "https://evil.example", "http://studio.example:8080", "null"]) {
        expect((await send(origin)).status, origin).toBe(403);
      }
    } finally {
      delete process.env.STUDIO_PUBLIC_URL;
    }
  });

  it("the same requests from the studio's own origin are accepted", async () => {
    const failures: string[] = [];
    for (const { entry, route, attempt } of stateChanging()) {
      const r = await asOwner(route, attempt, SAME_ORIGIN);
      if (r.status !== attempt.expect) failures.push(`${entry.key}: ${r.status}, expected ${attempt.expect} ${JSON.stringify(r.json).slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
  });
});
