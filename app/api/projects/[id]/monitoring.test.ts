import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as eventsRoute } from "./events/route";
import { POST as feedbackRoute } from "./feedback/route";
import { POST as addOneRoute } from "./feedback/[feedbackId]/add-to-dataset/route";
import { POST as addManyRoute } from "./feedback/add-to-dataset/route";
import { GET as monitorRoute } from "./monitor/route";
import { GET as samplesRoute } from "./samples/route";
import { POST as sampleDatasetRoute } from "./sample-dataset/route";
import { PATCH as settingsRoute } from "./settings/route";
import { db } from "@/lib/server/db";
import { sharedStore } from "@/lib/server/rate-limit";
import { call, signUp } from "@/tests/route-helpers";

async function newProject(cookie: string, scene = "intent-chatbot", modelType = "ngram-bag", interfaces = ["chat"]) {
  const r = await call(createProjectRoute, { body: { name: `mon-${Math.random()}`, scene, modelType, interfaces }, cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

/** A stored model version (the Monitor only reads its number and labels). */
async function seedVersion(projectId: string, number: number, active = true) {
  const v = await db.modelVersion.create({
    data: { projectId, number, modelType: "ngram-bag", manifest: JSON.stringify({ labels: ["greeting", "opening_hours", "refund"] }), backend: "cpu", trainingMs: 1 },
  });
  if (active) await db.project.update({ where: { id: projectId }, data: { activeModelVersionId: v.id } });
  return v.id;
}

async function datasetState(projectId: string) {
  const ds = await db.dataset.findUniqueOrThrow({ where: { projectId_name: { projectId, name: "default" } } });
  return {
    version: ds.version,
    versions: await db.datasetVersion.count({ where: { datasetId: ds.id } }),
    samples: await db.sample.count({ where: { datasetId: ds.id } }),
  };
}

const event = (cookie: string, id: string, body: Record<string, unknown>) => call(eventsRoute, { cookie, params: { id }, body });
const feedback = (cookie: string, id: string, body: Record<string, unknown>) => call(feedbackRoute, { cookie, params: { id }, body });
const monitor = (cookie: string, id: string, query = "") =>
  call(monitorRoute, { method: "GET", cookie, params: { id }, url: `http://localhost:3000/api/projects/${id}/monitor${query}` });

let alice: { cookie: string };
let bob: { cookie: string };
beforeAll(async () => {
  alice = await signUp();
  bob = await signUp();
});

describe("POST /events (Playground predictions)", () => {
  it("records a playground event with its input and returns its id; other users get 404", async () => {
    const id = await newProject(alice.cookie);
    const versionId = await seedVersion(id, 1);
    const r = await event(alice.cookie, id, { modelVersionId: versionId, label: "refund", confidence: 0.42, latencyMs: 12.5, fallback: true, input: "  money back?  " });
    expect(r.status).toBe(201);
    const row = await db.predictionEvent.findUniqueOrThrow({ where: { id: r.json.id } });
    expect(row).toMatchObject({ projectId: id, modelVersionId: versionId, channel: "playground", label: "refund", confidence: 0.42, latencyMs: 12.5, fallback: true, input: "money back?" });

    const before = await db.predictionEvent.count({ where: { projectId: id } });
    expect((await event(bob.cookie, id, { latencyMs: 1 })).status).toBe(404);
    expect((await call(eventsRoute, { params: { id }, body: { latencyMs: 1 } })).status).toBe(401);
    expect(await db.predictionEvent.count({ where: { projectId: id } })).toBe(before);
  });

  it("refuses a version of another project, bad numbers and an over-long input", async () => {
    const id = await newProject(alice.cookie);
    const otherVersion = await seedVersion(await newProject(bob.cookie), 1);
    expect((await event(alice.cookie, id, { modelVersionId: otherVersion, latencyMs: 1 })).status).toBe(404);
    expect((await event(alice.cookie, id, { latencyMs: -1 })).status).toBe(422);
    expect((await event(alice.cookie, id, { latencyMs: 1, confidence: 1.5 })).status).toBe(422);
    const long = await event(alice.cookie, id, { latencyMs: 1, input: "x".repeat(2001) });
    expect(long.status).toBe(422);
    expect(long.json.error.message).toBe("The input is too long (at most 2,000 characters).");
    expect(await db.predictionEvent.count({ where: { projectId: id } })).toBe(0);
  });

  it("stops a runaway loop with 429 and Retry-After", async () => {
    const id = await newProject(alice.cookie);
    await sharedStore().put(`events:${id}`, { count: 600, resetAt: new Date(Date.now() + 30_000) });
    const r = await event(alice.cookie, id, { latencyMs: 1 });
    expect(r.status).toBe(429);
    expect(Number(r.res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await db.predictionEvent.count({ where: { projectId: id } })).toBe(0);
  });

  it("keeps no input for scenes whose input is not text, and adds nothing from them to the dataset", async () => {
    const id = await newProject(alice.cookie, "image-recognition", "mobilenet-transfer", ["buttons"]);
    const r = await event(alice.cookie, id, { label: "circle", confidence: 0.2, latencyMs: 30, input: "should not be kept" });
    expect(r.status).toBe(201);
    expect((await db.predictionEvent.findUniqueOrThrow({ where: { id: r.json.id } })).input).toBeNull();
    const add = await call(addManyRoute, { cookie: alice.cookie, params: { id }, body: { events: [{ eventId: r.json.id, label: "square" }] } });
    expect(add.status).toBe(400);
    expect(add.json.error.message).toBe("Only text inputs can be added to the dataset of this project.");
    expect((await monitor(alice.cookie, id)).json).toMatchObject({ canAdd: false, cannotAddReason: "notText" });
  });
});

describe("POST /feedback", () => {
  it("stores correct / wrong for an event; a second click changes the first; the right label is required when wrong", async () => {
    const id = await newProject(alice.cookie);
    const ev = (await event(alice.cookie, id, { label: "refund", confidence: 0.8, latencyMs: 3, input: "when do you open" })).json.id;
    const ok = await feedback(alice.cookie, id, { eventId: ev, correct: true });
    expect(ok.status).toBe(201);
    expect(ok.json.feedback).toMatchObject({ eventId: ev, correct: true, predictedLabel: "refund", correctLabel: "refund", input: "when do you open", addedToDataset: false });

    const missing = await feedback(alice.cookie, id, { eventId: ev, correct: false });
    expect(missing.status).toBe(422);
    expect(missing.json.error.fields.correctLabel).toBe("Choose the right label for a wrong answer.");

    const wrong = await feedback(alice.cookie, id, { eventId: ev, correct: false, correctLabel: "opening_hours" });
    expect(wrong.status).toBe(201);
    expect(wrong.json.feedback.id).toBe(ok.json.feedback.id);
    expect(await db.feedbackEvent.findMany({ where: { projectId: id } })).toMatchObject([{ correct: false, correctLabel: "opening_hours" }]);
  });

  it("takes raw input without an event; refuses neither, and events or projects of others", async () => {
    const id = await newProject(alice.cookie);
    const raw = await feedback(alice.cookie, id, { input: "do you ship abroad", predictedLabel: "refund", correct: false, correctLabel: "shipping" });
    expect(raw.status).toBe(201);
    expect(raw.json.feedback).toMatchObject({ eventId: null, input: "do you ship abroad", correctLabel: "shipping" });
    expect((await feedback(alice.cookie, id, { correct: true })).status).toBe(422);

    const bobProject = await newProject(bob.cookie);
    const bobEvent = (await event(bob.cookie, bobProject, { latencyMs: 1, input: "hi" })).json.id;
    expect((await feedback(alice.cookie, id, { eventId: bobEvent, correct: true })).status).toBe(404);
    expect((await feedback(bob.cookie, id, { input: "x", correct: true })).status).toBe(404);
    expect(await db.feedbackEvent.count({ where: { predictionEventId: bobEvent } })).toBe(0);
  });
});

describe("add to dataset", () => {
  it("adds the input with the right label as one new sample in one new dataset version, once", async () => {
    const id = await newProject(alice.cookie);
    expect((await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id } })).status).toBe(201);
    const ev = (await event(alice.cookie, id, { label: "greeting", confidence: 0.3, latencyMs: 4, input: "can I bring my dog" })).json.id;
    const fb = (await feedback(alice.cookie, id, { eventId: ev, correct: false, correctLabel: "pets" })).json.feedback.id;
    const before = await datasetState(id);

    const added = await call(addOneRoute, { cookie: alice.cookie, params: { id, feedbackId: fb } });
    expect(added.status).toBe(200);
    expect(added.json).toEqual({ added: 1, skipped: 0, version: before.version + 1 });
    const after = await datasetState(id);
    expect(after).toEqual({ version: before.version + 1, versions: before.versions + 1, samples: before.samples + 1 });
    const listed = await call(samplesRoute, { method: "GET", cookie: alice.cookie, params: { id }, url: `http://localhost:3000/api/projects/${id}/samples?label=pets` });
    expect(listed.json.samples).toMatchObject([{ text: "can I bring my dog", label: "pets", source: "feedback" }]);
    expect((await db.feedbackEvent.findUniqueOrThrow({ where: { id: fb } })).addedToDataset).toBe(true);

    // Twice is refused and changes nothing; so is changing the feedback afterwards.
    const again = await call(addOneRoute, { cookie: alice.cookie, params: { id, feedbackId: fb } });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe("This input is already in the dataset.");
    expect((await feedback(alice.cookie, id, { eventId: ev, correct: true })).status).toBe(409);
    expect(await datasetState(id)).toEqual(after);
  });

  it("two adds of the same feedback at once give one sample", async () => {
    const id = await newProject(alice.cookie);
    await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id } });
    const fb = (await feedback(alice.cookie, id, { input: "racing add", correct: false, correctLabel: "refund" })).json.feedback.id;
    const before = await datasetState(id);
    const results = await Promise.all([1, 2].map(() => call(addOneRoute, { cookie: alice.cookie, params: { id, feedbackId: fb } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await datasetState(id)).toEqual({ version: before.version + 1, versions: before.versions + 1, samples: before.samples + 1 });
  });

  it("other users get 404 and nothing changes", async () => {
    const id = await newProject(alice.cookie);
    const fb = (await feedback(alice.cookie, id, { input: "hello", correct: false, correctLabel: "greeting" })).json.feedback.id;
    expect((await call(addOneRoute, { cookie: bob.cookie, params: { id, feedbackId: fb } })).status).toBe(404);
    const bobProject = await newProject(bob.cookie);
    expect((await call(addOneRoute, { cookie: bob.cookie, params: { id: bobProject, feedbackId: fb } })).status).toBe(404);
    expect((await call(addManyRoute, { cookie: bob.cookie, params: { id: bobProject }, body: { feedbackIds: [fb] } })).status).toBe(404);
    expect(await db.sample.count({ where: { dataset: { projectId: { in: [id, bobProject] } } } })).toBe(0);
    expect((await db.feedbackEvent.findUniqueOrThrow({ where: { id: fb } })).addedToDataset).toBe(false);
  });

  it("refuses device-only projects with a clear message and writes nothing", async () => {
    const id = await newProject(alice.cookie);
    expect((await call(settingsRoute, { method: "PATCH", cookie: alice.cookie, params: { id }, body: { localDataOnly: true } })).status).toBe(200);
    const fb = (await feedback(alice.cookie, id, { input: "hello there", correct: false, correctLabel: "greeting" })).json.feedback.id;
    const r = await call(addOneRoute, { cookie: alice.cookie, params: { id, feedbackId: fb } });
    expect(r.status).toBe(409);
    expect(r.json.error.message).toContain("keeps its training data on this device only");
    expect((await monitor(alice.cookie, id)).json).toMatchObject({ canAdd: false, cannotAddReason: "deviceOnly" });
    const zh = await call(addOneRoute, { cookie: alice.cookie, params: { id, feedbackId: fb }, headers: { "accept-language": "zh-CN" } });
    expect(zh.json.error.message).toContain("仅保存在本设备上");
    expect(await db.sample.count({ where: { dataset: { projectId: id } } })).toBe(0);
    expect((await db.feedbackEvent.findUniqueOrThrow({ where: { id: fb } })).addedToDataset).toBe(false);
  });

  it("bulk: wrong answers and low-confidence inputs with a chosen label, in one dataset version; repeats are skipped", async () => {
    const id = await newProject(alice.cookie);
    await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id } });
    const fb1 = (await feedback(alice.cookie, id, { input: "bulk one", correct: false, correctLabel: "refund" })).json.feedback.id;
    const fb2 = (await feedback(alice.cookie, id, { input: "bulk two", correct: false, correctLabel: "greeting" })).json.feedback.id;
    const low = (await event(alice.cookie, id, { label: "greeting", confidence: 0.2, latencyMs: 2, input: "bulk three" })).json.id;
    const before = await datasetState(id);

    const r = await call(addManyRoute, { cookie: alice.cookie, params: { id }, body: { feedbackIds: [fb1, fb2], events: [{ eventId: low, label: "brand new" }] } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ added: 3, skipped: 0, version: before.version + 1 });
    expect(await datasetState(id)).toEqual({ version: before.version + 1, versions: before.versions + 1, samples: before.samples + 3 });
    const samples = await db.sample.findMany({ where: { dataset: { projectId: id }, source: "feedback" }, select: { text: true, label: true }, orderBy: { text: "asc" } });
    expect(samples).toEqual([
      { text: "bulk one", label: "refund" },
      { text: "bulk three", label: "brand new" },
      { text: "bulk two", label: "greeting" },
    ]);
    // The low-confidence input now has feedback that says what the right label was.
    expect(await db.feedbackEvent.findFirst({ where: { predictionEventId: low } })).toMatchObject({ correct: false, predictedLabel: "greeting", correctLabel: "brand new", addedToDataset: true });
    const ds = await db.dataset.findUniqueOrThrow({ where: { projectId_name: { projectId: id, name: "default" } } });
    expect(JSON.parse(ds.schema).labels).toContain("brand new");

    const again = await call(addManyRoute, { cookie: alice.cookie, params: { id }, body: { feedbackIds: [fb1], events: [{ eventId: low, label: "brand new" }] } });
    expect(again.json).toEqual({ added: 0, skipped: 2, version: null });
    expect((await datasetState(id)).versions).toBe(before.versions + 1);
  });

  it("bulk is all or nothing: one unknown id refuses the whole request", async () => {
    const id = await newProject(alice.cookie);
    const fb = (await feedback(alice.cookie, id, { input: "partial", correct: false, correctLabel: "refund" })).json.feedback.id;
    const r = await call(addManyRoute, { cookie: alice.cookie, params: { id }, body: { feedbackIds: [fb, "nope"] } });
    expect(r.status).toBe(404);
    expect((await db.feedbackEvent.findUniqueOrThrow({ where: { id: fb } })).addedToDataset).toBe(false);
    expect(await db.sample.count({ where: { dataset: { projectId: id } } })).toBe(0);
    expect((await call(addManyRoute, { cookie: alice.cookie, params: { id }, body: {} })).status).toBe(422);
    expect((await call(addManyRoute, { cookie: alice.cookie, params: { id }, body: { events: [{ eventId: "x", label: " " }] } })).status).toBe(422);
  });

  it("the same text with the same label already in the dataset is not stored twice", async () => {
    const id = await newProject(alice.cookie);
    await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id } });
    const existing = await db.sample.findFirstOrThrow({ where: { dataset: { projectId: id } } });
    const fb = (await feedback(alice.cookie, id, { input: existing.text!, correct: false, correctLabel: existing.label! })).json.feedback.id;
    const before = await datasetState(id);
    const r = await call(addOneRoute, { cookie: alice.cookie, params: { id, feedbackId: fb } });
    expect(r.json).toEqual({ added: 0, skipped: 1, version: null });
    expect(await datasetState(id)).toEqual(before);
    expect((await db.feedbackEvent.findUniqueOrThrow({ where: { id: fb } })).addedToDataset).toBe(true);
  });
});

