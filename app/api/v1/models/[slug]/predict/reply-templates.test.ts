import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { POST as createKeyRoute } from "@/app/api/projects/[id]/api-keys/route";
import { POST as sampleDatasetRoute } from "@/app/api/projects/[id]/sample-dataset/route";
import { GET as trainingDataRoute } from "@/app/api/projects/[id]/training-data/route";
import { PUT as repliesRoute } from "@/app/api/projects/[id]/replies/route";
import { PUT as chatSettingsRoute } from "@/app/api/projects/[id]/chat-settings/route";
import { loadPredictor, type EntityPredictor } from "@/lib/ml/predictor";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { fillReplyTemplate } from "@/lib/scenes/intent-chatbot/reply-template";
import { db } from "@/lib/server/db";
import { projectChanged } from "@/lib/server/cache-bus";
import { entityProject, smallEntityBundle } from "@/tests/entity-model";
import { call, signUp } from "@/tests/route-helpers";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { POST as predictRoute } from "./route";

// An intent chatbot whose replies are templates, with an entity model linked: text predictions
// also carry the entities and the filled reply, computed by the same bundles the browser runs.
process.env.STUDIO_API_TF_BACKEND = "cpu";

const TEMPLATE = "Sure, I will tell {person} about {DATE} in {CITY}. {NOPE}";
const TEXTS = ["Please call Anna Schmidt on Monday", "请在明天提醒张伟"];

let alice: { cookie: string; email: string };
let bot: string;
let labels: string[];
let key: { secret: string; slug: string };

const predict = (body: unknown) =>
  call(predictRoute, { url: `http://localhost:3000/api/v1/models/${key.slug}/predict`, params: { slug: key.slug }, headers: { authorization: `Bearer ${key.secret}` }, body });
const setReplies = (reply: string) =>
  call(repliesRoute, { method: "PUT", cookie: alice.cookie, params: { id: bot }, body: { replies: Object.fromEntries(labels.map((l) => [l, reply])) } });
const link = (entityProjectId: string | null) =>
  call(chatSettingsRoute, { method: "PUT", cookie: alice.cookie, params: { id: bot }, body: { threshold: 0.5, quickReplies: {}, entityProjectId, placeholderDefaults: { CITY: "your city" } } });

beforeAll(async () => {
  await tf.setBackend("cpu");
  alice = await signUp();
  const created = await call(createProjectRoute, { body: { name: `bot-${Math.random()}`, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "api"] }, cookie: alice.cookie });
  bot = created.json.project.id;
  await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id: bot } });
  const data = await call(trainingDataRoute, { method: "GET", cookie: alice.cookie, params: { id: bot } });
  const samples = data.json.samples as { text: string; label: string }[];
  labels = [...new Set(samples.map((s) => s.label))];
  const trained = await trainTextClassifier(
    { texts: samples.map((s) => s.text), labels: samples.map((s) => s.label) },
    { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 7, datasetVersion: String(data.json.datasetVersion) },
  );
  const saved = await call(saveModelRoute, { rawBody: new Blob([trained.bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie: alice.cookie, params: { id: bot } });
  expect(saved.status).toBe(201);
  // Every intent answers with the template, so the check does not depend on which intent wins.
  expect((await setReplies(TEMPLATE)).status).toBe(200);
  key = (await call(createKeyRoute, { body: { name: "k" }, cookie: alice.cookie, params: { id: bot } })).json;
});

describe("REST API: an intent chatbot's reply templates", () => {
  it("without a linked entity model the answer keeps its usual fields only", async () => {
    const r = await predict({ input: TEXTS[0] });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(["confidence", "label", "latencyMs", "modelVersion", "topK"]);
  });

  it("with one: the entities and the filled reply, equal to the bundles run directly", async () => {
    const entities = await entityProject(alice.cookie);
    expect((await link(entities)).status).toBe(200);
    const r = await predict({ inputs: TEXTS, topK: 2 });
    expect(r.status).toBe(200);
    const direct = (await loadPredictor(await smallEntityBundle())) as EntityPredictor;
    const expected = await direct.extract(TEXTS);
    direct.dispose();
    const context = { types: ["CITY", "DATE", "PERSON"], defaults: { CITY: "your city" } };
    for (const [i, p] of (r.json.predictions as { label: string; topK: unknown[]; entities: { type: string; text: string; start: number; end: number }[]; reply: string | null }[]).entries()) {
      expect(p.topK).toHaveLength(2);
      expect(p.entities.map((e) => [e.type, e.text, e.start, e.end])).toEqual(expected[i].entities.map((e) => [e.type, e.text, e.start, e.end]));
      expect(p.reply).toBe(fillReplyTemplate(TEMPLATE, expected[i].entities, context));
    }
    // The small tagger finds the person in the first text: the reply names them, and the rest follows the rules.
    const first = r.json.predictions[0];
    const person = first.entities.find((e: { type: string }) => e.type === "PERSON");
    expect(person?.text).toBe("Anna Schmidt");
    expect(first.reply).toMatch(/^Sure, I will tell Anna Schmidt about .+ in your city\. \{NOPE\}$/);
    // One input: the same fields next to the usual ones.
    const one = await predict({ input: TEXTS[0] });
    expect(Object.keys(one.json).sort()).toEqual(["confidence", "entities", "label", "latencyMs", "modelVersion", "reply", "topK"]);
    // An intent without a reply: null.
    await setReplies("");
    expect((await predict({ input: TEXTS[0] })).json.reply).toBeNull();
    await setReplies(TEMPLATE);
  });

  it("a link to another owner's entity model (settings written by hand) adds nothing", async () => {
    const bob = await signUp();
    const bobs = await entityProject(bob.cookie);
    const row = await db.project.findUniqueOrThrow({ where: { id: bot } });
    await db.project.update({ where: { id: bot }, data: { settings: JSON.stringify({ ...JSON.parse(row.settings), entityProjectId: bobs }) } });
    // A write behind the app's back must announce itself like the app's own writes do, or the
    // REST API keeps answering from what it cached about the key (for up to a minute).
    await projectChanged(bot);
    const r = await predict({ input: TEXTS[0] });
    expect(r.status).toBe(200);
    expect(r.json.entities).toBeUndefined();
    expect(r.json.reply).toBeUndefined();
  });
});

describe("OpenAPI", () => {
  it("documents entities and reply on the class answer", async () => {
    const doc = (await call(openApiRoute as never, { method: "GET", url: "http://localhost:3000/api/v1/openapi.json" })).json;
    const classAnswer = doc.components.schemas.Prediction.oneOf.find((o: { required?: string[] }) => o.required?.includes("label"));
    expect(classAnswer.properties.reply.type).toEqual(["string", "null"]);
    expect(classAnswer.properties.entities.items.$ref).toBe("#/components/schemas/Entity");
    expect(classAnswer.required).not.toContain("reply");
    expect(doc.components.schemas.Entity.required).toEqual(["type", "text", "start", "end", "confidence"]);
  });
});
