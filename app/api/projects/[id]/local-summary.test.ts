import { beforeAll, describe, expect, it } from "vitest";
import { GET as listProjectsRoute, POST as createProjectRoute } from "@/app/api/projects/route";
import { GET as datasetRoute } from "./dataset/route";
import { PUT as summaryRoute } from "./dataset/local-summary/route";
import { PATCH as settingsRoute } from "./settings/route";
import { POST as uploadRoute } from "./uploads/route";
import { POST as sampleDatasetRoute } from "./sample-dataset/route";
import { GET as samplesRoute } from "./samples/route";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";

const CHECKSUM = "a".repeat(64);

async function newProject(cookie: string, scene = "text-classification", modelType = "ngram-bag", interfaces = ["chat"]) {
  const r = await call(createProjectRoute, { body: { name: `local-${Math.random()}`, scene, modelType, interfaces }, cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

const setDeviceOnly = (cookie: string, id: string, localDataOnly: boolean) =>
  call(settingsRoute, { method: "PATCH", body: { localDataOnly }, cookie, params: { id } });

const putSummary = (cookie: string, id: string, body: unknown) => call(summaryRoute, { method: "PUT", body, cookie, params: { id } });

let alice: { cookie: string };
let bob: { cookie: string };
beforeAll(async () => {
  alice = await signUp();
  bob = await signUp();
});

describe("PUT /api/projects/:id/dataset/local-summary (device-only training data)", () => {
  it("records counts and a checksum as a dataset version; the same report twice is one version", async () => {
    const id = await newProject(alice.cookie);
    expect((await setDeviceOnly(alice.cookie, id, true)).status).toBe(200);

    const first = await putSummary(alice.cookie, id, { total: 5, labelCounts: { pos: 3, neg: 2, empty: 0 }, checksum: CHECKSUM });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ version: 1 });
    const again = await putSummary(alice.cookie, id, { total: 5, labelCounts: { pos: 3, neg: 2, empty: 0 }, checksum: CHECKSUM });
    expect(again.json).toEqual({ version: 1 });
    const changed = await putSummary(alice.cookie, id, { total: 6, labelCounts: { pos: 4, neg: 2, empty: 0 }, checksum: "b".repeat(64) });
    expect(changed.json).toEqual({ version: 2 });

    const versions = await db.datasetVersion.findMany({ where: { dataset: { projectId: id } }, orderBy: { version: "asc" } });
    expect(versions.map((v) => [v.version, v.sampleCount, v.checksum])).toEqual([
      [1, 5, `local:${CHECKSUM}`],
      [2, 6, `local:${"b".repeat(64)}`],
    ]);
    expect(JSON.parse(versions[1].labelCounts)).toEqual({ pos: 4, neg: 2, empty: 0 });

    // The dataset view shows the reported counts; no sample is stored on the server.
    const ds = await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(ds.json.dataset).toMatchObject({ total: 6, version: 2, localDataOnly: true, canTrain: true });
    expect(ds.json.dataset.classes).toEqual([
      { label: "pos", count: 4 },
      { label: "neg", count: 2 },
      { label: "empty", count: 0 },
    ]);
    const samples = await call(samplesRoute, { method: "GET", cookie: alice.cookie, params: { id }, url: `http://localhost:3000/api/projects/${id}/samples` });
    expect(samples.json.total).toBe(0);

    // The dashboard counts device-only data as "data ready".
    const list = await call(listProjectsRoute, { method: "GET", cookie: alice.cookie });
    expect(list.json.projects.find((p: { id: string }) => p.id === id).status).toBe("data-ready");
  });

  it("an empty device dataset is 'no data' and cannot train", async () => {
    const id = await newProject(alice.cookie);
    await setDeviceOnly(alice.cookie, id, true);
    expect((await putSummary(alice.cookie, id, { total: 0, labelCounts: {}, checksum: CHECKSUM })).status).toBe(200);
    const ds = await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(ds.json.dataset).toMatchObject({ total: 0, canTrain: false, localDataOnly: true });
    expect(ds.json.dataset.issues[0].code).toBe("no-samples");
    const list = await call(listProjectsRoute, { method: "GET", cookie: alice.cookie });
    expect(list.json.projects.find((p: { id: string }) => p.id === id).status).toBe("no-data");
  });

  it("FAQ data has no classes: enough examples are enough to train", async () => {
    const id = await newProject(alice.cookie, "faq-retrieval", "bm25", ["chat"]);
    await setDeviceOnly(alice.cookie, id, true);
    await putSummary(alice.cookie, id, { total: 4, labelCounts: {}, checksum: CHECKSUM });
    const ds = await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(ds.json.dataset).toMatchObject({ total: 4, canTrain: true, classes: [] });
  });

  it("accepts only counts and a checksum: extra fields, bad numbers and impossible counts are refused", async () => {
    const id = await newProject(alice.cookie);
    await setDeviceOnly(alice.cookie, id, true);
    const bad: unknown[] = [
      { total: 2, labelCounts: { a: 2 }, checksum: CHECKSUM, samples: [{ text: "secret", label: "a" }] },
      { total: 2, labelCounts: { a: 2 }, checksum: CHECKSUM, text: "secret" },
      { total: -1, labelCounts: {}, checksum: CHECKSUM },
      { total: 1.5, labelCounts: {}, checksum: CHECKSUM },
      { total: 2, labelCounts: { a: -1 }, checksum: CHECKSUM },
      { total: 2, labelCounts: { "": 2 }, checksum: CHECKSUM },
      { total: 2, labelCounts: { ["x".repeat(101)]: 2 }, checksum: CHECKSUM },
      { total: 2, labelCounts: { a: 2 }, checksum: "not-a-hash" },
      { total: 2, labelCounts: { a: 2 } },
      { total: 1, labelCounts: { a: 2, b: 1 }, checksum: CHECKSUM },
    ];
    for (const body of bad) {
      const r = await putSummary(alice.cookie, id, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect(await db.datasetVersion.count({ where: { dataset: { projectId: id } } })).toBe(0);
  });

  it("entity counts are per entity type, so they may exceed the number of sentences", async () => {
    const id = await newProject(alice.cookie, "entity-extraction", "bigru-tagger", ["chat"]);
    await setDeviceOnly(alice.cookie, id, true);
    const r = await putSummary(alice.cookie, id, { total: 1, labelCounts: { CITY: 2, DATE: 1 }, checksum: CHECKSUM });
    expect(r.status).toBe(200);
  });

  it("is refused for a project that stores its data on the server, for someone else's project, and without a session", async () => {
    const id = await newProject(alice.cookie);
    const body = { total: 1, labelCounts: { a: 1 }, checksum: CHECKSUM };
    const serverMode = await putSummary(alice.cookie, id, body);
    expect(serverMode.status).toBe(409);
    expect(serverMode.json.error.message).toMatch(/stores its training data on the server/);

    await setDeviceOnly(alice.cookie, id, true);
    expect((await putSummary(bob.cookie, id, body)).status).toBe(404);
    expect((await call(summaryRoute, { method: "PUT", body, params: { id } })).status).toBe(401);
    expect((await putSummary(alice.cookie, "missing-project", body)).status).toBe(404);
    expect((await call(summaryRoute, { method: "PUT", body, cookie: alice.cookie, params: { id }, headers: { origin: "https://evil.example" } })).status).toBe(403);
  });

  it("while device-only is on, the server refuses example content (uploads and the sample dataset)", async () => {
    const id = await newProject(alice.cookie);
    await setDeviceOnly(alice.cookie, id, true);
    const up = await call(uploadRoute, {
      rawBody: "text,label\nhello,a\nbye,b\n",
      headers: { "content-type": "application/octet-stream" },
      cookie: alice.cookie,
      params: { id },
      url: `http://localhost:3000/api/projects/${id}/uploads?name=x.csv`,
    });
    expect(up.status).toBe(409);
    expect(up.json.error.message).toMatch(/device only/);
    expect((await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id } })).status).toBe(409);
    expect(await db.sample.count({ where: { dataset: { projectId: id } } })).toBe(0);

    // Switched back, uploads work again.
    await setDeviceOnly(alice.cookie, id, false);
    expect((await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id } })).status).toBe(201);
  });
});
