import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { PATCH as renameRoute } from "@/app/api/projects/[id]/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { POST as sampleDatasetRoute } from "@/app/api/projects/[id]/sample-dataset/route";
import { GET as trainingDataRoute } from "@/app/api/projects/[id]/training-data/route";
import { GET as getShareRoute, PATCH as patchShareRoute } from "@/app/api/projects/[id]/share/route";
import { POST as rotateRoute } from "@/app/api/projects/[id]/share/rotate/route";
import { GET as getEmbedRoute, PATCH as patchEmbedRoute } from "@/app/api/projects/[id]/embed/route";
import { GET as publicShareRoute } from "@/app/api/public/share/[slug]/route";
import { GET as publicShareBundleRoute } from "@/app/api/public/share/[slug]/bundle/route";
import { GET as publicEmbedRoute } from "@/app/api/public/embed/[slug]/route";
import { GET as publicEmbedBundleRoute } from "@/app/api/public/embed/[slug]/bundle/route";
import { POST as eventsRoute } from "@/app/api/public/events/route";
import { DELETE as deleteProjectRoute } from "@/app/api/projects/[id]/route";
import { PUT as chatSettingsRoute } from "@/app/api/projects/[id]/chat-settings/route";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { normaliseOrigin } from "@/lib/schemas/sharing";
import { db } from "@/lib/server/db";
import { entityProject, smallEntityBundle } from "@/tests/entity-model";
import { call, signUp } from "@/tests/route-helpers";

let alice: { cookie: string; email: string };
let bob: { cookie: string; email: string };
let projectId: string;
let bundle: Uint8Array;

const SHOP = "https://shop.example";

const share = (cookie: string, body?: unknown) =>
  body === undefined
    ? call(getShareRoute, { method: "GET", cookie, params: { id: projectId } })
    : call(patchShareRoute, { method: "PATCH", body, cookie, params: { id: projectId } });
const embed = (cookie: string, body?: unknown) =>
  body === undefined
    ? call(getEmbedRoute, { method: "GET", cookie, params: { id: projectId } })
    : call(patchEmbedRoute, { method: "PATCH", body, cookie, params: { id: projectId } });
const visitShare = (slug: string) => call(publicShareRoute, { method: "GET", params: { slug } });
const visitEmbed = (slug: string, opts: { origin?: string; param?: string } = {}) =>
  call(publicEmbedRoute, {
    method: "GET",
    params: { slug },
    headers: opts.origin ? { origin: opts.origin } : {},
    url: `http://localhost:3000/api/public/embed/${slug}${opts.param ? `?origin=${encodeURIComponent(opts.param)}` : ""}`,
  });
// The events route counts per client: the TCP peer scripts/server.mjs records in x-studio-peer.
const sendEvent = (body: unknown, ip = "203.0.113.9") => call(eventsRoute, { body, headers: { "x-studio-peer": ip } });

beforeAll(async () => {
  await tf.setBackend("cpu");
  alice = await signUp();
  bob = await signUp();
  const created = await call(createProjectRoute, {
    body: { name: `Shop bot ${Math.random()}`, description: "Answers shop questions", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "share", "embed"] },
    cookie: alice.cookie,
  });
  projectId = created.json.project.id;
  await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id: projectId } });
  const data = await call(trainingDataRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } });
  const trained = await trainTextClassifier(
    { texts: data.json.samples.map((s: { text: string }) => s.text), labels: data.json.samples.map((s: { label: string }) => s.label) },
    { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 7, datasetVersion: String(data.json.datasetVersion) },
  );
  bundle = trained.bundle;
  const saved = await call(saveModelRoute, {
    rawBody: new Blob([bundle as BlobPart]),
    headers: { "content-type": "application/octet-stream" },
    cookie: alice.cookie,
    params: { id: projectId },
  });
  expect(saved.status).toBe(201);
});

