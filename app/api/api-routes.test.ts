import { beforeAll, describe, expect, it } from "vitest";
import { POST as signUpRoute } from "./auth/signup/route";
import { POST as signInRoute } from "./auth/signin/route";
import { POST as signOutRoute } from "./auth/signout/route";
import { POST as localeRoute } from "./locale/route";
import { GET as listProjectsRoute, POST as createProjectRoute } from "./projects/route";
import { DELETE as deleteProjectRoute, GET as getProjectRoute, PATCH as patchProjectRoute } from "./projects/[id]/route";
import { db } from "@/lib/server/db";
import { call, signUp, uniqueEmail } from "@/tests/route-helpers";

const project = { name: "Reviews", scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat", "api"] };

describe("POST /api/auth/signup", () => {
  it("creates the account and sets an httpOnly, SameSite session cookie", async () => {
    const r = await call(signUpRoute, { body: { email: `  Mixed.${Date.now()}@Example.TEST `, password: "studio-pass-1" } });
    expect(r.status).toBe(201);
    expect(r.json.user.email).toMatch(/^mixed\.\d+@example\.test$/);
    const cookie = r.res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/ams_session=[\w-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=lax/i);
    const stored = await db.user.findUnique({ where: { email: r.json.user.email } });
    expect(stored!.passwordHash).toMatch(/^scrypt\$/);
    expect(stored!.passwordHash).not.toContain("studio-pass-1");
  });

  it.each([
    [{ email: "not-an-email", password: "studio-pass-1" }, "email", "This does not look like an email address."],
    [{ email: "a@b.co", password: "short1" }, "password", "The password must have at least 8 characters."],
    [{ email: "a@b.co", password: "onlyletters" }, "password", "Use both letters and numbers in the password."],
    [{ email: "a@b.co", password: "password123" }, "password", "This password is too common and easy to guess. Choose another one."],
    [{ email: "a@b.co", password: "x".repeat(129) + "1" }, "password", "The password can have at most 128 characters."],
    [{ password: "studio-pass-1" }, "email", "Enter your email address."],
  ])("rejects %j with a field message", async (body, field, message) => {
    const r = await call(signUpRoute, { body });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe("validation");
    expect(r.json.error.fields[field]).toBe(message);
  });

  it("answers in Chinese when the user chose Chinese", async () => {
    const r = await call(signUpRoute, { body: { email: "a@b.co", password: "short1" }, cookie: "NEXT_LOCALE=zh-CN" });
    expect(r.json.error.fields.password).toBe("密码至少需要 8 个字符。");
  });

  it("refuses a duplicate email (case-insensitive) with 409 and keeps the first account", async () => {
    const first = await signUp();
    const r = await call(signUpRoute, { body: { email: first.email.toUpperCase(), password: "other-pass-2" } });
    expect(r.status).toBe(409);
    expect(r.json.error.fields.email).toMatch(/already exists/);
    expect(await db.user.count({ where: { email: first.email } })).toBe(1);
  });

  it("rejects malformed JSON, a non-JSON body and a cross-site origin", async () => {
    expect((await call(signUpRoute, { rawBody: "{oops", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await call(signUpRoute, { rawBody: "email=a", headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(415);
    const cross = await call(signUpRoute, { body: { email: uniqueEmail(), password: "studio-pass-1" }, headers: { origin: "https://evil.example" } });
    expect(cross.status).toBe(403);
    expect(cross.json.error.message).toMatch(/another website/);
  });

  it("rejects a body over 64 KB with 413", async () => {
    const r = await call(signUpRoute, { body: { email: "a@b.co", password: "studio-pass-1", name: "x".repeat(70_000) } });
    expect(r.status).toBe(413);
  });
});

describe("POST /api/auth/signin and /signout", () => {
  it("signs in with the right password and out again (the session stops working)", async () => {
    const u = await signUp();
    const r = await call(signInRoute, { body: { email: u.email, password: u.password } });
    expect(r.status).toBe(200);
    const cookie = r.res.headers.get("set-cookie")!.split(";")[0];
    expect((await call(listProjectsRoute, { method: "GET", cookie })).status).toBe(200);
    expect((await call(signOutRoute, { body: {}, cookie })).status).toBe(200);
    expect((await call(listProjectsRoute, { method: "GET", cookie })).status).toBe(401);
  });

  it("gives the same message for an unknown email and a wrong password", async () => {
    const u = await signUp();
    const wrong = await call(signInRoute, { body: { email: u.email, password: "wrong-pass-1" }, headers: { "x-studio-peer": "10.0.0.1" } });
    const unknown = await call(signInRoute, { body: { email: uniqueEmail(), password: "wrong-pass-1" }, headers: { "x-studio-peer": "10.0.0.2" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.error.message).toMatch(/^The email or password is not correct\./);
    expect(unknown.json.error.message.split(".")[0]).toBe(wrong.json.error.message.split(".")[0]);
  });

  it("rate-limits repeated failures for one account from one client with 429 and Retry-After, even with the right password", async () => {
    const u = await signUp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await call(signInRoute, { body: { email: u.email, password: `bad-guess-${i}` }, headers: { "x-studio-peer": "10.1.0.1" } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const blocked = await call(signInRoute, { body: { email: u.email, password: u.password }, headers: { "x-studio-peer": "10.1.0.1" } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.json.error.message).toMatch(/Too many sign-in attempts\. Try again in \d+ minutes?\./);
  });
});

describe("/api/projects", () => {
  let alice: { cookie: string };
  let bob: { cookie: string };
  beforeAll(async () => {
    alice = await signUp();
    bob = await signUp();
  });

  it("requires a session", async () => {
    const r = await call(createProjectRoute, { body: project });
    expect(r.status).toBe(401);
    expect(r.json.error.message).toBe("Please sign in to continue.");
  });

  it.each([
    [{ ...project, name: "  " }, "name", "Give the project a name."],
    [{ ...project, name: "x".repeat(81) }, "name", "The name can have at most 80 characters."],
    [{ ...project, scene: "time-travel" }, "scene", "This scene does not exist."],
    [{ ...project, modelType: "mobilenet-transfer" }, "modelType", "This model type is not available for the chosen scene."],
    [{ ...project, interfaces: [] }, "interfaces", "Choose at least one way to use the model."],
    [{ ...project, scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["chat"] }, "interfaces", "One of the chosen interfaces is not available for this scene."],
    [{ ...project, interfaces: ["telepathy"] }, "interfaces.0", "One of the chosen interfaces is not available for this scene."],
  ])("validates %j", async (body, field, message) => {
    const r = await call(createProjectRoute, { body, cookie: alice.cookie });
    expect(r.status).toBe(422);
    expect(r.json.error.fields[field]).toBe(message);
  });

  it("creates, lists, renames and refuses duplicate names per owner", async () => {
    const created = await call(createProjectRoute, { body: { ...project, name: "Tickets" }, cookie: alice.cookie });
    expect(created.status).toBe(201);
    expect(created.json.project).toMatchObject({ name: "Tickets", scene: "text-classification", status: "no-data", interfaces: ["chat", "api"] });
    const id = created.json.project.id;
    const dup = await call(createProjectRoute, { body: { ...project, name: "Tickets" }, cookie: alice.cookie });
    expect(dup.status).toBe(409);
    expect(dup.json.error.fields.name).toBe("You already have a project called “Tickets”. Choose another name.");
    // Another owner may use the same name.
    expect((await call(createProjectRoute, { body: { ...project, name: "Tickets" }, cookie: bob.cookie })).status).toBe(201);

    const list = await call(listProjectsRoute, { method: "GET", cookie: alice.cookie });
    expect(list.json.projects.map((p: { name: string }) => p.name)).toContain("Tickets");

    await call(createProjectRoute, { body: { ...project, name: "Other" }, cookie: alice.cookie });
    const clash = await call(patchProjectRoute, { method: "PATCH", body: { name: "Other" }, cookie: alice.cookie, params: { id } });
    expect(clash.status).toBe(409);
    const renamed = await call(patchProjectRoute, { method: "PATCH", body: { name: "Support tickets" }, cookie: alice.cookie, params: { id } });
    expect(renamed.status).toBe(200);
    expect(renamed.json.project.name).toBe("Support tickets");
    const empty = await call(patchProjectRoute, { method: "PATCH", body: {}, cookie: alice.cookie, params: { id } });
    expect(empty.status).toBe(422);
  });

  it("hides another user's project behind 404 for read, rename and delete", async () => {
    const created = await call(createProjectRoute, { body: { ...project, name: "Secret" }, cookie: alice.cookie });
    const id = created.json.project.id;
    expect((await call(getProjectRoute, { method: "GET", cookie: bob.cookie, params: { id } })).status).toBe(404);
    expect((await call(patchProjectRoute, { method: "PATCH", body: { name: "Mine now" }, cookie: bob.cookie, params: { id } })).status).toBe(404);
    expect((await call(deleteProjectRoute, { method: "DELETE", cookie: bob.cookie, params: { id } })).status).toBe(404);
    const still = await call(getProjectRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(still.json.project.name).toBe("Secret");
  });

  it("deleting a project deletes what belongs to it", async () => {
    const created = await call(createProjectRoute, { body: { ...project, name: "Doomed" }, cookie: alice.cookie });
    const id = created.json.project.id;
    const ds = await db.dataset.create({ data: { projectId: id, kind: "text" } });
    await db.sample.create({ data: { datasetId: ds.id, text: "hello", label: "greeting" } });
    await db.apiKey.create({ data: { projectId: id, name: "k", prefix: "ams_x", keyHash: `h-${id}` } });
    await db.shareLink.create({ data: { projectId: id, slug: `slug-${id}` } });
    const status = await call(getProjectRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(status.json.project.status).toBe("data-ready");

    expect((await call(deleteProjectRoute, { method: "DELETE", cookie: alice.cookie, params: { id } })).status).toBe(200);
    expect(await db.project.count({ where: { id } })).toBe(0);
    expect(await db.dataset.count({ where: { projectId: id } })).toBe(0);
    expect(await db.sample.count({ where: { datasetId: ds.id } })).toBe(0);
    expect(await db.apiKey.count({ where: { projectId: id } })).toBe(0);
    expect(await db.shareLink.count({ where: { projectId: id } })).toBe(0);
  });
});

describe("POST /api/locale", () => {
  it("remembers a supported language in a cookie and rejects others", async () => {
    const ok = await call(localeRoute, { body: { locale: "zh-CN" } });
    expect(ok.status).toBe(200);
    expect(ok.res.headers.get("set-cookie")).toMatch(/NEXT_LOCALE=zh-CN/);
    const bad = await call(localeRoute, { body: { locale: "fr" } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields.locale).toBe("This language is not available.");
  });
});
