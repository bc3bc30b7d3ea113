import fs from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { makePng } from "@/lib/data/__fixtures__/builders";
import type { Route } from "@/tests/route-helpers";
import { EVIL, SHOP, type OwnerWorld } from "./owner-world";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export interface DiscoveredRoute {
  /** "POST /api/projects/[id]/uploads" */
  key: string;
  method: string;
  path: string;
  handler: Route;
}

/** Every exported method of every route file under app/api, found on disk (not from a list). */
export async function discoverApiRoutes(): Promise<DiscoveredRoute[]> {
  const root = path.join(process.cwd(), "app", "api");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^route\.(ts|tsx|js|mjs)$/.test(e.name)) files.push(p);
    }
  };
  walk(root);
  const out: DiscoveredRoute[] = [];
  for (const file of files.sort()) {
    const routePath = `/api/${path.relative(root, path.dirname(file)).split(path.sep).join("/")}`.replace(/\/$/, "");
    const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    for (const method of HTTP_METHODS) {
      if (typeof mod[method] === "function") out.push({ key: `${method} ${routePath}`, method, path: routePath, handler: mod[method] as Route });
    }
  }
  return out;
}

/**
 * Who asks. anonymous: no cookie, no key. otherUser: Bob's session. shareSlug / embedSlug: Bob's
 * session, using the owner's public slug where an id belongs (embedSlug also from an unlisted
 * page: Origin EVIL). otherKey: Bearer key of Bob's own project, no cookie. visitor: an anonymous
 * visitor using a public link as intended. owner: Alice (the same request must work for her).
 */
export type Who = "anonymous" | "otherUser" | "shareSlug" | "embedSlug" | "otherKey" | "visitor" | "owner";

export interface Attempt {
  who: Who;
  expect: number;
  params?: Record<string, string>;
  query?: string;
  headers?: Record<string, string>;
  /** JSON body, or a factory for a raw body (a stream cannot be sent twice). */
  body?: unknown;
  raw?: () => BodyInit;
  /** An allowed answer must be exactly these bytes (the model the public link names, nothing else). */
  bytes?: Uint8Array;
  /** Signs the user in anew for this attempt (sign-out must not end the session the other attempts use). */
  freshSession?: boolean;
}

export interface Entry {
  key: string;
  attempts: Attempt[];
}

type Body = Pick<Attempt, "body" | "raw" | "query" | "headers">;

/** The five attackers of a project-scoped studio route, then the owner with the same request. */
function studio(key: string, params: Record<string, string>, w: OwnerWorld, owner: number, req: Body = {}): Entry {
  const method = key.split(" ")[0];
  const stateChanging = !["GET", "HEAD"].includes(method);
  const withId = (id: string) => ({ ...params, id });
  return {
    key,
    attempts: [
      { who: "anonymous", params, expect: 401, ...req },
      { who: "otherUser", params, expect: 404, ...req },
      { who: "shareSlug", params: withId(w.bot.shareSlug), expect: 404, ...req },
      // From a page that is not the studio: state changes stop at the same-origin check.
      { who: "embedSlug", params: withId(w.bot.embedSlug), expect: stateChanging ? 403 : 404, ...req },
      { who: "otherKey", params, expect: 401, ...req },
      { who: "owner", params, expect: owner, ...req },
    ],
  };
}

const csv = () => "text,label\nhello there,greeting\nbye now,farewell\n";
const octet = { "content-type": "application/octet-stream" };

