import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { POST as createKeyRoute } from "@/app/api/projects/[id]/api-keys/route";
import { POST as uploadRoute } from "@/app/api/projects/[id]/uploads/route";
import { POST as importRoute } from "@/app/api/projects/[id]/imports/route";
import { GET as trainingDataRoute } from "@/app/api/projects/[id]/training-data/route";
import { GET as exportRoute } from "@/app/api/projects/[id]/dataset/export/route";
import { GET as getChatSettingsRoute, PUT as chatSettingsRoute } from "@/app/api/projects/[id]/chat-settings/route";
import { PUT as repliesRoute } from "@/app/api/projects/[id]/replies/route";
import { GET as getEmbedRoute, PATCH as embedRoute } from "@/app/api/projects/[id]/embed/route";
import { PATCH as renameRoute } from "@/app/api/projects/[id]/route";
import { POST as predictRoute } from "@/app/api/v1/models/[slug]/predict/route";
import { trainTabularModel } from "@/lib/ml/tabular/train-tabular";
import { fitTabularPreprocessing } from "@/lib/ml/tabular/preprocess";
import { tabularDataset } from "@/lib/ml/testing";
import type { TabularRow } from "@/lib/ml/types";
import { call, signUp } from "@/tests/route-helpers";

process.env.STUDIO_API_TF_BACKEND = "cpu";

/*
 * JSON.parse turns "__proto__" into an ordinary own key; code that copies such an object with
 * obj[key] = value, or merges it deeply, can change Object.prototype for the whole server. After
 * every hostile body the prototypes must be exactly as before.
 */
const objectKeys = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayKeys = Object.getOwnPropertyNames(Array.prototype).sort();
function expectNoPollution() {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectKeys);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayKeys);
  expect(Object.prototype.toString.call({})).toBe("[object Object]");
}
afterEach(expectNoPollution);

let owner: { cookie: string };

