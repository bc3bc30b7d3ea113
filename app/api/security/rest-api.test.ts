import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { POST as createKeyRoute } from "@/app/api/projects/[id]/api-keys/route";
import { POST as predictRoute } from "@/app/api/v1/models/[slug]/predict/route";
import { intentDataset } from "@/lib/ml/testing";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { call, signUp } from "@/tests/route-helpers";

process.env.STUDIO_API_TF_BACKEND = "cpu";

let owner: { cookie: string };
let projectId: string;

async function newKey() {
  const r = await call(createKeyRoute, { body: { name: "k" }, cookie: owner.cookie, params: { id: projectId } });
  expect(r.status).toBe(201);
  return r.json as { secret: string; slug: string };
}

function predict(key: { secret: string; slug: string }, body: unknown, raw = false) {
  return call(predictRoute, {
    url: `http://localhost:3000/api/v1/models/${key.slug}/predict`,
    params: { slug: key.slug },
    headers: { authorization: `Bearer ${key.secret}` },
    ...(raw ? { rawBody: body as string } : { body }),
  });
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  delete process.env.STUDIO_API_RATE_LIMIT;
  owner = await signUp();
  const p = await call(createProjectRoute, { body: { name: `rest-${Math.random()}`, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["api"] }, cookie: owner.cookie });
  projectId = p.json.project.id;
  const bundle = (await trainTextClassifier(intentDataset(6, 3), { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 3 })).bundle;
  const saved = await call(saveModelRoute, { rawBody: new Blob([bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie: owner.cookie, params: { id: projectId } });
  expect(saved.status).toBe(201);
}, 60_000);

describe("REST API: hostile bodies", () => {
  it("wrong types and shapes get 400 with a plain message, never a 500", async () => {
    const key = await newKey();
    const deep = `{"input":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const cases: [string, RegExp][] = [
      ["null", /must be a JSON object/],
      ['"input"', /must be a JSON object/],
      ["123", /must be a JSON object/],
      ["true", /must be a JSON object/],
      ["", /not valid JSON/],
      ['{"input": null}', /input must be a string of text/],
      ['{"input": ["a"]}', /input must be a string of text/],
      ['{"input": {"text": "a"}}', /input must be a string of text/],
      ['{"inputs": {"0": "a"}}', /must be a list/],
      ['{"inputs": null}', /must be a list/],
      ['{"input": "a", "topK": "3"}', /topK/],
      ['{"input": "a", "topK": 2.5}', /topK/],
      ['{"input": "a", "topK": 1e309}', /topK/],
      ['{"input": "a", "topK": -1}', /topK/],
      ['{"input": "a", "topK": 21}', /topK/],
      ['{"input": "a"} trailing', /not valid JSON/],
      ['{"input": "a",}', /not valid JSON/],
      [deep, /./],
      [`{"inputs": [${Array.from({ length: 10_000 }, () => '"a"').join(",")}]}`, /Too many inputs in one call: 10000; at most 32/],
    ];
    for (const [body, message] of cases) {
      const r = await predict(key, body, true);
      expect([400, 413], body.slice(0, 40)).toContain(r.status);
      expect(r.json.error.message, body.slice(0, 40)).toMatch(message);
      expect(r.json.error.message).not.toMatch(/Something went wrong/);
    }
  });

  it("a batch of exactly 32 is answered; text with lone surrogates, NUL and control characters is just text", async () => {
    const key = await newKey();
    const batch = await predict(key, { inputs: Array.from({ length: 32 }, (_, i) => `what is my balance ${i}`) });
    expect(batch.status).toBe(200);
    expect(batch.json.predictions).toHaveLength(32);
    const odd = await predict(key, '{"inputs": ["\\ud800 lone", "nul \\u0000 byte", "\\u202e<script>alert(1)</script>", "\\u0007\\u001b[31m"]}', true);
    expect(odd.status).toBe(200);
    expect(odd.json.predictions).toHaveLength(4);
  });
});

describe("REST API rate limit under a burst", () => {
  it("300 parallel calls with one key: exactly 60 answered, 240 refused with 429 and Retry-After; another key is unaffected", async () => {
    const key = await newKey();
    const answers = await Promise.all(Array.from({ length: 300 }, () => predict(key, { input: "i lost my card" })));
    const ok = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    expect(ok).toHaveLength(60);
    expect(limited).toHaveLength(240);
    for (const a of ok) expect(typeof a.json.label).toBe("string");
    for (const a of limited) {
      const retry = Number(a.res.headers.get("retry-after"));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(a.res.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(a.json.error.code).toBe("rate_limited");
    }
    // The 60 answers counted 59 … 0 remaining, each value once: no two calls shared a count.
    expect(ok.map((a) => Number(a.res.headers.get("x-ratelimit-remaining"))).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect((await predict(key, { input: "again" })).status).toBe(429);
    expect((await predict(await newKey(), { input: "i lost my card" })).status).toBe(200);
  });
});
