import { describe, expect, it } from "vitest";
import { makeJpeg, makePng, makePngHeaderOnly, makeWebp } from "./__fixtures__/builders";
import { inspectImage, sniffImage } from "./image";

const codes = (r: ReturnType<typeof inspectImage>) => r.issues.map((i) => i.code);
const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

describe("sniffImage", () => {
  it("uses magic bytes, not names", () => {
    expect(sniffImage(makePng(1, 1))).toBe("png");
    expect(sniffImage(makeJpeg(1, 1))).toBe("jpeg");
    expect(sniffImage(makeWebp("VP8", 2, 2))).toBe("webp");
    expect(sniffImage(ascii("GIF89a......"))).toBe("gif");
    expect(sniffImage(Uint8Array.from([0, 0, 0, 24, ...ascii("ftypheic"), 0, 0, 0, 0]))).toBe("heic");
    expect(sniffImage(Uint8Array.from([0, 0, 0, 24, ...ascii("ftypavif"), 0, 0, 0, 0]))).toBe("avif");
    expect(sniffImage(Uint8Array.from([0x49, 0x49, 0x2a, 0]))).toBe("tiff");
    expect(sniffImage(ascii("hello world"))).toBeNull();
  });
});

describe("inspectImage", () => {
  it("reads PNG dimensions", () => {
    const r = inspectImage(makePng(3, 2));
    expect(r.ok && r.value).toMatchObject({ format: "png", mime: "image/png", width: 3, height: 2, orientation: 1 });
  });

  it("reads JPEG dimensions and the EXIF orientation (both byte orders)", () => {
    const r = inspectImage(makeJpeg(640, 480, 6));
    expect(r.ok && r.value).toMatchObject({
      format: "jpeg",
      width: 640,
      height: 480,
      orientation: 6,
      displayWidth: 480,
      displayHeight: 640,
    });
    const be = inspectImage(makeJpeg(10, 20, 3, true));
    expect(be.ok && be.value.orientation).toBe(3);
    const none = inspectImage(makeJpeg(10, 20));
    expect(none.ok && none.value.orientation).toBe(1);
  });

  it.each(["VP8", "VP8L", "VP8X"] as const)("reads WebP %s dimensions", (kind) => {
    const r = inspectImage(makeWebp(kind, 300, 200));
    expect(r.ok && r.value).toMatchObject({ format: "webp", width: 300, height: 200 });
  });

  it("detects a truncated PNG, JPEG and WebP", () => {
    const png = makePng(4, 4);
    expect(codes(inspectImage(png.subarray(0, png.length - 6), { fileName: "cut.png" }))).toEqual(["image-truncated"]);
    const jpeg = makeJpeg(8, 8);
    expect(codes(inspectImage(jpeg.subarray(0, jpeg.length - 2)))).toEqual(["image-truncated"]);
    expect(codes(inspectImage(jpeg.subarray(0, 12)))).toEqual(["image-truncated"]);
    const webp = makeWebp("VP8", 10, 10); // 32 bytes; the RIFF header promises all of them
    expect(webp.length).toBe(32);
    expect(codes(inspectImage(webp.subarray(0, 31)))).toEqual(["image-truncated"]);
  });

  it("detects corrupt images", () => {
    const png = makePng(4, 4);
    const badCrc = png.slice();
    badCrc[20] ^= 0xff; // inside IHDR: CRC no longer matches
    expect(codes(inspectImage(badCrc, { fileName: "cats/1.png" }))).toEqual(["image-corrupt"]);
    expect(inspectImage(badCrc, { fileName: "cats/1.png" }).issues[0].file).toBe("cats/1.png");
    const garbage = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x12, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x41, 0x42, 0x43]);
    expect(codes(inspectImage(garbage))).toEqual(["image-corrupt"]);
    const zeroSize = makeJpeg(0, 10);
    expect(codes(inspectImage(zeroSize))).toEqual(["image-corrupt"]);
  });

  it("rejects unknown and unsupported formats by content, whatever the name", () => {
    expect(codes(inspectImage(ascii("not an image at all"), { fileName: "cat.jpg" }))).toEqual(["image-unknown-format"]);
    const heic = inspectImage(Uint8Array.from([0, 0, 0, 24, ...ascii("ftypheic"), 0, 0, 0, 0]));
    expect(heic.issues[0]).toMatchObject({ code: "image-unsupported-format", params: { format: "HEIC" } });
  });

  it("enforces the pixel and byte limits, showing them", () => {
    const big = inspectImage(makePngHeaderOnly(20000, 100));
    expect(big.issues[0]).toMatchObject({
      code: "image-too-large-dimensions",
      params: { width: 20000, height: 100, limitPx: 10000, limitPixels: 50000000 },
    });
    expect(codes(inspectImage(makePngHeaderOnly(9000, 9000)))).toEqual(["image-too-large-dimensions"]);
    const tooBig = inspectImage(makePng(2, 2), { limits: { maxImageBytes: 10 } });
    expect(tooBig.issues[0]).toMatchObject({ code: "file-too-large", params: { limitBytes: 10 } });
    expect(codes(inspectImage(new Uint8Array(0)))).toEqual(["file-empty"]);
  });
});
