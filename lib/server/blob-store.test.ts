import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diskBackend, useBlobBackend } from "./blob-backends";
import { TEMP_MAX_AGE_MS, blobPath, blobRoot, cleanTempFiles, collectGarbage, putBytes, putStream, writeBlobFile } from "./blob-store";
import { db } from "./db";

// Crash safety and collection of the local disk backend (files aged with utimes); the S3 backend
// has its own tests in blob-backends.test.ts. Forced here so the S3 run of the suite tests disk too.
beforeAll(() => useBlobBackend(diskBackend));
afterAll(() => useBlobBackend(null));

const stream = (chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });

const tmpFiles = () => {
  const dir = path.join(blobRoot(), "tmp");
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

describe("putStream", () => {
  it("leaves no partial file behind when the very first chunk is already over the limit", async () => {
    const before = tmpFiles().length;
    for (let i = 0; i < 20; i++) {
      await expect(putStream(stream([new Uint8Array(2048)]), { maxBytes: 1024, limitLabel: "1 KB" })).rejects.toMatchObject({ code: "payload_too_large" });
    }
    // The write stream opens its file asynchronously; give a late open every chance to show up.
    await new Promise((r) => setTimeout(r, 100));
    expect(tmpFiles().length).toBe(before);
  });

  it("streams a body to a temp file and commits it under its SHA-256", async () => {
    const bytes = new TextEncoder().encode("hello blob store");
    const put = await putStream(stream([bytes.subarray(0, 5), bytes.subarray(5)]), { maxBytes: 1024, limitLabel: "1 KB" });
    expect(put.size).toBe(bytes.length);
    expect(put.id).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(fs.readFileSync(put.tmpPath)).toEqual(Buffer.from(bytes));
    fs.rmSync(put.tmpPath);
  });
});

describe("cleanTempFiles", () => {
  const HOST = os.hostname().replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 64) || "host";
  const put = (name: string, ageMs = 0) => {
    const dir = path.join(blobRoot(), "tmp");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, "partial");
    if (ageMs) fs.utimesSync(file, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
    return file;
  };
  const rand = () => randomBytes(8).toString("hex");

  it("removes the files of dead processes and old files; keeps live writers', its own, and another host's young ones", async () => {
    const deadPid = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    const { tmpPath: own } = await putStream(stream([new Uint8Array(10)]), { maxBytes: 1024, limitLabel: "1 KB" });
    const ownToken = path.basename(own).split("_")[2];
    const otherToken = ownToken === "00000000" ? "11111111" : "00000000";
    const dead = put(`${HOST}_${deadPid}_0badf00d_${rand()}.part`);
    const reusedPid = put(`${HOST}_${process.pid}_${otherToken}_${rand()}.part`); // an earlier process with this pid
    const live = put(`${HOST}_${process.ppid}_0badf00d_${rand()}.part`); // the test runner: alive
    const otherHost = put(`other-host.example_${deadPid}_0badf00d_${rand()}.part`);
    const otherHostOld = put(`other-host.example_${deadPid}_0badf00d_${rand()}.part`, TEMP_MAX_AGE_MS + 60_000);
    const liveOld = put(`${HOST}_${process.ppid}_0badf00d_${rand()}.part`, TEMP_MAX_AGE_MS + 60_000);
    const unknownYoung = put(`${Date.now()}-${rand()}.part`);
    const unknownOld = put(`${Date.now()}-${rand()}.part`, TEMP_MAX_AGE_MS + 60_000);

    expect(await cleanTempFiles()).toBeGreaterThanOrEqual(5);
    for (const gone of [dead, reusedPid, otherHostOld, liveOld, unknownOld]) expect(fs.existsSync(gone), path.basename(gone)).toBe(false);
    for (const kept of [own, live, otherHost, unknownYoung]) expect(fs.existsSync(kept), path.basename(kept)).toBe(true);
    for (const f of [own, live, otherHost, unknownYoung]) fs.rmSync(f);
  });
});

