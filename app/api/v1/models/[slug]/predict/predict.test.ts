import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { DELETE as revokeKeyRoute } from "@/app/api/projects/[id]/api-keys/[keyId]/route";
import { PATCH as activateVersionRoute } from "@/app/api/projects/[id]/models/[versionId]/route";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { OPTIONS as predictOptions } from "./route";
import { reserveBody } from "@/lib/server/api-v1/predict";
import { loadPredictor, type ClassifierPredictor, type RegressorPredictor } from "@/lib/ml/predictor";
import { trainTabularModel } from "@/lib/ml/tabular/train-tabular";
import { intentDataset, tabularDataset } from "@/lib/ml/testing";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { clearPredictorCache, predictorCacheStats } from "@/lib/server/api-v1/predictor-cache";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";
import { newKey, predict, projectWithModel, until, type Owner } from "@/tests/api-v1-helpers";

// Pictures and voice are in predict-images.test.ts. The API runs on "cpu" here;
// wasm-parity.test.ts checks the default wasm backend against cpu.
process.env.STUDIO_API_TF_BACKEND = "cpu";

let alice: Owner;
let bob: Owner;
let textBundle: Uint8Array;
let textProject: string;
let textKey: { secret: string; slug: string; key: { id: string } };
let reference: ClassifierPredictor;
const texts = ["i lost my card", "what is my balance", "send money to my mom please", "我的卡丢了", "<b>hello</b>"];

beforeAll(async () => {
  await tf.setBackend("cpu");
  alice = await signUp();
  bob = await signUp();
  const data = intentDataset(12, 3);
  textBundle = (await trainTextClassifier(data, { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 5 })).bundle;
  textProject = await projectWithModel(alice, "intent-chatbot", "ngram-bag", textBundle);
  textKey = await newKey(alice, textProject);
  reference = (await loadPredictor(textBundle)) as ClassifierPredictor;
}, 120_000);

afterEach(() => {
  delete process.env.STUDIO_API_RATE_LIMIT;
});