/** The matrix: every route and method under app/api, each with its attackers and the owner. */
export function routeTable(w: OwnerWorld): Entry[] {
  const bot = { id: w.bot.id };
  const version = { id: w.bot.id, versionId: w.bot.versionId };
  const shareBundle = `/api/public/share/[slug]/bundle`;
  const embedInfo = `/api/public/embed/[slug]`;
  const spec = { format: "tfjs-layers", contentHash: w.backbone.contentHash, byteLength: w.backbone.byteLength, inputHeight: 32, inputWidth: 32, normalization: "zero-one", layout: "nhwc", pooling: "none", featureDim: 12 };
  const predict = (slug: string) => ({ slug });
  const visitorEvent = (e: Record<string, unknown>) => ({ label: "balance", confidence: 0.5, latencyMs: 2, fallback: false, ...e });
  const backboneForm = () => {
    const f = new FormData();
    f.append("files", new Blob([new Uint8Array([8, 1, 18, 0])]), "tiny.onnx");
    return f;
  };

  return [
    // ---- public by design: the answers carry nothing of the owner
    {
      key: "POST /api/auth/signin",
      attempts: [
        { who: "anonymous", body: { email: w.alice.email, password: "wrong-pass-9" }, expect: 401 },
        { who: "otherUser", body: { email: w.alice.email, password: "wrong-pass-9" }, expect: 401 },
        { who: "owner", body: { email: w.alice.email, password: w.alice.password }, expect: 200 },
      ],
    },
    {
      key: "POST /api/auth/signup",
      // 409 tells that the address has an account (the documented trade-off of issue #11, failure 7).
      attempts: [{ who: "anonymous", body: { email: w.alice.email, password: "other-pass-2" }, expect: 409 }],
    },
    {
      key: "POST /api/auth/signout",
      attempts: [
        { who: "anonymous", body: {}, expect: 200 },
        { who: "otherUser", body: {}, expect: 200, freshSession: true },
        { who: "owner", body: {}, expect: 200, freshSession: true },
      ],
    },
    {
      key: "POST /api/locale",
      attempts: [
        { who: "anonymous", body: { locale: "en" }, expect: 200 },
        { who: "owner", body: { locale: "en" }, expect: 200 },
      ],
    },
    {
      key: "GET /api/v1/openapi.json",
      attempts: [
        { who: "anonymous", expect: 200 },
        { who: "otherKey", expect: 200 },
      ],
    },
    { key: "OPTIONS /api/v1/openapi.json", attempts: [{ who: "anonymous", expect: 204 }] },
    // Health checks for a load balancer: anyone, and nothing but states (no addresses, no credentials).
    { key: "GET /api/health", attempts: [{ who: "anonymous", expect: 200 }] },
    { key: "GET /api/health/ready", attempts: [{ who: "anonymous", expect: 200 }] },
    { key: "OPTIONS /api/v1/models/[slug]/predict", attempts: [{ who: "anonymous", params: predict(w.bot.apiSlug), expect: 204 }] },
    {
      key: "POST /api/v1/models/[slug]/predict",
      attempts: [
        { who: "anonymous", params: predict(w.bot.apiSlug), body: { input: "hi" }, expect: 401 },
        // Cookies are no key: the owner's own session does not work on the REST API either.
        { who: "otherUser", params: predict(w.bot.apiSlug), body: { input: "hi" }, expect: 401 },
        { who: "otherKey", params: predict(w.bot.apiSlug), body: { input: "hi" }, expect: 403 },
        { who: "otherKey", params: predict(w.bot.shareSlug), body: { input: "hi" }, expect: 404 },
        { who: "otherKey", params: predict(w.bot.embedSlug), body: { input: "hi" }, expect: 404 },
        { who: "otherKey", params: predict(w.bot.id), body: { input: "hi" }, expect: 404 },
        { who: "owner", params: predict(w.bot.apiSlug), body: { input: "what is my balance" }, expect: 200 },
      ],
    },
    {
      key: "GET /api/public/share/[slug]",
      attempts: [
        { who: "anonymous", params: { slug: w.bot.id }, expect: 404 },
        { who: "anonymous", params: { slug: w.bot.embedSlug }, expect: 404 },
        { who: "anonymous", params: { slug: w.bot.apiSlug }, expect: 404 },
        { who: "embedSlug", params: { slug: w.bot.embedSlug }, expect: 404 },
        { who: "visitor", params: { slug: w.bot.shareSlug }, expect: 200 },
      ],
    },
    {
      key: `GET ${shareBundle}`,
      attempts: [
        { who: "anonymous", params: { slug: w.bot.id }, expect: 404 },
        { who: "anonymous", params: { slug: w.bot.embedSlug }, expect: 404 },
        { who: "anonymous", params: { slug: w.bot.apiSlug }, expect: 404 },
        // Not linked to an entity model: the only other part is refused.
        { who: "visitor", params: { slug: w.bot.shareSlug }, query: "part=entities", expect: 404 },
        { who: "visitor", params: { slug: w.bot.shareSlug }, query: "part=../../models", expect: 404 },
        { who: "visitor", params: { slug: w.bot.shareSlug }, expect: 200, bytes: w.bot.bundle },
        { who: "visitor", params: { slug: w.bobBot.shareSlug }, expect: 200, bytes: w.bobBot.bundle },
      ],
    },
    {
      key: `GET ${embedInfo}`,
      attempts: [
        { who: "embedSlug", params: { slug: w.bot.embedSlug }, headers: { origin: EVIL }, expect: 403 },
        { who: "anonymous", params: { slug: w.bot.embedSlug }, query: `origin=${encodeURIComponent(EVIL)}`, expect: 403 },
        { who: "anonymous", params: { slug: w.bot.embedSlug }, query: `origin=${encodeURIComponent(`${SHOP}.evil.example`)}`, expect: 403 },
        { who: "anonymous", params: { slug: w.bot.embedSlug }, expect: 403 },
        { who: "anonymous", params: { slug: w.bot.shareSlug }, headers: { origin: SHOP }, expect: 404 },
        { who: "anonymous", params: { slug: w.bot.id }, headers: { origin: SHOP }, expect: 404 },
        { who: "visitor", params: { slug: w.bot.embedSlug }, headers: { origin: SHOP }, expect: 200 },
      ],
    },
    {
      key: `GET ${embedInfo}/bundle`,
      attempts: [
        { who: "embedSlug", params: { slug: w.bot.embedSlug }, headers: { origin: EVIL }, expect: 403 },
        { who: "anonymous", params: { slug: w.bot.embedSlug }, query: `origin=${encodeURIComponent(EVIL)}`, expect: 403 },
        { who: "anonymous", params: { slug: w.bot.embedSlug }, expect: 403 },
        { who: "anonymous", params: { slug: w.bot.shareSlug }, query: `origin=${encodeURIComponent(SHOP)}`, expect: 404 },
        { who: "visitor", params: { slug: w.bot.embedSlug }, query: `origin=${encodeURIComponent(SHOP)}&part=entities`, expect: 404 },
        { who: "visitor", params: { slug: w.bot.embedSlug }, query: `origin=${encodeURIComponent(SHOP)}`, expect: 200, bytes: w.bot.bundle },
      ],
    },
    {
      key: "POST /api/public/events",
      attempts: [
        { who: "anonymous", body: visitorEvent({ channel: "share", slug: w.bot.embedSlug }), expect: 404 },
        { who: "anonymous", body: visitorEvent({ channel: "share", slug: w.bot.id }), expect: 404 },
        { who: "anonymous", body: visitorEvent({ channel: "embed", slug: w.bot.shareSlug, origin: SHOP }), expect: 404 },
        { who: "embedSlug", body: visitorEvent({ channel: "embed", slug: w.bot.embedSlug, origin: EVIL }), headers: {}, expect: 403 },
        { who: "anonymous", body: visitorEvent({ channel: "embed", slug: w.bot.embedSlug, origin: EVIL }), expect: 403 },
        { who: "visitor", body: visitorEvent({ channel: "share", slug: w.bot.shareSlug }), expect: 202 },
      ],
    },

    // ---- the studio: only the owner, everyone else 401 (no session) or 404 (not theirs)
    {
      key: "GET /api/projects",
      attempts: [
        { who: "anonymous", expect: 401 },
        { who: "otherUser", expect: 200 },
        { who: "otherKey", expect: 401 },
        { who: "owner", expect: 200 },
      ],
    },
    {
      key: "POST /api/projects",
      attempts: [
        { who: "anonymous", body: { name: "x", scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] }, expect: 401 },
        { who: "otherKey", body: { name: "x", scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] }, expect: 401 },
        { who: "owner", body: { name: `another ${Math.random()}`, scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] }, expect: 201 },
      ],
    },
    studio("GET /api/projects/[id]", bot, w, 200),
    studio("GET /api/projects/[id]/api-keys", bot, w, 200),
    studio("GET /api/projects/[id]/backbone", { id: w.backbone.id }, w, 200),
    studio("GET /api/projects/[id]/backbone/package", { id: w.backbone.id }, w, 200),
    studio("GET /api/projects/[id]/blobs/[blobId]", { id: w.image.id, blobId: w.image.blobId }, w, 200),
    studio("GET /api/projects/[id]/chat-settings", bot, w, 200),
    studio("GET /api/projects/[id]/dataset", bot, w, 200),
    studio("GET /api/projects/[id]/dataset/export", bot, w, 200),
    studio("GET /api/projects/[id]/embed", bot, w, 200),
    studio("GET /api/projects/[id]/models", bot, w, 200),
    studio("GET /api/projects/[id]/models/[versionId]", version, w, 200),
    studio("GET /api/projects/[id]/models/[versionId]/bundle", version, w, 200),
    studio("GET /api/projects/[id]/monitor", bot, w, 200),
    studio("GET /api/projects/[id]/samples", bot, w, 200),
    studio("GET /api/projects/[id]/share", bot, w, 200),
    studio("GET /api/projects/[id]/training-data", bot, w, 200),

    studio("PATCH /api/projects/[id]", bot, w, 200, { body: { name: `renamed ${Math.random()}` } }),
    studio("POST /api/projects/[id]/api-keys", bot, w, 201, { body: { name: "stolen" } }),
    studio("POST /api/projects/[id]/backbone", { id: w.backbone.id }, w, 422, { raw: backboneForm }),
    studio("PATCH /api/projects/[id]/backbone", { id: w.backbone.id }, w, 200, { body: { spec, testMs: 1 } }),
    studio("PUT /api/projects/[id]/chat-settings", bot, w, 200, { body: { threshold: 0.4, quickReplies: { balance: ["ok"] } } }),
    studio("POST /api/projects/[id]/classes", bot, w, 201, { body: { label: `class-${Math.random()}` } }),
    // The project keeps its data on the server: the device-only summary is refused for the owner too.
    studio("PUT /api/projects/[id]/dataset/local-summary", bot, w, 409, { body: { total: 1, labelCounts: { balance: 1 }, checksum: "a".repeat(64) } }),
    studio("PATCH /api/projects/[id]/embed", bot, w, 200, { body: { allowedOrigins: [SHOP, EVIL] } }),
    studio("POST /api/projects/[id]/events", bot, w, 201, { body: { latencyMs: 1, label: "balance", confidence: 0.5, input: "hello" } }),
    studio("POST /api/projects/[id]/feedback", bot, w, 201, { body: { input: "hello", correct: true } }),
    studio("POST /api/projects/[id]/feedback/[feedbackId]/add-to-dataset", { ...bot, feedbackId: w.bot.feedbackId }, w, 200),
    studio("POST /api/projects/[id]/feedback/add-to-dataset", bot, w, 200, { body: { feedbackIds: [w.bot.feedbackId] } }),
    studio("POST /api/projects/[id]/imports", bot, w, 201, { body: { uploadId: w.bot.uploadId, mapping: { kind: "text", text: "text", label: "label" } } }),
    studio("POST /api/projects/[id]/models", bot, w, 201, { raw: () => new Blob([w.bot.bundle as BlobPart]), headers: octet }),
    studio("PATCH /api/projects/[id]/models/[versionId]", version, w, 200, { body: { active: true } }),
    studio("PUT /api/projects/[id]/models/[versionId]/examples", version, w, 200, { body: { cells: { "0:1": [w.bot.sampleId] } } }),
    studio("PUT /api/projects/[id]/replies", bot, w, 200, { body: { replies: { balance: "stolen reply" } } }),
    studio("POST /api/projects/[id]/sample-dataset", bot, w, 201),
    studio("PATCH /api/projects/[id]/samples/[sampleId]", { ...bot, sampleId: w.bot.sampleId }, w, 200, { body: { label: "lost_card" } }),
    studio("POST /api/projects/[id]/samples/bulk", bot, w, 200, { body: { action: "move", ids: [w.bot.sampleId], label: "balance" } }),
    studio("PATCH /api/projects/[id]/settings", bot, w, 200, { body: { localDataOnly: false } }),
    studio("PATCH /api/projects/[id]/share", bot, w, 200, { body: { enabled: false } }),
    studio("POST /api/projects/[id]/uploads", bot, w, 200, { raw: csv, headers: octet, query: "name=x.csv" }),
    studio("POST /api/projects/[id]/uploads", { id: w.image.id }, w, 201, { raw: () => new Blob([zipSync({ "dogs/d.png": makePng(5, 4), "cats/c.png": makePng(4, 5) }) as BlobPart]), headers: octet, query: "name=x.zip" }),
    studio("POST /api/projects/[id]/share/rotate", bot, w, 200),
    studio("DELETE /api/projects/[id]/samples/[sampleId]", { ...bot, sampleId: w.bot.sampleId }, w, 200),
    studio("DELETE /api/projects/[id]/api-keys/[keyId]", { ...bot, keyId: w.bot.keyId }, w, 200),
    studio("DELETE /api/projects/[id]", bot, w, 200),
  ];
}
