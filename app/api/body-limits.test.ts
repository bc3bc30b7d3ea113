import { beforeAll, describe, expect, it } from "vitest";
import { POST as signInRoute } from "@/app/api/auth/signin/route";
import { POST as signUpRoute } from "@/app/api/auth/signup/route";
import { POST as localeRoute } from "@/app/api/locale/route";
import { POST as eventsRoute } from "@/app/api/public/events/route";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as createKeyRoute } from "@/app/api/projects/[id]/api-keys/route";
import { POST as backboneRoute } from "@/app/api/projects/[id]/backbone/route";
import { POST as predictRoute } from "@/app/api/v1/models/[slug]/predict/route";
import { MAX_BACKBONE_BYTES } from "@/lib/ml/backbones/custom-package";
import { MAX_BODY_BYTES } from "@/lib/server/api-v1/predict";
import { MAX_JSON_BYTES } from "@/lib/server/http";
import { translate } from "@/lib/i18n/translate";
import { call, signUp, type Route } from "@/tests/route-helpers";

/**
 * A chunked request body (no Content-Length) that makes its bytes only when they are read and
 * counts them: the attack of a client that sends far more than a route accepts. highWaterMark 0,
 * so nothing is pulled ahead of the reader.
 */
function countingBody(totalBytes: number, chunkBytes: number, opts: { prefix?: string; fill?: string } = {}) {
  const enc = new TextEncoder();
  const prefix = enc.encode(opts.prefix ?? '{"email": "');
  const unit = enc.encode(opts.fill ?? "a");
  const chunk = new Uint8Array(chunkBytes);
  for (let i = 0; i < chunkBytes; i++) chunk[i] = unit[i % unit.length];
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= totalBytes) return controller.close();
        const first = pulled === 0;
        const out = chunk.slice(0, Math.min(chunkBytes, totalBytes - pulled));
        if (first) out.set(prefix.subarray(0, out.length));
        pulled += out.byteLength;
        controller.enqueue(out);
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

async function sendHuge(route: Route, limit: number, chunkBytes: number, init: { url: string; headers?: Record<string, string>; params?: Record<string, string>; fill?: string }) {
  const body = countingBody(10 * limit, chunkBytes, { fill: init.fill });
  const r = await call(route, {
    url: init.url,
    params: init.params,
    rawBody: body.stream,
    headers: { "content-type": "application/json", ...(init.headers ?? {}) },
  });
  return { ...r, pulled: body.pulled(), cancelled: body.cancelled() };
}

const STUDIO_ROUTES: [string, Route][] = [
  ["/api/auth/signin", signInRoute],
  ["/api/auth/signup", signUpRoute],
  ["/api/locale", localeRoute],
  ["/api/public/events", eventsRoute],
];

