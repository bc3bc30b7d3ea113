import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { POST as sampleDatasetRoute } from "@/app/api/projects/[id]/sample-dataset/route";
import { GET as trainingDataRoute } from "@/app/api/projects/[id]/training-data/route";
import { PATCH as patchEmbedRoute } from "@/app/api/projects/[id]/embed/route";
import { GET as publicEmbedRoute } from "@/app/api/public/embed/[slug]/route";
import { GET as publicEmbedBundleRoute } from "@/app/api/public/embed/[slug]/bundle/route";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { call, signUp } from "@/tests/route-helpers";

/*
 * The embed API reads ?origin= with the same parser as proxy.ts (frame-ancestors) and the embed
 * page: given twice it names nobody, so no pairing of an allowed and a foreign origin gets data.
 */

const SHOP = "https://shop.example";
const EVIL = "https://evil.example";
let slug: string;

beforeAll(async () => {
  await tf.setBackend("cpu");
  const { cookie } = await signUp();
  const created = await call(createProjectRoute, {
    body: { name: `Embed origins ${Math.random()}`, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "embed"] },
    cookie,
  });
  const id = created.json.project.id;
  await call(sampleDatasetRoute, { cookie, params: { id } });
  const data = await call(trainingDataRoute, { method: "GET", cookie, params: { id } });
  const trained = await trainTextClassifier(
    { texts: data.json.samples.map((s: { text: string }) => s.text), labels: data.json.samples.map((s: { label: string }) => s.label) },
    { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 7, datasetVersion: String(data.json.datasetVersion) },
  );
  const saved = await call(saveModelRoute, { rawBody: new Blob([trained.bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie, params: { id } });
  expect(saved.status).toBe(201);
  slug = (await call(patchEmbedRoute, { method: "PATCH", body: { enabled: true, allowedOrigins: [SHOP] }, cookie, params: { id } })).json.embed.slug;
});

const query = (origins: string[]) => origins.map((o) => `origin=${encodeURIComponent(o)}`).join("&");
const info = (origins: string[], headers: Record<string, string> = {}) =>
  call(publicEmbedRoute, { method: "GET", params: { slug }, headers, url: `http://localhost:3000/api/public/embed/${slug}?${query(origins)}` });
const bundle = (origins: string[]) => call(publicEmbedBundleRoute, { method: "GET", params: { slug }, url: `http://localhost:3000/api/public/embed/${slug}/bundle?${query(origins)}` });

describe("embed API and a duplicated ?origin=", () => {
  it("one allowed origin is served; the same origin twice, or with another in either order, is refused", async () => {
    expect((await info([SHOP])).status).toBe(200);
    expect((await bundle([SHOP])).status).toBe(200);
    for (const origins of [[SHOP, SHOP], [SHOP, EVIL], [EVIL, SHOP], [SHOP, "http://localhost:3000"]]) {
      const r = await info(origins);
      expect(r.status, origins.join(" ")).toBe(403);
      expect(JSON.stringify(r.json)).not.toContain("Embed origins");
      expect((await bundle(origins)).status, origins.join(" ")).toBe(403);
    }
  });

  it("the studio's own origin (the Share tab's preview) is recognised by Host, never by X-Forwarded-Host", async () => {
    expect((await info(["http://localhost:3000"])).status).toBe(200);
    expect((await info([EVIL], { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" })).status).toBe(403);
  });
});
