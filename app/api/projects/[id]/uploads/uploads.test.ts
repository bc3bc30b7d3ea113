import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as importRoute } from "../imports/route";
import { GET as samplesRoute } from "../samples/route";
import { POST as uploadRoute } from "./route";
import { makePng } from "@/lib/data/__fixtures__/builders";
import { TABLE_FILE_MIME } from "@/lib/data/table-file";
import { blobRoot, tempFile } from "@/lib/server/blob-store";
import { BlobNotFoundError, blobBackend } from "@/lib/server/blob-backends";
import { dataPool, resetDataPool } from "@/lib/server/data-pool";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";

/*
 * Uploads are parsed on the data worker pool (real worker threads running the TypeScript sources
 * through tsx), once: the preview step stores the parse result and the import maps that.
 */

async function newProject(cookie: string, scene = "text-classification", modelType = "ngram-bag", interfaces = ["chat"]) {
  const r = await call(createProjectRoute, { body: { name: `${scene}-${Math.random()}`, scene, modelType, interfaces }, cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

function upload(cookie: string, id: string, body: Uint8Array | string, name: string) {
  return call(uploadRoute, {
    rawBody: typeof body === "string" ? body : new Blob([body as BlobPart]),
    headers: { "content-type": "application/octet-stream" },
    cookie,
    params: { id },
    url: `http://localhost:3000/api/projects/${id}/uploads?name=${encodeURIComponent(name)}`,
  });
}

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

let alice: { cookie: string };
beforeAll(async () => {
  alice = await signUp();
});

const ENV = ["STUDIO_DATA_WORKERS", "STUDIO_DATA_QUEUE", "STUDIO_DATA_JOB_TIMEOUT_MS"];
afterEach(async () => {
  if (ENV.some((k) => process.env[k] !== undefined)) {
    for (const k of ENV) delete process.env[k];
    await resetDataPool();
  }
});

describe("a table upload is parsed once, off the request thread", () => {
  it("stores the parse result as the pending upload; the import maps it without reading or parsing the file again", async () => {
    const id = await newProject(alice.cookie);
    const long = `A review that goes on. ${"Really long. ".repeat(300)}`.trim();
    const csv = `text,label\ngood phone,pos\n"${long}",neg\nbad screen,neg\n`;
    const parsesBefore = dataPool().stats().completed.tablePreview ?? 0;

    const pre = await upload(alice.cookie, id, csv, "reviews.csv");
    expect(pre.status).toBe(200);
    expect(dataPool().stats().completed.tablePreview).toBe(parsesBefore + 1);
    expect(pre.json.rowCount).toBe(3);
    // the preview cuts long cells (and says so); the import below still gets the whole text
    expect(pre.json.rows[1][0]).toHaveLength(200);
    expect(pre.json.cutCells).toBe(1);

    // what is kept is the parse result, not the uploaded file
    const stored = await db.blob.findUniqueOrThrow({ where: { id: pre.json.uploadId } });
    expect(stored.mime).toBe(TABLE_FILE_MIME);
    expect(await db.blob.findUnique({ where: { id: sha256(csv) } })).toBeNull();
    await expect(blobBackend().read(sha256(csv))).rejects.toThrow(BlobNotFoundError);
    const ds = await db.dataset.findFirstOrThrow({ where: { projectId: id } });
    expect(JSON.parse(ds.schema).pendingUploads).toEqual([pre.json.uploadId]);
    // the pool's temporary table file is gone once stored
    expect(fs.readdirSync(path.join(blobRoot(), "tmp")).filter((n) => n.startsWith("table-"))).toEqual([]);

    const imp = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: pre.json.mapping }, cookie: alice.cookie, params: { id } });
    expect(imp.status).toBe(201);
    expect(imp.json.added).toBe(3);
    // no second parse: one mapping job read the stored table
    expect(dataPool().stats().completed.tablePreview).toBe(parsesBefore + 1);
    expect(dataPool().stats().completed.tableImport).toBeGreaterThanOrEqual(1);
    const samples = await call(samplesRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(samples.json.samples.map((s: { text: string }) => s.text)).toContain(long);
  });

  it("imports from the stored parse result alone: a changed stored table is what gets imported", async () => {
    const id = await newProject(alice.cookie);
    const pre = await upload(alice.cookie, id, "text,label\nfirst,a\nsecond,b\n", "x.csv");
    // rewrite the stored table file (same blob id): the import must take rows from it, not from any copy of the upload
    // (through the blob backend: the local disk, or S3 in the PostgreSQL + S3 pass)
    const lines = (await blobBackend().read(pre.json.uploadId)).toString("utf8").trimEnd().split("\n");
    lines[1] = JSON.stringify([2, "from the stored table", "a"]);
    const changed = Buffer.from(`${lines.join("\n")}\n`);
    const tmp = await tempFile();
    fs.writeFileSync(tmp, changed);
    await blobBackend().place(tmp, pre.json.uploadId, changed.length, TABLE_FILE_MIME);
    const imp = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: pre.json.mapping }, cookie: alice.cookie, params: { id } });
    expect(imp.status).toBe(201);
    const samples = await call(samplesRoute, { method: "GET", cookie: alice.cookie, params: { id } });
    expect(samples.json.samples.map((s: { text: string }) => s.text).sort()).toEqual(["from the stored table", "second"]);
  });

  it("an upload whose stored result is gone asks for the file again", async () => {
    const id = await newProject(alice.cookie);
    const pre = await upload(alice.cookie, id, "text,label\nfirst,a\nsecond,b\n", "x.csv");
    await blobBackend().remove(pre.json.uploadId);
    const imp = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: pre.json.mapping }, cookie: alice.cookie, params: { id } });
    expect(imp.status).toBe(404);
    expect(imp.json.error.message).toBe("This upload is no longer available. Please upload the file again.");
  });

  it("refuses a 20 MB line early, naming its row, and answers with a small preview of the other rows", async () => {
    const id = await newProject(alice.cookie);
    const line = "x".repeat(20 * 1024 * 1024);
    const pre = await upload(alice.cookie, id, `text,label\nfine,a\n${line},b\nalso fine,b\n`, "broken.csv");
    expect(pre.status).toBe(200);
    expect(pre.json.rows).toEqual([
      ["fine", "a"],
      ["also fine", "b"],
    ]);
    expect(pre.json.issues.map((i: { message: string }) => i.message)).toEqual([
      "“broken.csv”, row 3: the text has 20,971,520 characters, more than the 10,000 limit — shorten it (a row this long is often two rows stuck together).",
    ]);
    expect(JSON.stringify(pre.json).length).toBeLessThan(10_000);
  });
});