describe("request bodies are read only up to each route's limit", () => {
  const CHUNK = 16 * 1024;

  for (const [path, route] of STUDIO_ROUTES) {
    it(`${path}: a chunked body of 10× the 64 KB limit gets 413 after at most limit + one chunk`, async () => {
      const r = await sendHuge(route, MAX_JSON_BYTES, CHUNK, { url: `http://localhost:3000${path}` });
      expect(r.status).toBe(413);
      expect(r.pulled).toBeLessThanOrEqual(MAX_JSON_BYTES + CHUNK);
      expect(r.cancelled).toBe(true);
      expect(r.json.error).toMatchObject({ code: "payload_too_large", message: translate("en", "errors.bodyTooLarge", { limit: "64 KB" }) });
      expect(r.json.error.message).toContain("64 KB");
      // The client may still be sending: the answer closes the connection.
      expect(r.res.headers.get("connection")).toBe("close");
    });
  }

  it("the 413 speaks the user's language, also for a body with non-Latin-1 characters", async () => {
    const r = await sendHuge(signInRoute, MAX_JSON_BYTES, CHUNK, {
      url: "http://localhost:3000/api/auth/signin",
      headers: { "accept-language": "zh-CN,zh;q=0.9" },
      fill: "密码é",
    });
    expect(r.status).toBe(413);
    expect(r.pulled).toBeLessThanOrEqual(MAX_JSON_BYTES + CHUNK);
    expect(r.json.error.message).toBe(translate("zh-CN", "errors.bodyTooLarge", { limit: "64 KB" }));
    expect(r.json.error.message).toMatch(/请求过大/);
  });

  it("a declared Content-Length above the limit is refused before anything is read", async () => {
    const body = countingBody(2 * MAX_JSON_BYTES, CHUNK);
    const r = await call(signInRoute, {
      url: "http://localhost:3000/api/auth/signin",
      rawBody: body.stream,
      headers: { "content-type": "application/json", "content-length": String(2 * MAX_JSON_BYTES) },
    });
    expect(r.status).toBe(413);
    expect(body.pulled()).toBe(0);
  });

  it("a body just under the limit is still read whole (a long name is refused by validation, not by size)", async () => {
    const name = "a".repeat(MAX_JSON_BYTES - 200);
    const r = await call(signUpRoute, { url: "http://localhost:3000/api/auth/signup", body: { email: "x@example.test", password: "studio-pass-1", name } });
    expect(r.status).toBe(422);
  });

  describe("REST API with a key", () => {
    let slug: string;
    let secret: string;
    beforeAll(async () => {
      const owner = await signUp();
      const p = await call(createProjectRoute, { body: { name: `limits-${Math.random()}`, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["api"] }, cookie: owner.cookie });
      const key = await call(createKeyRoute, { body: { name: "limits" }, cookie: owner.cookie, params: { id: p.json.project.id } });
      expect(key.status).toBe(201);
      ({ slug, secret } = key.json as { slug: string; secret: string });
    });

    it("/api/v1/models/<slug>/predict: a chunked body of 10× the 24 MB limit gets 413 after at most limit + one chunk", async () => {
      const chunk = 256 * 1024;
      const r = await sendHuge(predictRoute, MAX_BODY_BYTES, chunk, {
        url: `http://localhost:3000/api/v1/models/${slug}/predict`,
        params: { slug },
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(r.status).toBe(413);
      expect(r.pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + chunk);
      expect(r.json.error.code).toBe("payload_too_large");
      expect(r.json.error.message).toBe(`The request body is larger than ${MAX_BODY_BYTES / 2 ** 20} MB. Send fewer or smaller inputs per call.`);
      expect(r.res.headers.get("connection")).toBe("close");
      // The rate-limit headers still come with the refusal.
      expect(r.res.headers.get("x-ratelimit-limit")).toBeTruthy();
    });

    it("a body nested a million levels deep gets a clear 400 before it is parsed", async () => {
      const levels = 1_000_000;
      const r = await call(predictRoute, {
        url: `http://localhost:3000/api/v1/models/${slug}/predict`,
        params: { slug },
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        rawBody: `{"input": ${"[".repeat(levels)}${"]".repeat(levels)}}`,
      });
      expect(r.status).toBe(400);
      expect(r.json.error).toMatchObject({ code: "invalid_input", message: expect.stringMatching(/more than 64 levels deep/) });
    });
  });

  it("a multipart backbone upload stops at its limit too (formData() never sees an unbounded body)", async () => {
    const owner = await signUp();
    const p = await call(createProjectRoute, {
      body: { name: `bb-${Math.random()}`, scene: "image-recognition", modelType: "custom-backbone", interfaces: ["buttons", "api"] },
      cookie: owner.cookie,
    });
    expect(p.status).toBe(201);
    const id = p.json.project.id as string;
    const chunk = 1024 * 1024;
    const body = countingBody(10 * MAX_BACKBONE_BYTES, chunk, { prefix: "--b\r\n" });
    const r = await call(backboneRoute, {
      url: `http://localhost:3000/api/projects/${id}/backbone`,
      params: { id },
      cookie: owner.cookie,
      rawBody: body.stream,
      headers: { "content-type": "multipart/form-data; boundary=b" },
    });
    expect(r.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(MAX_BACKBONE_BYTES + 2 * chunk);
    expect(r.json.error.code).toBe("payload_too_large");
    expect(r.res.headers.get("connection")).toBe("close");
  });
});

describe("JSON bodies nested too deep", () => {
  const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

  it("a studio route refuses a body nested 30,000 levels deep (under 64 KB) with a clear 422", async () => {
    const r = await call(signInRoute, {
      url: "http://localhost:3000/api/auth/signin",
      rawBody: `{"email": ${deep(30_000)}, "password": "x"}`,
      headers: { "content-type": "application/json" },
    });
    expect(r.status).toBe(422);
    expect(r.json.error.message).toBe(translate("en", "errors.jsonTooDeep", { limit: 64 }));
  });

  it("ordinary nesting is still accepted", async () => {
    const r = await call(localeRoute, { url: "http://localhost:3000/api/locale", body: { locale: "zh-CN" } });
    expect(r.status).toBe(200);
  });
});
