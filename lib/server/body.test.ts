import { describe, expect, it } from "vitest";
import { readBodyBytes, readBodyText } from "./body";

const stream = (chunks: Uint8Array[]) => {
  let i = 0;
  return new ReadableStream<Uint8Array>({ pull: (c) => (i < chunks.length ? c.enqueue(chunks[i++]) : c.close()) }, { highWaterMark: 0 });
};
const tooLarge = () => new Error("too large");

describe("readBodyBytes", () => {
  it("accepts exactly the limit and refuses one byte more", async () => {
    const ok = await readBodyBytes(stream([new Uint8Array(6), new Uint8Array(4)]), { limitBytes: 10, tooLarge });
    expect(ok.byteLength).toBe(10);
    await expect(readBodyBytes(stream([new Uint8Array(6), new Uint8Array(5)]), { limitBytes: 10, tooLarge })).rejects.toThrow("too large");
  });

  it("refuses a declared Content-Length above the limit without reading, and ignores a malformed one", async () => {
    let pulled = 0;
    const s = new ReadableStream<Uint8Array>({ pull: (c) => void (pulled++, c.enqueue(new Uint8Array(1))) }, { highWaterMark: 0 });
    await expect(readBodyBytes(s, { limitBytes: 10, contentLength: "11", tooLarge })).rejects.toThrow("too large");
    expect(pulled).toBe(0);
    expect((await readBodyBytes(stream([new Uint8Array(3)]), { limitBytes: 10, contentLength: "x", tooLarge })).byteLength).toBe(3);
  });

  it("an absent body is empty", async () => {
    expect((await readBodyBytes(null, { limitBytes: 10, tooLarge })).byteLength).toBe(0);
  });
});

describe("readBodyText", () => {
  it("decodes UTF-8 once the body is whole: a character split across chunks, a BOM dropped", async () => {
    const bytes = new TextEncoder().encode("\uFEFF密码");
    const text = await readBodyText(stream([bytes.subarray(0, 4), bytes.subarray(4)]), { limitBytes: 100, tooLarge });
    expect(text).toBe("密码");
  });
});