describe("a full parse queue", () => {
  it("answers 503 with Retry-After and a plain message, and the queued uploads still finish", async () => {
    process.env.STUDIO_DATA_WORKERS = "1";
    process.env.STUDIO_DATA_QUEUE = "1";
    await resetDataPool();
    const id = await newProject(alice.cookie);
    // a file that keeps the only thread busy for a while (every row is read: no limit stops it early)
    const big = `text,label\n${"some words here,a\n".repeat(1_500_000)}`;
    const first = upload(alice.cookie, id, big, "big.csv");
    await expect.poll(() => dataPool().stats().busy, { timeout: 30_000, interval: 5 }).toBe(1);
    const second = upload(alice.cookie, id, "text,label\nqueued,a\n", "second.csv");
    await expect.poll(() => dataPool().stats().queued, { timeout: 10_000, interval: 5 }).toBe(1);
    const third = await upload(alice.cookie, id, "text,label\nrefused,a\n", "third.csv");
    expect(third.status).toBe(503);
    expect(third.res.headers.get("retry-after")).toBe("5");
    expect(third.json.error.message).toBe("The server is busy reading other files right now. Nothing was saved; try again in 5 seconds.");
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    const again = await upload(alice.cookie, id, "text,label\nretried,a\n", "third.csv");
    expect(again.status).toBe(200);
  });

  it("a file that needs more time than one parse may take is refused with a message, and the next upload works", async () => {
    process.env.STUDIO_DATA_JOB_TIMEOUT_MS = "1";
    await resetDataPool();
    const id = await newProject(alice.cookie);
    const r = await upload(alice.cookie, id, "text,label\nhi,a\n", "slow.csv");
    expect(r.status).toBe(422);
    expect(r.json.issues[0].message).toMatch(/^“slow\.csv”: reading this file needed more memory or time than the server allows for one file \(512 MB, 0 s\)/);
    expect(fs.readdirSync(path.join(blobRoot(), "tmp")).filter((n) => n.startsWith("table-"))).toEqual([]);
    delete process.env.STUDIO_DATA_JOB_TIMEOUT_MS;
    await resetDataPool();
    expect((await upload(alice.cookie, id, "text,label\nhi,a\n", "slow.csv")).status).toBe(200);
  });
});

describe("pictures, clips and entity files are read in the pool too", () => {
  it("an entity file and a single picture are read there", async () => {
    const before = dataPool().stats().completed;
    const ner = await newProject(alice.cookie, "entity-extraction", "bigru-tagger", ["chat"]);
    const r = await upload(alice.cookie, ner, "I flew to [Paris](CITY) today.\n", "ner.txt");
    expect(r.status).toBe(201);
    expect(r.json.added).toBe(1);
    expect(dataPool().stats().completed.entities).toBe((before.entities ?? 0) + 1);

    const images = await newProject(alice.cookie, "image-recognition", "mobilenet-transfer", ["buttons"]);
    const png = makePng(8, 6);
    const q = await call(uploadRoute, {
      rawBody: new Blob([png as BlobPart]),
      headers: { "content-type": "application/octet-stream" },
      cookie: alice.cookie,
      params: { id: images },
      url: `http://localhost:3000/api/projects/${images}/uploads?name=a.png&label=cats`,
    });
    expect(q.status).toBe(201);
    expect(dataPool().stats().completed.mediaFile).toBe((before.mediaFile ?? 0) + 1);
    const sample = await db.sample.findFirstOrThrow({ where: { dataset: { projectId: images } } });
    expect(JSON.parse(sample.data!)).toMatchObject({ width: 8, height: 6, format: "png" });
    expect(sample.blobId).toBe(sha256(png));
  });
});
