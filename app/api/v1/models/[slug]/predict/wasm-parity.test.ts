import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { POST as createKeyRoute } from "@/app/api/projects/[id]/api-keys/route";
import { POST as predictRoute } from "./route";
import { loadPredictor, type ClassifierPredictor } from "@/lib/ml/predictor";
import { intentDataset } from "@/lib/ml/testing";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { trainTabularModel } from "@/lib/ml/tabular/train-tabular";
import { tabularDataset } from "@/lib/ml/testing";
import { apiBackend } from "@/lib/server/api-v1/predictor-cache";
import { call, signUp } from "@/tests/route-helpers";

// The API's default backend is WebAssembly (n-gram bag text models run on the light runtime instead,
// lib/ml/light); the browser may run webgpu, webgl, wasm or cpu. The same bundle must give the same
// answer (1e-5) as on the reference "cpu" backend.
const texts = ["i lost my card", "what is my balance", "send money to my mom please", "我的卡丢了", "balance?? 🙏"];
let bundle: Uint8Array;
let expected: Awaited<ReturnType<ClassifierPredictor["predict"]>>;

beforeAll(async () => {
  await tf.setBackend("cpu");
  bundle = (await trainTextClassifier(intentDataset(12, 5), { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 9 })).bundle;
  const reference = (await loadPredictor(bundle)) as ClassifierPredictor;
  expected = await reference.predict(texts, { topK: 3 });
  reference.dispose();
}, 120_000);

describe("REST API answers like the bundle on the cpu backend, to 1e-5", () => {
  it("a text model (light runtime)", async () => {
    const owner = await signUp();
    const p = await call(createProjectRoute, { body: { name: "wasm parity", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["api"] }, cookie: owner.cookie });
    const id = p.json.project.id;
    await call(saveModelRoute, { rawBody: new Blob([bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie: owner.cookie, params: { id } });
    const key = (await call(createKeyRoute, { body: { name: "k" }, cookie: owner.cookie, params: { id } })).json;
    const r = await call(predictRoute, { params: { slug: key.slug }, headers: { authorization: `Bearer ${key.secret}` }, body: { inputs: texts, topK: 3 } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    r.json.predictions.forEach((p: { label: string; topK: { label: string; confidence: number }[] }, i: number) => {
      expect(p.label).toBe(expected[i].label);
      p.topK.forEach((t, j) => {
        expect(t.label).toBe(expected[i].topK[j].label);
        expect(Math.abs(t.confidence - expected[i].topK[j].confidence)).toBeLessThan(1e-5);
      });
    });
  });

  it("a tabular model (tfjs on WebAssembly)", async () => {
    const rows = tabularDataset(60, 7);
    const tabular = (await trainTabularModel(rows, { modelType: "mlp", target: "kind", seed: 5, hyperparams: { epochs: 5, batchSize: 16, learningRate: 0.01, patience: 0 } } as never)).bundle;
    const reference = (await loadPredictor(tabular)) as ClassifierPredictor;
    const queries = rows.slice(0, 5).map(({ kind: _kind, ...features }) => features);
    const want = await reference.predict(queries, { topK: 2 });
    reference.dispose();
    const owner = await signUp();
    const p = await call(createProjectRoute, { body: { name: "wasm parity tabular", scene: "tabular-prediction", modelType: "mlp", interfaces: ["api"] }, cookie: owner.cookie });
    const id = p.json.project.id;
    await call(saveModelRoute, { rawBody: new Blob([tabular as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie: owner.cookie, params: { id } });
    const key = (await call(createKeyRoute, { body: { name: "k" }, cookie: owner.cookie, params: { id } })).json;
    const r = await call(predictRoute, { params: { slug: key.slug }, headers: { authorization: `Bearer ${key.secret}` }, body: { inputs: queries, topK: 2 } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(apiBackend()).toBe("wasm");
    r.json.predictions.forEach((p: { label: string; confidence: number }, i: number) => {
      expect(p.label).toBe(want[i].label);
      expect(Math.abs(p.confidence - want[i].confidence)).toBeLessThan(1e-5);
    });
  });
});