describe("share link (owner)", () => {
  it("is off until the owner turns it on; another user gets 404 for every share and embed route", async () => {
    expect((await share(alice.cookie)).json.share).toEqual({ enabled: false, slug: null, expiresAt: null, rotatedAt: null, expired: false });
    expect((await share(bob.cookie)).status).toBe(404);
    expect((await share(bob.cookie, { enabled: true })).status).toBe(404);
    expect((await call(rotateRoute, { method: "POST", cookie: bob.cookie, params: { id: projectId } })).status).toBe(404);
    expect((await embed(bob.cookie)).status).toBe(404);
    expect((await embed(bob.cookie, { enabled: true })).status).toBe(404);
    expect((await call(getShareRoute, { method: "GET", params: { id: projectId } })).status).toBe(401);
    expect(await db.shareLink.count({ where: { projectId } })).toBe(0);
  });

  it("enabled: a visitor without an account gets only what the page needs, and the same bundle", async () => {
    const on = await share(alice.cookie, { enabled: true });
    expect(on.status).toBe(200);
    const slug = on.json.share.slug as string;
    expect(slug).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const visit = await visitShare(slug);
    expect(visit.status).toBe(200);
    const model = visit.json.model;
    expect(model).toMatchObject({ description: "Answers shop questions", scene: "intent-chatbot", kind: "text", widgets: ["chat"], version: 1, threshold: 0.5 });
    expect(model.name).toMatch(/^Shop bot/);
    expect(Object.keys(model.replies).length).toBeGreaterThan(3);
    // Nothing about the owner or internal ids.
    expect(Object.keys(model).sort()).toEqual(["bundleTag", "description", "entityBundleTag", "entityTemplates", "kind", "logInputs", "name", "quickReplies", "replies", "scene", "suggestions", "threshold", "version", "widgets"]);
    expect(model.entityTemplates).toBeNull();
    expect(model.entityBundleTag).toBeNull();
    expect(model.bundleTag).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const text = JSON.stringify(visit.json);
    expect(text).not.toContain(alice.email);
    expect(text).not.toContain(projectId);
    const version = await db.modelVersion.findFirstOrThrow({ where: { projectId } });
    expect(text).not.toContain(version.bundleBlobId!);
    const bundleAt = (query: string) => call(publicShareBundleRoute, { method: "GET", params: { slug }, url: `http://localhost:3000/api/public/share/${slug}/bundle${query}` });
    // the page's URL names the content: the visitor's browser keeps it for good
    const tagged = await bundleAt(`?v=${model.bundleTag}`);
    expect(tagged.status).toBe(200);
    expect(tagged.res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(tagged.res.headers.get("etag")).toBe(`"${model.bundleTag}"`);
    expect(Buffer.from(await tagged.res.arrayBuffer()).equals(Buffer.from(bundle))).toBe(true);
    // no tag, or another version's: served, never cached
    for (const query of ["", "?v=AAAAAAAAAAAAAAAA"]) {
      const back = await bundleAt(query);
      expect(back.status).toBe(200);
      expect(back.res.headers.get("cache-control")).toBe("no-store");
      expect(Buffer.from(await back.res.arrayBuffer()).equals(Buffer.from(bundle))).toBe(true);
    }
  });

  it("disabled: the link and its bundle answer 404; enabling again brings the same link back", async () => {
    const slug = (await share(alice.cookie)).json.share.slug;
    await share(alice.cookie, { enabled: false });
    const off = await visitShare(slug);
    expect(off.status).toBe(404);
    expect(off.json.error.message).toBe("This link does not work: it was turned off, replaced by a new one, or never existed.");
    expect(JSON.stringify(off.json)).not.toMatch(/Shop bot/);
    expect((await call(publicShareBundleRoute, { method: "GET", params: { slug } })).status).toBe(404);
    await share(alice.cookie, { enabled: true });
    expect((await visitShare(slug)).status).toBe(200);
  });

  it("a new model version gets a new bundle tag: the old tagged URL is no longer served as immutable", async () => {
    const slug = (await share(alice.cookie)).json.share.slug;
    const before = (await visitShare(slug)).json.model;
    const data = await call(trainingDataRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } });
    const next = await trainTextClassifier(
      { texts: data.json.samples.map((s: { text: string }) => s.text), labels: data.json.samples.map((s: { label: string }) => s.label) },
      { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 8, datasetVersion: String(data.json.datasetVersion) },
    );
    const saved = await call(saveModelRoute, { rawBody: new Blob([next.bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie: alice.cookie, params: { id: projectId } });
    expect(saved.status).toBe(201);
    const after = (await visitShare(slug)).json.model;
    expect(after.version).toBe(before.version + 1);
    expect(after.bundleTag).not.toBe(before.bundleTag);
    const old = await call(publicShareBundleRoute, { method: "GET", params: { slug }, url: `http://localhost:3000/api/public/share/${slug}/bundle?v=${before.bundleTag}` });
    expect(old.res.headers.get("cache-control")).toBe("no-store");
    expect(Buffer.from(await old.res.arrayBuffer()).equals(Buffer.from(next.bundle))).toBe(true);
    bundle = next.bundle;
  });

  it("rotating gives a new unguessable slug and the old one stops working at once", async () => {
    const old = (await share(alice.cookie)).json.share.slug;
    const rotated = await call(rotateRoute, { method: "POST", cookie: alice.cookie, params: { id: projectId } });
    expect(rotated.status).toBe(200);
    const fresh = rotated.json.share.slug;
    expect(fresh).not.toBe(old);
    expect(rotated.json.share).toMatchObject({ enabled: true, rotatedAt: expect.any(String) });
    expect((await visitShare(old)).status).toBe(404);
    expect((await call(publicShareBundleRoute, { method: "GET", params: { slug: old } })).status).toBe(404);
    expect((await visitShare(fresh)).status).toBe(200);
  });

  it("expiry: a date in the past is refused; once the date passes the link answers 410 Gone", async () => {
    const past = await share(alice.cookie, { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    expect(past.status).toBe(422);
    expect(past.json.error.fields.expiresAt).toBe("The expiry date must be in the future.");
    expect((await share(alice.cookie, { expiresAt: "next tuesday" })).status).toBe(422);
    const future = await share(alice.cookie, { expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(future.json.share.expired).toBe(false);
    const slug = future.json.share.slug;
    expect((await visitShare(slug)).status).toBe(200);
    await db.shareLink.update({ where: { projectId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const gone = await visitShare(slug);
    expect(gone.status).toBe(410);
    expect(gone.json.error.message).toBe("This link has expired. Ask the person who shared it for a new one.");
    expect((await call(publicShareBundleRoute, { method: "GET", params: { slug } })).status).toBe(410);
    expect((await share(alice.cookie)).json.share.expired).toBe(true);
    const cleared = await share(alice.cookie, { expiresAt: null });
    expect(cleared.json.share).toMatchObject({ expiresAt: null, expired: false });
    expect((await visitShare(slug)).status).toBe(200);
  });

  it("unknown or malformed slugs are 404", async () => {
    expect((await visitShare("AAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
    expect((await visitShare("../../etc")).status).toBe(404);
  });
});

describe("embed settings (owner)", () => {
  it("origins must be exact scheme://host[:port]; they are normalised and de-duplicated", async () => {
    expect(normaliseOrigin("HTTPS://Shop.Example:443/")).toBe(SHOP);
    expect(normaliseOrigin("http://127.0.0.1:3411")).toBe("http://127.0.0.1:3411");
    for (const bad of ["https://*.shop.example", "*", "https://shop.example/page", "ftp://shop.example", "shop.example", "https://shop.example?x=1", "https://user@shop.example", "javascript:alert(1)"]) {
      expect(normaliseOrigin(bad), bad).toBeNull();
      const r = await embed(alice.cookie, { allowedOrigins: [bad] });
      expect(r.status, bad).toBe(422);
      expect(r.json.error.message).toBe("Enter an exact origin such as https://shop.example (scheme, host and optional port; no path, no wildcard).");
    }
    const ok = await embed(alice.cookie, { enabled: true, allowedOrigins: ["HTTPS://Shop.Example:443/", SHOP, "http://localhost:8080"] });
    expect(ok.status).toBe(200);
    expect(ok.json.embed.allowedOrigins).toEqual([SHOP, "http://localhost:8080"]);
    expect(ok.json.embed.slug).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ok.json.embed.slug).not.toBe((await share(alice.cookie)).json.share.slug);
  });

  it("theme fields are validated; the rest of the theme is kept on a partial update", async () => {
    for (const theme of [{ color: "red" }, { color: "#12345" }, { position: "top-left" }, { language: "fr" }, { avatar: "<b>" }, { avatar: "too long" }, { title: "x".repeat(61) }]) {
      expect((await embed(alice.cookie, { theme })).status, JSON.stringify(theme)).toBe(422);
    }
    const r = await embed(alice.cookie, { theme: { title: "Ask us", welcome: "Hi! How can I help?", color: "#AA3300", position: "bottom-left", language: "zh-CN", avatar: "🤖" } });
    expect(r.json.embed.theme).toEqual({ title: "Ask us", welcome: "Hi! How can I help?", color: "#aa3300", position: "bottom-left", language: "zh-CN", avatar: "🤖" });
    const partial = await embed(alice.cookie, { theme: { language: "en" }, logInputs: false });
    expect(partial.json.embed.theme).toMatchObject({ title: "Ask us", color: "#aa3300", language: "en" });
  });
});

describe("embed (visitor side)", () => {
  let slug: string;
  beforeAll(async () => {
    slug = (await embed(alice.cookie, { enabled: true, allowedOrigins: [SHOP] })).json.embed.slug;
  });

  it("an allowed page gets theme and model info with CORS for its exact origin", async () => {
    const r = await visitEmbed(slug, { origin: SHOP });
    expect(r.status).toBe(200);
    expect(r.res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(r.json.embed.theme).toMatchObject({ title: "Ask us", color: "#aa3300", avatar: "🤖" });
    expect(r.json.embed.model.version).toBe(2); // the share link's tests saved a second version
    expect(JSON.stringify(r.json)).not.toContain(alice.email);
    // the page's bundle URL carries the content tag: cached in the visitor's browser, per origin
    const tag = r.json.embed.model.bundleTag;
    const tagged = await call(publicEmbedBundleRoute, { method: "GET", params: { slug }, url: `http://localhost:3000/api/public/embed/${slug}/bundle?origin=${encodeURIComponent(SHOP)}&v=${tag}` });
    expect(tagged.status).toBe(200);
    expect(tagged.res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(tagged.res.headers.get("vary")).toBe("Origin");
    expect(Buffer.from(await tagged.res.arrayBuffer()).equals(Buffer.from(bundle))).toBe(true);
  });

  it("a page on another origin learns nothing: 403, no CORS header, no name, no bundle", async () => {
    for (const origin of ["https://evil.example", "https://shop.example.evil.example", "http://shop.example"]) {
      const r = await visitEmbed(slug, { origin });
      expect(r.status, origin).toBe(403);
      expect(r.res.headers.get("access-control-allow-origin")).toBeNull();
      expect(JSON.stringify(r.json)).not.toMatch(/Shop bot|Ask us/);
    }
    // The iframe names its parent page; an unlisted one gets no bundle either.
    const bundleFor = (param: string) =>
      call(publicEmbedBundleRoute, { method: "GET", params: { slug }, url: `http://localhost:3000/api/public/embed/${slug}/bundle?origin=${encodeURIComponent(param)}` });
    expect((await bundleFor("https://evil.example")).status).toBe(403);
    const allowed = await bundleFor(SHOP);
    expect(allowed.status).toBe(200);
    expect(Buffer.from(await allowed.res.arrayBuffer()).equals(Buffer.from(bundle))).toBe(true);
    // The studio's own origin (live preview) is always allowed.
    expect((await visitEmbed(slug, { param: "http://localhost:3000" })).status).toBe(200);
    expect((await visitEmbed(slug, {})).status).toBe(403);
  });

  it("removing the origin or turning the embed off refuses at once; share and embed slugs are independent", async () => {
    await embed(alice.cookie, { allowedOrigins: [] });
    expect((await visitEmbed(slug, { origin: SHOP })).status).toBe(403);
    await embed(alice.cookie, { allowedOrigins: [SHOP], enabled: false });
    expect((await visitEmbed(slug, { origin: SHOP })).status).toBe(404);
    await embed(alice.cookie, { enabled: true });
    await call(rotateRoute, { method: "POST", cookie: alice.cookie, params: { id: projectId } });
    expect((await visitEmbed(slug, { origin: SHOP })).status).toBe(200);
  });

  it("a renamed project shows its new name to visitors", async () => {
    const name = `Renamed ${Math.random()}`;
    await call(renameRoute, { method: "PATCH", body: { name }, cookie: alice.cookie, params: { id: projectId } });
    const shareSlug = (await share(alice.cookie)).json.share.slug;
    expect((await visitShare(shareSlug)).json.model.name).toBe(name);
  });
});

describe("visitor events", () => {
  it("records label, confidence, latency and fallback; the text only when the owner turned logging on", async () => {
    const shareSlug = (await share(alice.cookie)).json.share.slug;
    const base = { channel: "share", slug: shareSlug, label: "opening_hours", confidence: 0.91, latencyMs: 12.5, fallback: false, input: "when do you open?" };
    await embed(alice.cookie, { logInputs: false });
    expect((await sendEvent(base)).status).toBe(202);
    await embed(alice.cookie, { logInputs: true });
    expect((await sendEvent({ ...base, input: "second question" })).status).toBe(202);
    const events = await db.predictionEvent.findMany({ where: { projectId, channel: "share" }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => [e.label, e.confidence, e.latencyMs, e.fallback, e.input])).toEqual([
      ["opening_hours", 0.91, 12.5, false, null],
      ["opening_hours", 0.91, 12.5, false, "second question"],
    ]);
    expect(events[0].modelVersionId).toBeTruthy();
  });

  it("embed events need an allowed origin; dead share links record nothing; bad input is 422", async () => {
    const embedSlug = (await embed(alice.cookie)).json.embed.slug;
    const ev = { channel: "embed", slug: embedSlug, label: null, confidence: 0.2, latencyMs: 5, fallback: true };
    expect((await sendEvent({ ...ev, origin: "https://evil.example" })).status).toBe(403);
    expect((await sendEvent({ ...ev, origin: SHOP })).status).toBe(202);
    expect((await sendEvent({ channel: "share", slug: "AAAAAAAAAAAAAAAAAAAAAA", label: "x", confidence: 1, latencyMs: 1, fallback: false })).status).toBe(404);
    expect((await sendEvent({ ...ev, origin: SHOP, channel: "api" })).status).toBe(422);
    expect((await sendEvent({ ...ev, origin: SHOP, confidence: 7 })).status).toBe(422);
    expect(await db.predictionEvent.count({ where: { projectId, channel: "embed" } })).toBe(1);
  });

  it("is rate-limited per IP with Retry-After", async () => {
    const shareSlug = (await share(alice.cookie)).json.share.slug;
    const ev = { channel: "share", slug: shareSlug, label: "x", confidence: 0.5, latencyMs: 1, fallback: false };
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
    let last = 0;
    for (let i = 0; i < 121; i++) last = (await sendEvent(ev, ip)).status;
    expect(last).toBe(429);
    const limited = await sendEvent(ev, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await sendEvent(ev, "192.0.2.77")).status).toBe(202);
  });

  it("counts the TCP peer: 130 events in a minute with a rotating X-Forwarded-For are limited at 120", async () => {
    const shareSlug = (await share(alice.cookie)).json.share.slug;
    const ev = { channel: "share", slug: shareSlug, label: "x", confidence: 0.5, latencyMs: 1, fallback: false };
    const peer = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 130; i++) {
      const spoofed = `100.64.${i}.${Math.floor(Math.random() * 250)}`;
      statuses.push((await call(eventsRoute, { body: ev, headers: { "x-studio-peer": peer, "x-forwarded-for": spoofed, "x-real-ip": spoofed } })).status);
    }
    expect(statuses.filter((s) => s === 202).length).toBe(120);
    expect(statuses.slice(120)).toEqual(new Array(10).fill(429));
  });
});

describe("the entity model a bot's reply templates use (visitor side)", () => {
  let shareSlug: string;
  let embedSlug: string;
  let entities: string;
  const link = (entityProjectId: string | null, placeholderDefaults: Record<string, string> = {}) =>
    call(chatSettingsRoute, { method: "PUT", cookie: alice.cookie, params: { id: projectId }, body: { threshold: 0.5, quickReplies: {}, entityProjectId, placeholderDefaults } });
  const shareBundle = (part: string) => call(publicShareBundleRoute, { method: "GET", params: { slug: shareSlug }, url: `http://localhost:3000/api/public/share/${shareSlug}/bundle?part=${part}` });
  const embedBundle = (part: string, origin: string) =>
    call(publicEmbedBundleRoute, {
      method: "GET",
      params: { slug: embedSlug },
      url: `http://localhost:3000/api/public/embed/${embedSlug}/bundle?part=${part}&origin=${encodeURIComponent(origin)}`,
    });
  const bytes = async (r: { res: Response }) => Buffer.from(await r.res.arrayBuffer());

  beforeAll(async () => {
    shareSlug = (await share(alice.cookie, { enabled: true, expiresAt: null })).json.share.slug;
    embedSlug = (await embed(alice.cookie, { enabled: true, allowedOrigins: [SHOP] })).json.embed.slug;
    entities = await entityProject(alice.cookie);
  });

  it("not linked: the page gets no entity templates and ?part=entities is 404", async () => {
    expect((await visitShare(shareSlug)).json.model.entityTemplates).toBeNull();
    const r = await shareBundle("entities");
    expect(r.status).toBe(404);
    expect(r.json.error.message).toBe("This model does not fill its replies with an entity model.");
    expect((await embedBundle("entities", SHOP)).status).toBe(404);
  });

  it("linked: types and fallback texts for the page (nothing naming the entity project) and the entity bundle on both routes", async () => {
    expect((await link(entities, { PERSON: "you" })).status).toBe(200);
    const visit = await visitShare(shareSlug);
    expect(visit.json.model.entityTemplates).toEqual({ types: ["CITY", "DATE", "PERSON"], defaults: { PERSON: "you" } });
    expect(JSON.stringify(visit.json)).not.toContain(entities);
    expect((await visitEmbed(embedSlug, { origin: SHOP })).json.embed.model.entityTemplates).toEqual({ types: ["CITY", "DATE", "PERSON"], defaults: { PERSON: "you" } });
    const expected = Buffer.from(await smallEntityBundle());
    const r = await shareBundle("entities");
    expect(r.status).toBe(200);
    expect(r.res.headers.get("cache-control")).toBe("no-store");
    expect((await bytes(r)).equals(expected)).toBe(true);
    const e = await embedBundle("entities", SHOP);
    expect(e.status).toBe(200);
    expect((await bytes(e)).equals(expected)).toBe(true);
    // The embed's origin check comes first, as for the model itself.
    expect((await embedBundle("entities", "https://evil.example")).status).toBe(403);
    // The plain bundle is still the intent model; other parts do not exist.
    expect((await bytes(await shareBundle("model"))).equals(Buffer.from(bundle))).toBe(true);
    expect((await shareBundle("settings")).status).toBe(404);
  });

  it("a share link that is off serves no entity bundle either", async () => {
    await share(alice.cookie, { enabled: false });
    expect((await shareBundle("entities")).status).toBe(404);
    await share(alice.cookie, { enabled: true });
    expect((await shareBundle("entities")).status).toBe(200);
  });

  it("a linked project that changed owner, or settings naming another owner's model, are 404", async () => {
    const userId = async (email: string) => (await db.user.findUniqueOrThrow({ where: { email } })).id;
    await db.project.update({ where: { id: entities }, data: { ownerId: await userId(bob.email) } });
    expect((await shareBundle("entities")).status).toBe(404);
    expect((await embedBundle("entities", SHOP)).status).toBe(404);
    expect((await visitShare(shareSlug)).json.model.entityTemplates).toBeNull();
    await db.project.update({ where: { id: entities }, data: { ownerId: await userId(alice.email) } });
    expect((await shareBundle("entities")).status).toBe(200);
    // Settings written by hand (not through the checked route) to name Bob's entity model.
    const bobs = await entityProject(bob.cookie);
    const row = await db.project.findUniqueOrThrow({ where: { id: projectId } });
    await db.project.update({ where: { id: projectId }, data: { settings: JSON.stringify({ ...JSON.parse(row.settings), entityProjectId: bobs }) } });
    expect((await shareBundle("entities")).status).toBe(404);
    expect((await embedBundle("entities", SHOP)).status).toBe(404);
    await db.project.update({ where: { id: projectId }, data: { settings: row.settings } });
  });

  it("unlinked or deleted: 404 at once", async () => {
    expect((await shareBundle("entities")).status).toBe(200);
    await link(null);
    expect((await shareBundle("entities")).status).toBe(404);
    await link(entities);
    expect((await shareBundle("entities")).status).toBe(200);
    expect((await call(deleteProjectRoute, { method: "DELETE", cookie: alice.cookie, params: { id: entities } })).status).toBe(200);
    expect((await shareBundle("entities")).status).toBe(404);
    expect((await embedBundle("entities", SHOP)).status).toBe(404);
    expect((await visitShare(shareSlug)).json.model.entityTemplates).toBeNull();
  });
});