describe("GET /monitor", () => {
  it("aggregates one version: per day by channel, latency percentiles, confidence bins, fallback rate, feedback accuracy, review lists", async () => {
    const id = await newProject(alice.cookie);
    const v1 = await seedVersion(id, 1, false);
    const v2 = await seedVersion(id, 2, true);
    const now = Date.now();
    const day = 86_400_000;
    // 100 events of v2: latency 1..100 ms, confidence i/100 for i = 0..99, every 4th a fallback.
    await db.predictionEvent.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({
        projectId: id,
        modelVersionId: v2,
        channel: (["playground", "share", "embed", "api"] as const)[i % 4],
        label: "greeting",
        confidence: i / 100,
        latencyMs: i + 1,
        fallback: i % 4 === 0,
        input: i % 4 === 3 ? null : `input ${i}`, // API inputs are never stored
        createdAt: new Date(now - (i < 60 ? 0 : day)),
      })),
    });
    // Noise that must not count: another version, an event older than the window.
    await db.predictionEvent.create({ data: { projectId: id, modelVersionId: v1, channel: "playground", confidence: 0.01, latencyMs: 9999, input: "old version" } });
    await db.predictionEvent.create({ data: { projectId: id, modelVersionId: v2, channel: "playground", confidence: 0.01, latencyMs: 9999, input: "too old", createdAt: new Date(now - 40 * day) } });
    const rated = await db.predictionEvent.findMany({ where: { projectId: id, modelVersionId: v2, input: { not: null } }, orderBy: { latencyMs: "asc" }, take: 4 });
    // Feedback on v2: 3 correct, 1 wrong (with a right label); one on v1 that must not count.
    for (const [i, e] of rated.entries()) {
      await feedback(alice.cookie, id, { eventId: e.id, correct: i < 3, correctLabel: i < 3 ? undefined : "refund" });
    }
    const v1Event = await db.predictionEvent.findFirstOrThrow({ where: { modelVersionId: v1 } });
    await feedback(alice.cookie, id, { eventId: v1Event.id, correct: false, correctLabel: "refund" });

    const r = await monitor(alice.cookie, id);
    expect(r.status).toBe(200);
    const m = r.json;
    expect(m.version).toBe(v2); // the active version by default
    expect(m.versions).toEqual([{ id: v2, number: 2, active: true }, { id: v1, number: 1, active: false }]);
    expect(m.total).toBe(100);
    expect(m.truncated).toBe(false);
    expect(m.perDay).toHaveLength(30);
    const today = m.perDay.at(-1);
    const yesterday = m.perDay.at(-2);
    expect(today).toEqual({ day: new Date(now).toISOString().slice(0, 10), playground: 15, share: 15, embed: 15, api: 15 });
    expect(yesterday).toMatchObject({ playground: 10, share: 10, embed: 10, api: 10 });
    expect(m.latency).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(m.confidence).toEqual(new Array(10).fill(10));
    expect(m.fallbackRate).toBe(0.25);
    expect(m.feedback).toEqual({ total: 4, correct: 3, accuracy: 0.75 });
    // Low confidence (< 0.5), with a stored input, not yet reviewed: i < 50, i % 4 != 3, minus the 4 rated.
    const expectedLow = Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 4 !== 3).length - 4;
    expect(m.lowConfidence).toHaveLength(expectedLow);
    expect(m.lowConfidence.every((e: { confidence: number }) => e.confidence < 0.5)).toBe(true);
    expect(m.lowConfidence.map((e: { input: string }) => e.input)).not.toContain("old version");
    expect(m.wrong).toMatchObject([{ input: rated[3].input, predictedLabel: "greeting", correctLabel: "refund" }]);
    expect(m.labels).toEqual(expect.arrayContaining(["greeting", "opening_hours", "refund"]));
    expect(m.canAdd).toBe(true);
    expect(m.threshold).toBe(0.5);

    // All versions together: the v1 event and its feedback count too.
    const all = (await monitor(alice.cookie, id, "?version=all")).json;
    expect(all.version).toBeNull();
    expect(all.total).toBe(101);
    expect(all.feedback).toEqual({ total: 5, correct: 3, accuracy: 0.6 });
    expect(all.wrong).toHaveLength(2);

    // A short window drops yesterday's events.
    const oneDay = (await monitor(alice.cookie, id, "?days=1")).json;
    expect(oneDay.perDay).toHaveLength(1);
    expect(oneDay.total).toBe(60);

    // Once added to the dataset, a wrong answer leaves the list.
    await call(addOneRoute, { cookie: alice.cookie, params: { id, feedbackId: m.wrong[0].feedbackId } });
    expect((await monitor(alice.cookie, id)).json.wrong).toEqual([]);
  });

  it("is empty before anything is recorded, uses the project's threshold, and is 404 for others or an unknown version", async () => {
    const id = await newProject(alice.cookie);
    const empty = (await monitor(alice.cookie, id)).json;
    expect(empty).toMatchObject({ version: null, total: 0, latency: null, fallbackRate: null, feedback: { total: 0, correct: 0, accuracy: null }, lowConfidence: [], wrong: [] });
    expect(empty.confidence).toEqual(new Array(10).fill(0));

    await db.project.update({ where: { id }, data: { settings: JSON.stringify({ threshold: 0.8 }) } });
    await event(alice.cookie, id, { label: "refund", confidence: 0.7, latencyMs: 5, input: "below 80" });
    const m = (await monitor(alice.cookie, id)).json;
    expect(m.threshold).toBe(0.8);
    expect(m.lowConfidence).toMatchObject([{ input: "below 80", confidence: 0.7, channel: "playground" }]);

    expect((await monitor(bob.cookie, id)).status).toBe(404);
    expect((await monitor(alice.cookie, id, "?version=unknown")).status).toBe(404);
    expect((await monitor(alice.cookie, "nope")).status).toBe(404);
  });
});
