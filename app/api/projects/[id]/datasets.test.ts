import fs from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import { zipSync } from "fflate";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { GET as datasetRoute } from "./dataset/route";
import { GET as exportRoute } from "./dataset/export/route";
import { POST as uploadRoute } from "./uploads/route";
import { POST as importRoute } from "./imports/route";
import { GET as samplesRoute } from "./samples/route";
import { PATCH as sampleRoute } from "./samples/[sampleId]/route";
import { POST as bulkRoute } from "./samples/bulk/route";
import { POST as classesRoute } from "./classes/route";
import { POST as sampleDatasetRoute } from "./sample-dataset/route";
import { GET as blobRoute } from "./blobs/[blobId]/route";
import { blobRoot } from "@/lib/server/blob-store";
import { db } from "@/lib/server/db";
import { SAMPLE_DATASETS } from "@/lib/data/samples";
import { call, signUp } from "@/tests/route-helpers";
import { makePng } from "@/lib/data/__fixtures__/builders";

const PUBLIC = path.join(process.cwd(), "public");
const readPublic = (p: string) => new Uint8Array(fs.readFileSync(path.join(PUBLIC, ...p.split("/").filter(Boolean))));

async function newProject(cookie: string, scene: string, modelType: string, interfaces: string[], name = `${scene}-${Math.random()}`) {
  const r = await call(createProjectRoute, { body: { name, scene, modelType, interfaces }, cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

function upload(cookie: string, id: string, bytes: Uint8Array | string, name: string, extra: Record<string, string> = {}) {
  const q = new URLSearchParams({ name, ...extra });
  return call(uploadRoute, {
    rawBody: typeof bytes === "string" ? bytes : new Blob([bytes as BlobPart]),
    headers: { "content-type": "application/octet-stream" },
    cookie,
    params: { id },
    url: `http://localhost:3000/api/projects/${id}/uploads?${q}`,
  });
}

/** The n-th real PNG of the committed image samples. */
function samplePng(n: number): Uint8Array {
  const file = fs.readdirSync(path.join(PUBLIC, "samples/image-recognition/circle"))[n % 5];
  return new Uint8Array(fs.readFileSync(path.join(PUBLIC, "samples/image-recognition/circle", file)));
}

let alice: { cookie: string };
let bob: { cookie: string };
beforeAll(async () => {
  alice = await signUp();
  bob = await signUp();
});
afterEach(() => {
  delete process.env.STUDIO_MAX_UPLOAD_BYTES;
});

describe("text datasets: upload → column mapping → import", () => {
  it("previews a messy CSV, imports the good rows, reports the bad ones by row number", async () => {
    const id = await newProject(alice.cookie, "intent-chatbot", "ngram-bag", ["chat"]);
    const csv = '\uFEFFutterance,intent,reply\r\n"Hi, there",greeting,Hello!\r\nwhere is my order,order_status,Let me check.\r\n,greeting,Hello!\r\n"multi\nline hello",greeting,Hello!\r\nwhere is my parcel,,x\r\n';
    const pre = await upload(alice.cookie, id, csv, "bot.csv");
    expect(pre.status).toBe(200);
    expect(pre.json.kind).toBe("table");
    expect(pre.json.headers).toEqual(["utterance", "intent", "reply"]);
    expect(pre.json.mapping).toMatchObject({ kind: "text", text: "utterance", label: "intent", reply: "reply" });

    const imp = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: pre.json.mapping }, cookie: alice.cookie, params: { id } });
    expect(imp.status).toBe(201);
    expect(imp.json.added).toBe(3);
    const rows = imp.json.issues.map((i: { row: number; message: string }) => [i.row, i.message]);
    expect(rows).toEqual(expect.arrayContaining([[4, expect.stringMatching(/Row 4/)], [6, expect.stringMatching(/Row 6/)]]));

    const ds = await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(ds.json.dataset.total).toBe(3);
    expect(ds.json.dataset.version).toBe(1);
    expect(ds.json.dataset.schema.replies).toMatchObject({ greeting: "Hello!", order_status: "Let me check." });
    expect(ds.json.dataset.classes).toEqual(expect.arrayContaining([{ label: "greeting", count: 2 }, { label: "order_status", count: 1 }]));

    // The same upload cannot be imported twice.
    const again = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: pre.json.mapping }, cookie: alice.cookie, params: { id } });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already added/);
    expect((await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } })).json.dataset.total).toBe(3);
  });

  it("decodes a GBK Chinese CSV", async () => {
    const id = await newProject(alice.cookie, "text-classification", "ngram-bag", ["chat"]);
    const bytes = new Uint8Array(iconv.encode("文本,标签\n这个手机很好用,正面\n质量太差了,负面\n", "gbk"));
    const pre = await upload(alice.cookie, id, bytes, "评论.csv");
    expect(pre.json.encoding).toBe("gb18030");
    expect(pre.json.rows[0]).toEqual(["这个手机很好用", "正面"]);
    const imp = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: { kind: "text", text: "文本", label: "标签" } }, cookie: alice.cookie, params: { id } });
    expect(imp.json.added).toBe(2);
  });

  it("refuses a mapping to a column that does not exist, and imports nothing", async () => {
    const id = await newProject(alice.cookie, "text-classification", "ngram-bag", ["chat"]);
    const pre = await upload(alice.cookie, id, "text,label\nok,a\nfine,b\n", "x.csv");
    const imp = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: { kind: "text", text: "body", label: "label" } }, cookie: alice.cookie, params: { id } });
    expect(imp.status).toBe(422);
    expect(imp.json.issues[0].message).toMatch(/body/);
    expect((await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } })).json.dataset.total).toBe(0);
  });

  it("refuses an upload over the limit with a message naming the limit, and keeps nothing", async () => {
    process.env.STUDIO_MAX_UPLOAD_BYTES = String(1024);
    const id = await newProject(alice.cookie, "text-classification", "ngram-bag", ["chat"]);
    const before = fs.existsSync(path.join(blobRoot(), "tmp")) ? fs.readdirSync(path.join(blobRoot(), "tmp")).length : 0;
    const r = await upload(alice.cookie, id, `text,label\n${"a long line,x\n".repeat(200)}`, "big.csv");
    expect(r.status).toBe(413);
    expect(r.json.error.message).toBe("This file is too large. The limit is 1 KB per file.");
    expect(fs.readdirSync(path.join(blobRoot(), "tmp")).length).toBe(before);
  });

  it("edits a label, adds a class, moves and deletes samples; every change is a new version", async () => {
    const id = await newProject(alice.cookie, "text-classification", "ngram-bag", ["chat"]);
    const pre = await upload(alice.cookie, id, "text,label\ngood phone,pos\nbad phone,neg\nbad screen,pos\n", "x.csv");
    await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: pre.json.mapping }, cookie: alice.cookie, params: { id } });
    const list = await call(samplesRoute, { method: "GET", cookie: alice.cookie, params: { id }, url: "http://localhost:3000/x" });
    const wrong = list.json.samples.find((s: { text: string }) => s.text === "bad screen");
    const fixed = await call(sampleRoute, { method: "PATCH", body: { label: "neg" }, cookie: alice.cookie, params: { id, sampleId: wrong.id } });
    expect(fixed.json.sample.label).toBe("neg");
    expect(fixed.json.version).toBe(2);
    const empty = await call(sampleRoute, { method: "PATCH", body: { label: "  " }, cookie: alice.cookie, params: { id, sampleId: wrong.id } });
    expect(empty.status).toBe(422);

    expect((await call(classesRoute, { body: { label: "neutral" }, cookie: alice.cookie, params: { id } })).status).toBe(201);
    const dup = await call(classesRoute, { body: { label: "neg" }, cookie: alice.cookie, params: { id } });
    expect(dup.status).toBe(409);
    expect(dup.json.error.message).toBe("A class called “neg” already exists.");

    const moved = await call(bulkRoute, { body: { action: "move", ids: [wrong.id], label: "neutral" }, cookie: alice.cookie, params: { id } });
    expect(moved.json.count).toBe(1);
    const ds = await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(ds.json.dataset.classes).toEqual(expect.arrayContaining([{ label: "neutral", count: 1 }, { label: "neg", count: 1 }, { label: "pos", count: 1 }]));
    const del = await call(bulkRoute, { body: { action: "delete", ids: [wrong.id] }, cookie: alice.cookie, params: { id } });
    expect(del.json.count).toBe(1);
    const versions = await db.datasetVersion.findMany({ where: { dataset: { projectId: id } }, orderBy: { version: "asc" } });
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
    expect(versions.at(-1)!.sampleCount).toBe(2);
  });

  it("exports CSV with formula injection escaped", async () => {
    const id = await newProject(alice.cookie, "text-classification", "ngram-bag", ["chat"]);
    const pre = await upload(alice.cookie, id, 'text,label\n"=HYPERLINK(""http://x"")",pos\n@SUM(A1),neg\nplain,pos\n', "x.csv");
    await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: pre.json.mapping }, cookie: alice.cookie, params: { id } });
    const r = await call(exportRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    const csv = await r.res.text();
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain("'@SUM(A1)");
    expect(csv).not.toMatch(/^=|\n=|,=/);
  });
});

