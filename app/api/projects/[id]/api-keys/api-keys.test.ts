import { describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { GET as listRoute, POST as createRoute } from "./route";
import { DELETE as revokeRoute } from "./[keyId]/route";
import { db } from "@/lib/server/db";
import { sha256 } from "@/lib/server/tokens";
import { call, signUp } from "@/tests/route-helpers";

async function newProject(cookie: string) {
  const r = await call(createProjectRoute, { body: { name: `k-${Math.random()}`, scene: "text-classification", modelType: "ngram-bag", interfaces: ["api"] }, cookie });
  return r.json.project.id as string;
}

describe("API keys", () => {
  it("creates a key shown once, stores only its SHA-256, and gives the project a stable slug", async () => {
    const alice = await signUp();
    const id = await newProject(alice.cookie);
    const empty = await call(listRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(empty.json).toEqual({ slug: null, keys: [] });

    const first = await call(createRoute, { body: { name: "  Backend  " }, cookie: alice.cookie, params: { id } });
    expect(first.status).toBe(201);
    expect(first.res.headers.get("cache-control")).toBe("no-store");
    const { secret, slug, key } = first.json;
    expect(secret).toMatch(/^ams_[0-9A-Za-z]{40}$/);
    expect(slug).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(key).toMatchObject({ name: "Backend", prefix: secret.slice(0, 12), lastUsedAt: null, revokedAt: null });

    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.keyHash).toBe(sha256(secret));
    expect(JSON.stringify(row)).not.toContain(secret);

    const second = await call(createRoute, { body: { name: "Mobile app" }, cookie: alice.cookie, params: { id } });
    expect(second.json.slug).toBe(slug);
    expect(second.json.secret).not.toBe(secret);

    const list = await call(listRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(list.json.slug).toBe(slug);
    expect(list.json.keys.map((k: { name: string }) => k.name)).toEqual(["Mobile app", "Backend"]);
    expect(JSON.stringify(list.json)).not.toContain(secret.slice(12));
  });

  it("revokes a key; revoking again keeps the first time", async () => {
    const alice = await signUp();
    const id = await newProject(alice.cookie);
    const { key } = (await call(createRoute, { body: { name: "temp" }, cookie: alice.cookie, params: { id } })).json;
    const revoked = await call(revokeRoute, { method: "DELETE", cookie: alice.cookie, params: { id, keyId: key.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.json.key.revokedAt).toEqual(expect.any(String));
    const again = await call(revokeRoute, { method: "DELETE", cookie: alice.cookie, params: { id, keyId: key.id } });
    expect(again.json.key.revokedAt).toBe(revoked.json.key.revokedAt);
    const list = await call(listRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(list.json.keys[0].revokedAt).toBe(revoked.json.key.revokedAt);
  });

  it("asks for a name in plain words", async () => {
    const alice = await signUp();
    const id = await newProject(alice.cookie);
    const r = await call(createRoute, { body: { name: "   " }, cookie: alice.cookie, params: { id } });
    expect(r.status).toBe(422);
    expect(r.json.error.message).toBe("Give the key a name, e.g. where it will be used.");
  });

  it("another user can neither list, create nor revoke keys of the project (404), nor sign in-less callers (401)", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const id = await newProject(alice.cookie);
    const { key } = (await call(createRoute, { body: { name: "mine" }, cookie: alice.cookie, params: { id } })).json;
    expect((await call(listRoute, { method: "GET", cookie: bob.cookie, params: { id } })).status).toBe(404);
    expect((await call(createRoute, { body: { name: "theirs" }, cookie: bob.cookie, params: { id } })).status).toBe(404);
    expect((await call(revokeRoute, { method: "DELETE", cookie: bob.cookie, params: { id, keyId: key.id } })).status).toBe(404);
    // Bob's own project cannot reach Alice's key either.
    const bobProject = await newProject(bob.cookie);
    expect((await call(revokeRoute, { method: "DELETE", cookie: bob.cookie, params: { id: bobProject, keyId: key.id } })).status).toBe(404);
    expect((await call(listRoute, { method: "GET", params: { id } })).status).toBe(401);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();
    expect(await db.apiKey.count({ where: { projectId: id } })).toBe(1);
  });

  it("refuses a cross-site request to create a key", async () => {
    const alice = await signUp();
    const id = await newProject(alice.cookie);
    const r = await call(createRoute, { body: { name: "csrf" }, cookie: alice.cookie, params: { id }, headers: { origin: "https://evil.example" } });
    expect(r.status).toBe(403);
    expect(await db.apiKey.count({ where: { projectId: id } })).toBe(0);
  });
});
