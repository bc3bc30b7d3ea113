import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { DELETE as deleteProjectRoute } from "@/app/api/projects/[id]/route";
import { db } from "@/lib/server/db";
import { entityProject } from "@/tests/entity-model";
import { call, signUp } from "@/tests/route-helpers";
import { GET, PUT } from "./route";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const NO_TEMPLATES = { entityProjectId: null, placeholderDefaults: {} };

async function bot(cookie: string) {
  const r = await call(createProjectRoute, { body: { name: `bot-${Math.random()}`, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat"] }, cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

describe("chat settings (threshold and quick replies)", () => {
  it("saves and reads them back, keeps other settings, and drops empty button lists", async () => {
    const { cookie } = await signUp();
    const id = await bot(cookie);
    await db.project.update({ where: { id }, data: { settings: JSON.stringify({ preset: "best" }) } });
    expect((await call(GET, { method: "GET", cookie, params: { id } })).json.settings).toEqual({ threshold: 0.5, quickReplies: {}, suggestions: [], ...NO_TEMPLATES });
    const put = await call(PUT, { method: "PUT", cookie, params: { id }, body: { threshold: 0.7, quickReplies: { hours: ["Open today?", "Holidays"], refund: [] }, suggestions: ["When are you open?"] } });
    expect(put.status).toBe(200);
    expect((await call(GET, { method: "GET", cookie, params: { id } })).json.settings).toEqual({ threshold: 0.7, quickReplies: { hours: ["Open today?", "Holidays"] }, suggestions: ["When are you open?"], ...NO_TEMPLATES });
    const row = await db.project.findUniqueOrThrow({ where: { id } });
    expect(JSON.parse(row.settings)).toMatchObject({ preset: "best", threshold: 0.7 });
  });

  it("refuses a threshold outside 0–1, more than four buttons, and another user's project", async () => {
    const { cookie } = await signUp();
    const id = await bot(cookie);
    expect((await call(PUT, { method: "PUT", cookie, params: { id }, body: { threshold: 1.5, quickReplies: {} } })).status).toBe(422);
    expect((await call(PUT, { method: "PUT", cookie, params: { id }, body: { threshold: 0.5, quickReplies: { a: ["1", "2", "3", "4", "5"] } } })).status).toBe(422);
    expect((await call(PUT, { method: "PUT", cookie, params: { id }, body: { threshold: 0.5, quickReplies: {}, suggestions: ["a", "b", "c", "d", "e"] } })).status).toBe(422);
    const other = await signUp();
    expect((await call(PUT, { method: "PUT", cookie: other.cookie, params: { id }, body: { threshold: 0.2, quickReplies: {} } })).status).toBe(404);
    expect((await call(GET, { method: "GET", cookie: other.cookie, params: { id } })).status).toBe(404);
  });
});

describe("entity model for reply templates", () => {
  const put = (cookie: string, id: string, extra: Record<string, unknown>) =>
    call(PUT, { method: "PUT", cookie, params: { id }, body: { threshold: 0.5, quickReplies: {}, ...extra } });
  const get = (cookie: string, id: string) => call(GET, { method: "GET", cookie, params: { id } });

  it("offers only the user's own trained entity models, with their types", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const id = await bot(alice.cookie);
    const trained = await entityProject(alice.cookie);
    await entityProject(alice.cookie, { trained: false });
    await entityProject(alice.cookie, { scene: "text-classification", trained: false });
    await entityProject(bob.cookie);
    const r = await get(alice.cookie, id);
    expect(r.status).toBe(200);
    expect(r.json.entityModels).toEqual([{ id: trained, name: expect.stringMatching(/^entities-/), version: { id: expect.any(String), number: 1 }, types: ["CITY", "DATE", "PERSON"] }]);
  });

  it("links one, keeps only fallback texts of its types, keeps the link when a save leaves it out, and unlinks with null", async () => {
    const { cookie } = await signUp();
    const id = await bot(cookie);
    const entities = await entityProject(cookie);
    const saved = await put(cookie, id, { entityProjectId: entities, placeholderDefaults: { PERSON: "  you ", DATE: "", NOPE: "x" } });
    expect(saved.status).toBe(200);
    expect(saved.json.settings).toMatchObject({ entityProjectId: entities, placeholderDefaults: { PERSON: "you" } });
    expect((await get(cookie, id)).json.settings).toMatchObject({ entityProjectId: entities, placeholderDefaults: { PERSON: "you" } });
    // An older client that does not know these fields keeps them.
    await put(cookie, id, { threshold: 0.6 });
    expect((await get(cookie, id)).json.settings).toMatchObject({ threshold: 0.6, entityProjectId: entities, placeholderDefaults: { PERSON: "you" } });
    await put(cookie, id, { placeholderDefaults: { CITY: "your city" } });
    expect((await get(cookie, id)).json.settings.placeholderDefaults).toEqual({ CITY: "your city" });
    await put(cookie, id, { entityProjectId: null });
    expect((await get(cookie, id)).json.settings).toMatchObject(NO_TEMPLATES);
    expect(JSON.parse((await db.project.findUniqueOrThrow({ where: { id } })).settings)).toMatchObject({ entityProjectId: null, placeholderDefaults: {} });
  });

  it("refuses another user's project exactly like a missing one, and says what is wrong with the user's own", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const id = await bot(alice.cookie);
    const bobs = await entityProject(bob.cookie);
    const foreign = await put(alice.cookie, id, { entityProjectId: bobs });
    const missing = await put(alice.cookie, id, { entityProjectId: "c0000000000000000000000000" });
    expect(foreign.status).toBe(422);
    expect(foreign.json).toEqual(missing.json);
    expect(foreign.json.error.fields.entityProjectId).toBe("Choose one of your own entity-extraction projects.");
    expect(JSON.stringify(foreign.json)).not.toContain(bobs);
    const untrained = await entityProject(alice.cookie, { trained: false });
    expect((await put(alice.cookie, id, { entityProjectId: untrained })).json.error.fields.entityProjectId).toBe("This entity-extraction project has no trained model yet. Train it first.");
    const wrongScene = await entityProject(alice.cookie, { scene: "text-classification", trained: false });
    expect((await put(alice.cookie, id, { entityProjectId: wrongScene })).json.error.fields.entityProjectId).toBe("This project is not an entity-extraction project.");
    expect((await put(alice.cookie, id, { entityProjectId: "x".repeat(65) })).status).toBe(422);
    // Nothing was saved by the refused requests.
    expect(JSON.parse((await db.project.findUniqueOrThrow({ where: { id } })).settings).entityProjectId).toBeUndefined();
    // Bob cannot change Alice's bot to point at his model either.
    expect((await put(bob.cookie, id, { entityProjectId: bobs })).status).toBe(404);
  });

  it("a link whose project was deleted reads as none", async () => {
    const { cookie } = await signUp();
    const id = await bot(cookie);
    const entities = await entityProject(cookie);
    expect((await put(cookie, id, { entityProjectId: entities })).status).toBe(200);
    expect((await call(deleteProjectRoute, { method: "DELETE", cookie, params: { id: entities } })).status).toBe(200);
    expect((await get(cookie, id)).json.settings).toMatchObject(NO_TEMPLATES);
  });
});
