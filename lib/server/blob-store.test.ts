import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { blobRoot, putStream } from "./blob-store";

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