async function project(scene: string, modelType: string, interfaces: string[]) {
  const r = await call(createProjectRoute, { body: { name: `proto-${Math.random()}`, scene, modelType, interfaces }, cookie: owner.cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

function upload(id: string, text: string, name: string) {
  return call(uploadRoute, { rawBody: text, headers: { "content-type": "application/octet-stream" }, cookie: owner.cookie, params: { id }, url: `http://localhost:3000/api/projects/${id}/uploads?name=${name}` });
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  owner = await signUp();
});

describe("__proto__ and constructor keys", () => {
  it("in REST API bodies and tabular rows: refused or ignored, never merged", async () => {
    const rows = tabularDataset(60, 5);
    const bundle = (await trainTabularModel(rows, { modelType: "mlp", target: "kind", seed: 2, hyperparams: { epochs: 2, batchSize: 24, learningRate: 0.02, patience: 0 }, architecture: { hiddenUnits: [4], dropout: 0 } })).bundle;
    const id = await project("tabular-prediction", "mlp", ["api"]);
    expect((await call(saveModelRoute, { rawBody: new Blob([bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie: owner.cookie, params: { id } })).status).toBe(201);
    const key = (await call(createKeyRoute, { body: { name: "k" }, cookie: owner.cookie, params: { id } })).json as { secret: string; slug: string };
    const predict = (raw: string) =>
      call(predictRoute, { url: `http://localhost:3000/api/v1/models/${key.slug}/predict`, params: { slug: key.slug }, headers: { authorization: `Bearer ${key.secret}` }, rawBody: raw });
    const row = '"size": 8.5, "weight": 1.2, "colour": "red", "note": "big sturdy box"';
    const refused = [
      `{"input": {${row}}, "__proto__": {"polluted": "yes"}}`,
      `{"input": {${row}}, "constructor": {"prototype": {"polluted": "yes"}}}`,
      `{"input": {${row}, "__proto__": {"polluted": "yes"}}}`,
    ];
    for (const body of refused) {
      const r = await predict(body);
      expect(r.status, body).toBe(400);
      expectNoPollution();
    }
    // In a batch each input is answered on its own: these rows get their own 400-style error.
    for (const body of [`{"inputs": [{${row}, "constructor": {"prototype": {"polluted": "yes"}}}]}`, `{"inputs": [{"__proto__": [1, 2]}]}`]) {
      const r = await predict(body);
      expect(r.status, body).toBe(200);
      expect(r.json.predictions[0].error.code, body).toBe("invalid_input");
      expectNoPollution();
    }
    // Extra keys with plain values are unknown columns: the answer is the row's answer without them.
    const plain = await predict(`{"input": {${row}}}`);
    const extra = await predict(`{"input": {${row}, "__proto__": "x", "constructor": "y", "prototype": 1, "hasOwnProperty": "z", "toString": "w"}}`);
    expect(plain.status).toBe(200);
    expect(extra.status).toBe(200);
    expect(extra.json.label).toBe(plain.json.label);
    expect(extra.json.confidence).toBeCloseTo(plain.json.confidence, 5);
  });

  it("in studio JSON bodies (replies, quick replies, placeholder texts, embed theme, rename): no pollution, no 500, settings stay plain data", async () => {
    const id = await project("intent-chatbot", "ngram-bag", ["chat", "embed"]);
    const put = (route: typeof repliesRoute, raw: string, method = "PUT") =>
      call(route, { method, rawBody: raw, headers: { "content-type": "application/json" }, cookie: owner.cookie, params: { id } });
    const answers = [
      await put(repliesRoute, '{"replies": {"__proto__": "x", "constructor": "c", "balance": "ok"}}'),
      await put(repliesRoute, '{"replies": {"__proto__": {"polluted": "yes"}}}'),
      await put(chatSettingsRoute, '{"threshold": 0.5, "quickReplies": {"__proto__": ["a"], "constructor": ["b"]}, "placeholderDefaults": {"__proto__": "z", "toString": "t"}}'),
      await put(chatSettingsRoute, '{"threshold": 0.5, "quickReplies": {}, "__proto__": {"threshold": 2, "polluted": "yes"}}'),
      await put(embedRoute, '{"theme": {"__proto__": {"polluted": "yes", "title": "x"}}, "__proto__": {"enabled": true}}', "PATCH"),
      await put(embedRoute, '{"constructor": {"prototype": {"polluted": "yes"}}, "allowedOrigins": ["https://shop.example"]}', "PATCH"),
      await put(renameRoute, '{"name": "renamed", "__proto__": {"ownerId": "someone-else"}}', "PATCH"),
    ];
    for (const a of answers) expect([200, 201, 422], JSON.stringify(a.json)).toContain(a.status);
    const settings = await call(getChatSettingsRoute, { method: "GET", cookie: owner.cookie, params: { id } });
    expect(settings.status).toBe(200);
    expect(settings.json.settings?.threshold ?? settings.json.threshold).toBe(0.5);
    const embed = await call(getEmbedRoute, { method: "GET", cookie: owner.cookie, params: { id } });
    expect(embed.json.embed.enabled).toBe(false);
    expect(Object.getPrototypeOf(embed.json.embed.theme)).toBe(Object.prototype);
  });

  it("in uploaded tables: columns called __proto__ / constructor / prototype are kept as data through import, training data, preprocessing and export", async () => {
    const tab = await project("tabular-prediction", "mlp", ["api"]);
    const csv = ["__proto__,constructor,prototype,size,kind", ...Array.from({ length: 12 }, (_, i) => `p${i % 3},c${i % 2},${i % 4},${i % 5},${i % 2 ? "odd" : "even"}`)].join("\n");
    const pre = await upload(tab, csv, "proto.csv");
    expect(pre.status).toBe(200);
    expect(pre.json.headers).toEqual(["__proto__", "constructor", "prototype", "size", "kind"]);
    const mapping = { kind: "tabular", target: "kind", features: ["__proto__", "constructor", "prototype", "size"] };
    const imp = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping }, cookie: owner.cookie, params: { id: tab } });
    expect(imp.status).toBe(201);
    expect(imp.json.added).toBe(12);
    const data = await call(trainingDataRoute, { method: "GET", cookie: owner.cookie, params: { id: tab } });
    expect(data.status).toBe(200);
    const first = data.json.samples[0].data.values;
    expect(Object.keys(first).sort()).toEqual(["__proto__", "constructor", "prototype", "size"]);
    expect(Object.getOwnPropertyDescriptor(first, "__proto__")?.value).toBe("p0");
    // What the trainer builds from these rows sees the column's values, not Object.prototype.
    const rows = data.json.samples.map((s: { data: { values: TabularRow } }) => s.data.values);
    const prep = fitTabularPreprocessing(rows, [{ name: "__proto__", kind: "categorical" }, { name: "constructor", kind: "categorical" }, { name: "toString", kind: "categorical" }], { name: "kind", task: "classification" });
    expect(prep.columns.map((c) => (c.kind === "categorical" ? [c.name, [...c.categories].sort()] : null))).toEqual([
      ["__proto__", ["p0", "p1", "p2"]],
      ["constructor", ["c0", "c1"]],
      ["toString", []],
    ]);
    const exported = await call(exportRoute, { method: "GET", cookie: owner.cookie, params: { id: tab } });
    expect(exported.status).toBe(200);
    const lines = (await exported.res.text()).replace(/^\uFEFF/, "").split("\r\n");
    expect(lines.slice(0, 3)).toEqual(["__proto__,constructor,prototype,size,kind", "p0,c0,0,0,even", "p1,c1,1,1,odd"]);

    const text = await project("text-classification", "ngram-bag", ["chat"]);
    const jsonl = [
      '{"text": "good phone", "label": "pos", "__proto__": {"polluted": "yes"}}',
      '{"text": "bad phone", "label": "neg", "constructor": {"prototype": {"polluted": "yes"}}}',
      '{"__proto__": {"text": "x"}, "text": "fine phone", "label": "pos"}',
      '{"text": "awful phone", "label": "neg"}',
    ].join("\n");
    const j = await upload(text, jsonl, "proto.jsonl");
    expect(j.status).toBe(200);
    expect(j.json.headers).toEqual(["text", "label", "__proto__", "constructor"]);
    // A line without the key has an empty cell, not Object.prototype or Object's constructor.
    expect(j.json.rows).toEqual([
      ["good phone", "pos", '{"polluted":"yes"}', ""],
      ["bad phone", "neg", "", '{"prototype":{"polluted":"yes"}}'],
      ["fine phone", "pos", '{"text":"x"}', ""],
      ["awful phone", "neg", "", ""],
    ]);
    const imported = await call(importRoute, { body: { uploadId: j.json.uploadId, mapping: { kind: "text", text: "text", label: "label" } }, cookie: owner.cookie, params: { id: text } });
    expect(imported.status).toBe(201);
    expect(imported.json.added).toBe(4);
  });
});