describe("POST /api/v1/models/{slug}/predict", () => {
  it("answers with the same label and confidence as the bundle run directly, with rate-limit headers", async () => {
    const [expected] = await reference.predict([texts[0]], { topK: 3 });
    const r = await predict(textKey.slug, textKey.secret, { input: texts[0], topK: 3 });
    expect(r.status).toBe(200);
    expect(r.json.modelVersion).toBe(1);
    expect(r.json.label).toBe(expected.label);
    expect(Math.abs(r.json.confidence - expected.confidence)).toBeLessThan(1e-5);
    expect(r.json.topK).toHaveLength(3);
    r.json.topK.forEach((t: { label: string; confidence: number }, i: number) => {
      expect(t.label).toBe(expected.topK[i].label);
      expect(Math.abs(t.confidence - expected.topK[i].confidence)).toBeLessThan(1e-5);
    });
    expect(r.json.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.res.headers.get("x-ratelimit-limit")).toBe("60");
    expect(Number(r.res.headers.get("x-ratelimit-remaining"))).toBeLessThan(60);
    expect(Number(r.res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    expect(r.res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("predicts a batch in one call, each item equal to the direct run", async () => {
    const expected = await reference.predict(texts);
    const r = await predict(textKey.slug, textKey.secret, { inputs: texts });
    expect(r.status).toBe(200);
    expect(r.json.predictions).toHaveLength(texts.length);
    r.json.predictions.forEach((p: { label: string; confidence: number; topK: unknown[]; latencyMs: number }, i: number) => {
      expect(p.label).toBe(expected[i].label);
      expect(Math.abs(p.confidence - expected[i].confidence)).toBeLessThan(1e-5);
      expect(p.topK).toHaveLength(3); // 3 intents, default top 5
      expect(p.latencyMs).toBeGreaterThanOrEqual(0);
    });
  });

  it("records the use without the input text, and marks the key as used", async () => {
    const id = await projectWithModel(alice, "intent-chatbot", "ngram-bag", textBundle);
    const key = await newKey(alice, id);
    const r = await predict(key.slug, key.secret, { inputs: ["secret words 1", "secret words 2"] });
    expect(r.status).toBe(200);
    await until(async () => (await db.predictionEvent.count({ where: { projectId: id } })) === 2);
    const events = await db.predictionEvent.findMany({ where: { projectId: id } });
    const version = await db.project.findUniqueOrThrow({ where: { id }, select: { activeModelVersionId: true } });
    expect(events.map((e) => e.label).sort()).toEqual(r.json.predictions.map((p: { label: string }) => p.label).sort());
    for (const e of events) {
      expect(e).toMatchObject({ channel: "api", input: null, fallback: false, modelVersionId: version.activeModelVersionId });
      expect(e.confidence).toBeGreaterThan(0);
      expect(e.latencyMs).toBeGreaterThanOrEqual(0);
    }
    await until(async () => (await db.apiKey.findUniqueOrThrow({ where: { id: key.key.id } })).lastUsedAt !== null);
  });

  it("loads the model once even when the first requests arrive together", async () => {
    clearPredictorCache();
    const loads = predictorCacheStats().loads;
    const answers = await Promise.all(texts.map((t) => predict(textKey.slug, textKey.secret, { input: t })));
    expect(answers.map((a) => a.status)).toEqual(texts.map(() => 200));
    expect(predictorCacheStats().loads).toBe(loads + 1);
  });

  it("missing, malformed, unknown and revoked keys get 401 with a JSON error", async () => {
    const none = await predict(textKey.slug, null, { input: "hi" });
    expect(none.status).toBe(401);
    expect(none.json.error).toEqual({ code: "missing_api_key", message: expect.stringContaining("Authorization: Bearer") });
    const basic = await predict(textKey.slug, null, { input: "hi" }, { authorization: "Basic abc" });
    expect(basic.json.error.code).toBe("missing_api_key");
    const garbage = await predict(textKey.slug, "not-a-key", { input: "hi" });
    expect(garbage.status).toBe(401);
    expect(garbage.json.error.code).toBe("invalid_api_key");
    const forged = await predict(textKey.slug, `ams_${"A".repeat(40)}`, { input: "hi" });
    expect(forged.status).toBe(401);
    expect(forged.json.error.code).toBe("invalid_api_key");

    const temp = await newKey(alice, textProject);
    expect((await predict(temp.slug, temp.secret, { input: "hi" })).status).toBe(200);
    await call(revokeKeyRoute, { method: "DELETE", cookie: alice.cookie, params: { id: textProject, keyId: temp.key.id } });
    const revoked = await predict(temp.slug, temp.secret, { input: "hi" });
    expect(revoked.status).toBe(401);
    expect(revoked.json.error).toEqual({ code: "revoked_api_key", message: "This API key was revoked. Create a new key in the project's API tab." });
  });

  it("a key known from an earlier call follows the project at once: a new or re-activated version answers the next call", async () => {
    const id = await projectWithModel(alice, "intent-chatbot", "ngram-bag", textBundle);
    const key = await newKey(alice, id);
    expect((await predict(key.slug, key.secret, { input: "hi" })).json.modelVersion).toBe(1);
    const second = await call(saveModelRoute, { rawBody: new Blob([textBundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie: alice.cookie, params: { id } });
    expect(second.status).toBe(201);
    expect((await predict(key.slug, key.secret, { input: "hi" })).json.modelVersion).toBe(2);
    const first = await db.modelVersion.findFirstOrThrow({ where: { projectId: id, number: 1 } });
    const act = await call(activateVersionRoute, { method: "PATCH", body: { active: true }, cookie: alice.cookie, params: { id, versionId: first.id } });
    expect(act.status).toBe(200);
    expect((await predict(key.slug, key.secret, { input: "hi" })).json.modelVersion).toBe(1);
  });

  it("a key of another project gets 403; an unknown slug 404", async () => {
    const bobProject = await projectWithModel(bob, "intent-chatbot", "ngram-bag", textBundle);
    const bobKey = await newKey(bob, bobProject);
    const cross = await predict(textKey.slug, bobKey.secret, { input: "hi" });
    expect(cross.status).toBe(403);
    expect(cross.json.error.code).toBe("key_not_for_model");
    const unknown = await predict("no-such-model-slug", textKey.secret, { input: "hi" });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("model_not_found");
  });

  it("malformed bodies get 400 with a plain message; too large a batch 413", async () => {
    const cases: [unknown, string, RegExp][] = [
      ["{not json", "invalid_json", /not valid JSON/],
      [[1, 2], "invalid_input", /must be a JSON object/],
      [{}, "invalid_input", /exactly one of "input"/],
      [{ input: "a", inputs: ["b"] }, "invalid_input", /exactly one of/],
      [{ input: 42 }, "invalid_input", /^input must be a string of text\.$/],
      [{ inputs: [] }, "invalid_input", /empty/],
      [{ inputs: "hello" }, "invalid_input", /must be a list/],
      [{ input: "a", topK: 0 }, "invalid_input", /topK/],
      [{ input: "a", extra: true }, "invalid_input", /Unknown field "extra"/],
      [{ input: "x".repeat(10_001) }, "invalid_input", /longer than 10000 characters/],
    ];
    for (const [body, code, message] of cases) {
      const r = await predict(textKey.slug, textKey.secret, body);
      expect(r.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(r.json.error.code).toBe(code);
      expect(r.json.error.message).toMatch(message);
      expect(r.res.headers.get("x-ratelimit-limit")).toBe("60");
    }
    const big = await predict(textKey.slug, textKey.secret, { inputs: Array.from({ length: 33 }, () => "hi") });
    expect(big.status).toBe(413);
    expect(big.json.error).toEqual({ code: "batch_too_large", message: "Too many inputs in one call: 33; at most 32. Split them into several calls." });
  });

  it("a batch answers every input: a bad one gets its own error and the others their predictions", async () => {
    const r = await predict(textKey.slug, textKey.secret, { inputs: ["i lost my card", { a: 1 }, 42, "what is my balance", "x".repeat(10_001)] });
    expect(r.status).toBe(200);
    const [first, second, third, fourth, fifth] = r.json.predictions;
    const direct = await reference.predict(["i lost my card", "what is my balance"], { topK: 5 });
    expect(first.label).toBe(direct[0].label);
    expect(fourth.label).toBe(direct[1].label);
    expect(second).toEqual({ error: { code: "invalid_input", message: "inputs[1] must be a string of text." } });
    expect(third).toEqual({ error: { code: "invalid_input", message: "inputs[2] must be a string of text." } });
    expect(fifth.error.message).toMatch(/^inputs\[4\] is longer than 10000 characters/);
    // Only answered inputs are recorded for the Monitor tab.
    const allBad = await predict(textKey.slug, textKey.secret, { inputs: [1, 2] });
    expect(allBad.status).toBe(200);
    expect(allBad.json.predictions.map((p: { error: { code: string } }) => p.error.code)).toEqual(["invalid_input", "invalid_input"]);
  });

  it("a project without a trained model answers 409 in plain words", async () => {
    const empty = await projectWithModel(alice, "text-classification", "ngram-bag", null);
    const key = await newKey(alice, empty);
    const r = await predict(key.slug, key.secret, { input: "hi" });
    expect(r.status).toBe(409);
    expect(r.json.error.message).toBe("This project has no trained model yet. Train one in the studio, then call the API again.");
  });

  it("beyond the per-key limit: 429 with Retry-After; other keys are not affected", async () => {
    process.env.STUDIO_API_RATE_LIMIT = "3";
    const key = await newKey(alice, textProject);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await predict(key.slug, key.secret, { input: "hi" });
      expect(r.status).toBe(200);
      remaining.push(r.res.headers.get("x-ratelimit-remaining")!);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const limited = await predict(key.slug, key.secret, { input: "hi" });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limited");
    expect(limited.json.error.message).toMatch(/limit is 3 per 60 seconds/);
    const retry = Number(limited.res.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(limited.res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.res.headers.get("x-ratelimit-limit")).toBe("3");
    const other = await newKey(alice, textProject);
    expect((await predict(other.slug, other.secret, { input: "hi" })).status).toBe(200);
  });

  it("tabular models take an object of column values (classification and regression)", async () => {
    const rows = tabularDataset(120, 2);
    const hyperparams = { epochs: 5, batchSize: 24, learningRate: 0.02, patience: 0 };
    const cls = (await trainTabularModel(rows, { modelType: "mlp", target: "kind", seed: 3, hyperparams, architecture: { hiddenUnits: [8], dropout: 0 } })).bundle;
    const id = await projectWithModel(alice, "tabular-prediction", "mlp", cls);
    const key = await newKey(alice, id);
    const input = { size: 8.5, weight: 1.2, colour: "red", note: "big sturdy box" };
    const direct = (await loadPredictor(cls)) as ClassifierPredictor;
    const [expected] = await direct.predict([input]);
    direct.dispose();
    const r = await predict(key.slug, key.secret, { input });
    expect(r.status).toBe(200);
    expect(r.json.label).toBe(expected.label);
    expect(Math.abs(r.json.confidence - expected.confidence)).toBeLessThan(1e-5);
    const wrong = await predict(key.slug, key.secret, { input: "a text" });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).toMatch(/must be an object of column values/);
    const nested = await predict(key.slug, key.secret, { input: { size: { x: 1 } } });
    expect(nested.json.error.message).toBe("input.size must be a string, a number, true/false or null.");

    const reg = (await trainTabularModel(rows, { modelType: "linear", target: "price", seed: 4, hyperparams })).bundle;
    const rid = await projectWithModel(alice, "tabular-prediction", "linear", reg);
    const rkey = await newKey(alice, rid);
    const rdirect = (await loadPredictor(reg)) as RegressorPredictor;
    const [value] = await rdirect.predictValues([input]);
    rdirect.dispose();
    const rr = await predict(rkey.slug, rkey.secret, { inputs: [input] });
    expect(rr.status).toBe(200);
    expect(Math.abs(rr.json.predictions[0].value - value)).toBeLessThan(1e-4);
  });

  it("large bodies share one memory budget: past it a call gets 503 with Retry-After; small bodies never wait", () => {
    const req = (length: number | null) => new Request("http://localhost/x", { method: "POST", headers: length === null ? {} : { "content-length": String(length) } });
    const MB = 1024 * 1024;
    const held = Array.from({ length: 7 }, () => reserveBody(req(24 * MB)));
    // A chunked body (no length) holds what has arrived, once it is past 1 MB.
    const chunked = reserveBody(req(null));
    chunked.hold(512 * 1024);
    chunked.hold(20 * MB);
    let refused: unknown = null;
    try {
      reserveBody(req(5 * MB));
    } catch (e) {
      refused = e;
    }
    expect(refused).toMatchObject({ code: "server_busy", status: 503, headers: { "Retry-After": "2" } });
    // The chunked body grows to the limit: the budget (192 MB) is exactly full, then nothing more fits.
    chunked.hold(24 * MB);
    expect(() => reserveBody(req(2 * MB))).toThrow(/many large requests/);
    // A text call is never refused, declared or not.
    expect(() => reserveBody(req(200 * 1024)).release()).not.toThrow();
    const small = reserveBody(req(null));
    expect(() => small.hold(64 * 1024)).not.toThrow();
    held.pop()!.release();
    expect(() => reserveBody(req(5 * MB)).release()).not.toThrow();
    for (const r of [...held, chunked, small]) r.release();
  });

  it("answers CORS preflight for Bearer calls from any origin, without cookies", async () => {
    const res = await predictOptions();
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(res.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    // A browser on another site may call it: there is no same-origin check on this route.
    const r = await predict(textKey.slug, textKey.secret, { input: "hi" }, { origin: "https://customer.example" });
    expect(r.status).toBe(200);
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("describes the predict endpoint in OpenAPI 3.1 with bearer auth, schemas and 429 headers", async () => {
    const r = await call(openApiRoute as never, { method: "GET", url: "http://localhost:3000/api/v1/openapi.json", headers: { host: "studio.example:8080" } });
    expect(r.status).toBe(200);
    const doc = r.json;
    expect(doc.openapi).toBe("3.1.0");
    // Relative to the document (a configured STUDIO_PUBLIC_URL otherwise; see openapi.json/openapi.test.ts).
    expect(doc.servers[0].url).toBe("/api/v1");
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    const op = doc.paths["/models/{slug}/predict"].post;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404", "409", "413", "429"]));
    expect(Object.keys(op.responses["429"].headers)).toEqual(expect.arrayContaining(["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]));
    // Every $ref points at a schema that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(5);
    for (const name of refs) expect(doc.components.schemas[name], name).toBeDefined();
  });
});