describe("image datasets", () => {
  it("stores dropped images per class by content, skips the same image twice, rejects a non-image", async () => {
    const id = await newProject(alice.cookie, "image-recognition", "mobilenet-transfer", ["buttons"]);
    const png = samplePng(0);
    const first = await upload(alice.cookie, id, png, "photo.jpg", { label: "cat" }); // wrong extension: content decides
    expect(first.status).toBe(201);
    expect(first.json.added).toBe(1);
    const again = await upload(alice.cookie, id, png, "copy.png", { label: "cat" });
    expect(again.json).toMatchObject({ added: 0, skipped: 1 });
    const other = await upload(alice.cookie, id, png, "same.png", { label: "dog" });
    expect(other.json.added).toBe(1);
    expect(await db.blob.count({ where: { samples: { some: { dataset: { projectId: id } } } } })).toBe(1);

    const fake = await upload(alice.cookie, id, "this is text", "fake.png", { label: "cat" });
    expect(fake.status).toBe(422);
    expect(fake.json.issues[0].message).toMatch(/fake\.png/);
    const noClass = await upload(alice.cookie, id, png, "x.png");
    expect(noClass.status).toBe(422);
  });

  it("imports a ZIP with one folder per class and serves the thumbnails only to the owner", async () => {
    const id = await newProject(alice.cookie, "image-recognition", "mobilenet-transfer", ["buttons"]);
    const r = await upload(alice.cookie, id, readPublic("/samples/image-recognition/sample.zip"), "sample.zip");
    expect(r.status).toBe(201);
    const ds = await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(ds.json.dataset.classes.map((c: { label: string }) => c.label).sort()).toEqual(["circle", "square", "triangle"]);
    const s = await call(samplesRoute, { method: "GET", cookie: alice.cookie, params: { id }, url: "http://localhost:3000/x?limit=5" });
    const blobId = s.json.samples[0].blobId;
    const own = await call(blobRoute, { method: "GET", cookie: alice.cookie, params: { id, blobId } });
    expect(own.status).toBe(200);
    expect(own.res.headers.get("content-type")).toBe("image/png");
    // Bob, with the exact ids, gets 404 for the blob, the samples and the dataset.
    expect((await call(blobRoute, { method: "GET", cookie: bob.cookie, params: { id, blobId } })).status).toBe(404);
    expect((await call(samplesRoute, { method: "GET", cookie: bob.cookie, params: { id } })).status).toBe(404);
    expect((await call(datasetRoute, { method: "GET", cookie: bob.cookie, params: { id } })).status).toBe(404);
    const bobProject = await newProject(bob.cookie, "image-recognition", "mobilenet-transfer", ["buttons"]);
    expect((await call(blobRoute, { method: "GET", cookie: bob.cookie, params: { id: bobProject, blobId } })).status).toBe(404);
    expect((await call(bulkRoute, { body: { action: "delete", ids: [s.json.samples[0].id] }, cookie: bob.cookie, params: { id: bobProject } })).status).toBe(404);
    expect((await upload(bob.cookie, id, samplePng(1), "x.png", { label: "cat" })).status).toBe(404);
  });

  it("imports a ZIP with more files than one SQL statement can bind (1,200 distinct images)", async () => {
    const id = await newProject(alice.cookie, "image-recognition", "mobilenet-transfer", ["buttons"]);
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 1200; i++) files[`${i % 2 ? "odd" : "even"}/${i}.png`] = makePng(1 + (i % 40), 1 + Math.floor(i / 40));
    const r = await upload(alice.cookie, id, zipSync(files, { level: 0 }), "many.zip");
    expect(r.status).toBe(201);
    expect(r.json.added).toBe(1200);
    const ds = await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(ds.json.dataset.classes).toEqual(expect.arrayContaining([{ label: "odd", count: 600 }, { label: "even", count: 600 }]));
  });

  it("rejects a zip-slip archive and stores nothing from it", async () => {
    const id = await newProject(alice.cookie, "image-recognition", "mobilenet-transfer", ["buttons"]);
    const evil = zipSync({ "cats/ok.png": samplePng(2), "../evil.png": samplePng(3) });
    const r = await upload(alice.cookie, id, evil, "evil.zip");
    const messages = (r.json.issues ?? []).map((i: { message: string }) => i.message).join(" ");
    expect(messages).toMatch(/evil\.png/);
    const samples = await db.sample.findMany({ where: { dataset: { projectId: id } } });
    expect(samples.every((s) => s.fileName !== "evil.png")).toBe(true);
    const bomb = zipSync({ "cats/a.png": new Uint8Array(60 * 1024 * 1024) }, { level: 9 });
    const b = await upload(alice.cookie, id, bomb, "bomb.zip");
    expect(b.status).toBe(422);
    expect(b.json.issues[0].message).toMatch(/60 MB unpacked, more than the 50 MB limit/);
    expect(await db.sample.count({ where: { dataset: { projectId: id }, fileName: "a.png" } })).toBe(0);
  });
});

describe("sample datasets", () => {
  it.each(SAMPLE_DATASETS.map((s) => [s.sceneId] as const))("the %s sample loads with no rejected rows", async (sceneId) => {
    const { getScene, defaultModelType } = await import("@/lib/scenes");
    const scene = getScene(sceneId)!;
    const id = await newProject(alice.cookie, sceneId, defaultModelType(scene), [scene.interfaces[0]]);
    const r = await call(sampleDatasetRoute, { cookie: alice.cookie, params: { id } });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.added).toBeGreaterThan(10);
    expect(r.json.issues.filter((i: { severity: string }) => i.severity === "error")).toEqual([]);
    const ds = await call(datasetRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(ds.json.dataset.canTrain).toBe(true);
  });
});