describe("collectGarbage", () => {
  const HOUR = 60 * 60 * 1000;
  const bytes = () => new Uint8Array(randomBytes(64));
  /** A stored blob (row and file) made to look `ageMs` old. */
  async function storedBlob(ageMs: number) {
    const blob = await putBytes(bytes(), "application/octet-stream", null);
    const then = new Date(Date.now() - ageMs);
    await db.blob.update({ where: { id: blob.id }, data: { createdAt: then } });
    fs.utimesSync(blobPath(blob.id), then, then);
    return blob.id;
  }
  /** A file under blobs/ with no row (as a crash between file and row leaves it). */
  async function rowlessFile(ageMs: number) {
    const { id } = await writeBlobFile(bytes());
    const then = new Date(Date.now() - ageMs);
    fs.utimesSync(blobPath(id), then, then);
    return id;
  }
  const exists = async (id: string) => ({ row: !!(await db.blob.findUnique({ where: { id } })), file: fs.existsSync(blobPath(id)) });

  it("removes old unreferenced rows with their files and old files without a row; keeps referenced, pending and young blobs", async () => {
    const user = await db.user.create({ data: { email: `gc-${Date.now()}-${Math.random()}@example.test`, passwordHash: "x" } });
    const project = await db.project.create({ data: { ownerId: user.id, name: "gc", scene: "image-recognition", modelType: "mobilenet" } });
    const orphan = await storedBlob(2 * HOUR);
    const sampleBlob = await storedBlob(2 * HOUR);
    const bundleBlob = await storedBlob(2 * HOUR);
    const pendingBlob = await storedBlob(2 * HOUR);
    const pendingParsed = await storedBlob(2 * HOUR); // another shape a pending upload may name a blob in
    const young = await storedBlob(10 * 60 * 1000);
    const oldRowless = await rowlessFile(2 * HOUR);
    const youngRowless = await rowlessFile(5_000);
    const dataset = await db.dataset.create({
      data: { projectId: project.id, kind: "image", schema: JSON.stringify({ labels: [], pendingUploads: [pendingBlob, { id: "x", parsed: pendingParsed }] }) },
    });
    await db.sample.create({ data: { datasetId: dataset.id, label: "a", blobId: sampleBlob } });
    await db.modelVersion.create({ data: { projectId: project.id, number: 1, modelType: "mobilenet", manifest: "{}", bundleBlobId: bundleBlob, backend: "cpu", trainingMs: 1 } });

    const report = await collectGarbage(HOUR);
    expect(report.rows).toBeGreaterThanOrEqual(1);
    expect(report.files).toBeGreaterThanOrEqual(1);
    expect(await exists(orphan)).toEqual({ row: false, file: false });
    expect(await exists(oldRowless)).toEqual({ row: false, file: false });
    for (const kept of [sampleBlob, bundleBlob, pendingBlob, pendingParsed, young]) expect(await exists(kept), kept).toEqual({ row: true, file: true });
    expect(await exists(youngRowless)).toEqual({ row: false, file: true });
    // Nothing was left aside in the temporary folder.
    expect(fs.readdirSync(path.join(blobRoot(), "tmp")).filter((n) => n.includes(`_${process.pid}_`))).toEqual([]);

    // Once the import is done (no longer pending), the upload goes too.
    await db.dataset.update({ where: { id: dataset.id }, data: { schema: JSON.stringify({ labels: [], pendingUploads: [], importedUploads: [pendingBlob] }) } });
    await collectGarbage(HOUR);
    expect(await exists(pendingBlob)).toEqual({ row: false, file: false });
    expect(await exists(pendingParsed)).toEqual({ row: false, file: false });
    await db.project.delete({ where: { id: project.id } });
  });

  it("a blob stored again is young again: the same bytes uploaded while it waits for collection are kept", async () => {
    const content = bytes();
    const first = await putBytes(content, "application/octet-stream", null);
    const then = new Date(Date.now() - 2 * HOUR);
    await db.blob.update({ where: { id: first.id }, data: { createdAt: then } });
    fs.utimesSync(blobPath(first.id), then, then);
    // A request stores the same bytes (as a new upload of the same file would), then references them.
    await putBytes(content, "application/octet-stream", null);
    await collectGarbage(HOUR);
    expect(await exists(first.id)).toEqual({ row: true, file: true });
    // The streamed path too: the file is renamed into place with a fresh time.
    fs.utimesSync(blobPath(first.id), then, then);
    await db.blob.delete({ where: { id: first.id } });
    const staged = await putStream(stream([content]), { maxBytes: 1024, limitLabel: "1 KB" });
    await staged.commit("application/octet-stream", null);
    await collectGarbage(HOUR);
    expect(await exists(first.id)).toEqual({ row: true, file: true });
  });
});
