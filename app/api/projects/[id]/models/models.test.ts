import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { GET as listRoute, POST as saveRoute } from "./route";
import { GET as detailRoute, PATCH as activateRoute } from "./[versionId]/route";
import { GET as bundleRoute } from "./[versionId]/bundle/route";
import { PUT as examplesRoute } from "./[versionId]/examples/route";
import { POST as sampleDatasetRoute } from "../sample-dataset/route";
import { GET as trainingDataRoute } from "../training-data/route";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";

async function newProject(cookie: string, scene = "intent-chatbot") {
  const r = await call(createProjectRoute, { body: { name: `m-${Math.random()}`, scene, modelType: "ngram-bag", interfaces: ["chat"] }, cookie });
  return r.json.project.id as string;
}

function postBundle(cookie: string, id: string, bytes: Uint8Array) {
  return call(saveRoute, { rawBody: new Blob([bytes as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie, params: { id } });
}

let alice: { cookie: string };
let bob: { cookie: string };
let projectId: string;
let bundle: Uint8Array;
let datasetVersion: number;
let sampleIds: string[];

beforeAll(async () => {
  await tf.setBackend("cpu");
  alice = await signUp();
  bob = await signUp();
  projectId = await newProject(alice.cookie);
  await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id: projectId } });
  // Train on exactly what the Train tab would receive.
  const data = await call(trainingDataRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } });
  datasetVersion = data.json.datasetVersion;
  sampleIds = data.json.samples.map((s: { id: string }) => s.id);
  const trained = await trainTextClassifier(
    { texts: data.json.samples.map((s: { text: string }) => s.text), labels: data.json.samples.map((s: { label: string }) => s.label) },
    { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 7, datasetVersion: String(datasetVersion) },
  );
  bundle = trained.bundle;
});

describe("model versions", () => {
  it("training data comes with the dataset version it belongs to", async () => {
    expect(datasetVersion).toBe(1);
    expect(sampleIds.length).toBeGreaterThan(80);
  });

  it("saves a bundle as version 1, makes it active, and serves the same bytes back", async () => {
    const saved = await postBundle(alice.cookie, projectId, bundle);
    expect(saved.status).toBe(201);
    expect(saved.json.version).toMatchObject({ number: 1, active: true, modelType: "ngram-bag", datasetVersion: 1 });
    expect(saved.json.version.headline.accuracy).toBeGreaterThan(0);
    const back = await call(bundleRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId, versionId: saved.json.version.id } });
    // Compared as buffers: a deep-equality diff of a multi-megabyte array is far too slow.
    expect(Buffer.from(await back.res.arrayBuffer()).equals(Buffer.from(bundle))).toBe(true);
    const project = await db.project.findUnique({ where: { id: projectId } });
    expect(project!.activeModelVersionId).toBe(saved.json.version.id);
  });

  it("a second version becomes active; the first can be made active again; examples are kept per cell", async () => {
    const second = await postBundle(alice.cookie, projectId, bundle);
    expect(second.json.version.number).toBe(2);
    const list = await call(listRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } });
    expect(list.json.versions.map((v: { number: number; active: boolean }) => [v.number, v.active])).toEqual([[2, true], [1, false]]);
    const first = list.json.versions[1];
    const act = await call(activateRoute, { method: "PATCH", body: { active: true }, cookie: alice.cookie, params: { id: projectId, versionId: first.id } });
    expect(act.json.version.active).toBe(true);

    const put = await call(examplesRoute, { method: "PUT", body: { cells: { "0:1": [sampleIds[0], "not-a-sample"] } }, cookie: alice.cookie, params: { id: projectId, versionId: first.id } });
    expect(put.status).toBe(200);
    const detail = await call(detailRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId, versionId: first.id } });
    expect(detail.json.version.manifest.metrics.kind).toBe("classification");
    expect(detail.json.version.examples["0:1"]).toEqual([expect.objectContaining({ sampleId: sampleIds[0] })]);
  });

  it("refuses garbage, a truncated bundle and a bundle of another scene with clear messages", async () => {
    const garbage = await postBundle(alice.cookie, projectId, new TextEncoder().encode("definitely not a model"));
    expect(garbage.status).toBe(422);
    expect(garbage.json.error.message).toMatch(/^The trained model could not be saved: .*not an AI Mass Studio model bundle/);
    const truncated = await postBundle(alice.cookie, projectId, bundle.slice(0, bundle.length - 10));
    expect(truncated.status).toBe(422);
    expect(truncated.json.error.message).toMatch(/truncated/);
    const imageProject = (await call(createProjectRoute, { body: { name: `img-${Math.random()}`, scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["api"] }, cookie: alice.cookie })).json.project.id;
    const wrong = await postBundle(alice.cookie, imageProject, bundle);
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.message).toBe("This model was trained for a different kind of project and cannot be saved here.");
    expect(await db.modelVersion.count({ where: { projectId: imageProject } })).toBe(0);
  });

  it("another user can neither list, read, download, activate nor add versions", async () => {
    const list = await call(listRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } });
    const versionId = list.json.versions[0].id;
    expect((await call(listRoute, { method: "GET", cookie: bob.cookie, params: { id: projectId } })).status).toBe(404);
    expect((await call(detailRoute, { method: "GET", cookie: bob.cookie, params: { id: projectId, versionId } })).status).toBe(404);
    expect((await call(bundleRoute, { method: "GET", cookie: bob.cookie, params: { id: projectId, versionId } })).status).toBe(404);
    expect((await call(activateRoute, { method: "PATCH", body: { active: true }, cookie: bob.cookie, params: { id: projectId, versionId } })).status).toBe(404);
    expect((await postBundle(bob.cookie, projectId, bundle)).status).toBe(404);
    expect((await call(trainingDataRoute, { method: "GET", cookie: bob.cookie, params: { id: projectId } })).status).toBe(404);
    const bobProject = await newProject(bob.cookie);
    expect((await call(detailRoute, { method: "GET", cookie: bob.cookie, params: { id: bobProject, versionId } })).status).toBe(404);
  });

  it("concurrent saves of one project get distinct, consecutive version numbers (none is lost)", async () => {
    const id = await newProject(alice.cookie);
    const saves = await Promise.all(Array.from({ length: 8 }, () => postBundle(alice.cookie, id, bundle)));
    expect(saves.map((s) => s.status)).toEqual(Array(8).fill(201));
    const numbers = saves.map((s) => s.json.version.number as number).sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await db.modelVersion.count({ where: { projectId: id } })).toBe(8);
  });
});
