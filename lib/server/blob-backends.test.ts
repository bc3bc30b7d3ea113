import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startS3Server } from "@/tests/s3-server.mjs";
import { BlobNotFoundError, diskBackend, s3Backend, s3SettingsFromEnv, useBlobBackend, type BlobBackend } from "./blob-backends";
import { openBlob, putBytes, putStream, readBlob, sweepRowlessBlobs, writeBlobFile } from "./blob-store";

// A real S3-protocol server (s3rver) for this file; the disk backend uses DATA_DIR of the run.
let s3: Awaited<ReturnType<typeof startS3Server>>;
let s3b: BlobBackend;

beforeAll(async () => {
  s3 = await startS3Server({ bucket: "backend-test" });
  s3b = s3Backend(s3SettingsFromEnv(s3.env)!);
});
afterAll(async () => {
  useBlobBackend(null);
  await s3?.close();
});

const idOf = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function tmpFileWith(bytes: Uint8Array): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "blob-test-")), "x.part");
  fs.writeFileSync(file, bytes);
  return file;
}

const backends = (): [string, BlobBackend][] => [
  ["disk", diskBackend],
  ["s3", s3b],
];

describe.each([["disk"], ["s3"]])("the %s blob backend", (name) => {
  const backend = () => backends().find(([n]) => n === name)![1];

  it("places a file (consuming it), reads it whole and as a stream, lists it, removes it", async () => {
    const bytes = randomBytes(300_000);
    const id = idOf(bytes);
    const tmp = tmpFileWith(bytes);
    await backend().place(tmp, id, bytes.byteLength, "application/octet-stream");
    expect(fs.existsSync(tmp)).toBe(false);
    expect(Buffer.compare(await backend().read(id), bytes)).toBe(0);
    const { stream, size } = await backend().open(id);
    expect(size).toBe(bytes.byteLength);
    expect(Buffer.compare(Buffer.from(await new Response(stream).arrayBuffer()), bytes)).toBe(0);
    const listed: string[] = [];
    for await (const f of backend().list()) listed.push(f.id);
    expect(listed).toContain(id);
    await backend().remove(id);
    await expect(backend().read(id)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(backend().open(id)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it("removeIfOlder keeps a blob written after the cutoff and removes an older one", async () => {
    const bytes = randomBytes(1000);
    const id = idOf(bytes);
    await backend().place(tmpFileWith(bytes), id, bytes.byteLength, "application/octet-stream");
    const aside = async () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aside-")), "a.part");
    expect(await backend().removeIfOlder(id, Date.now() - 60_000, aside)).toBe(false);
    expect(Buffer.compare(await backend().read(id), bytes)).toBe(0);
    expect(await backend().removeIfOlder(id, Date.now() + 60_000, aside)).toBe(true);
    await expect(backend().read(id)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await backend().removeIfOlder(id, Date.now() + 60_000, aside)).toBe(false);
  });

  it("answers the readiness check", async () => {
    await expect(backend().check()).resolves.toBeUndefined();
  });
});

describe("the blob store on S3", () => {
  afterEach(() => useBlobBackend(null));

  it("stores streamed uploads and in-memory bytes in the bucket, with rows, and reads them back", async () => {
    useBlobBackend(s3b);
    const bytes = randomBytes(2 * 1024 * 1024 + 17);
    const staged = await putStream(new Blob([bytes]).stream(), { maxBytes: 10 * 1024 * 1024, limitLabel: "10 MB" });
    const stored = await staged.commit("image/png", null);
    expect(stored).toEqual({ id: idOf(bytes), size: bytes.byteLength, mime: "image/png" });
    expect(fs.existsSync(staged.tmpPath)).toBe(false);
    expect(Buffer.compare(await readBlob(stored.id), bytes)).toBe(0);
    const opened = await openBlob(stored.id);
    expect(opened.size).toBe(bytes.byteLength);
    // The object really is in the bucket, not on the local disk.
    expect(Buffer.compare(await s3b.read(stored.id), bytes)).toBe(0);
    await expect(diskBackend.read(stored.id)).rejects.toBeInstanceOf(BlobNotFoundError);
    const small = await putBytes(new TextEncoder().encode("hello s3"), "text/plain", null);
    expect((await readBlob(small.id)).toString()).toBe("hello s3");
    const again = await writeBlobFile(new TextEncoder().encode("hello s3"));
    expect(again.id).toBe(small.id);
  });

  it("removes old objects that have no row (a crash between blob and row) and keeps those with a row", async () => {
    // This file's bucket holds only what this file writes, so the sweep cannot touch other tests.
    useBlobBackend(s3b);
    const orphan = await writeBlobFile(randomBytes(64)); // an object, no row
    const kept = await putBytes(randomBytes(64), "application/octet-stream", null); // object and row
    // Objects cannot be aged on the server: judge them from an hour ahead instead.
    const removed = await sweepRowlessBlobs(Date.now() + 3600_000);
    expect(removed).toBe(1);
    await expect(s3b.read(orphan.id)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect((await s3b.read(kept.id)).byteLength).toBe(64);
    // A blob written after the cutoff is never swept.
    const young = await writeBlobFile(randomBytes(64));
    expect(await sweepRowlessBlobs(Date.now() - 3600_000)).toBe(0);
    expect((await s3b.read(young.id)).byteLength).toBe(64);
  });
});
