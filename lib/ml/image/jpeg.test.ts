import { describe, expect, it } from "vitest";
import { encode } from "jpeg-js";
import { applyExifOrientation, decodeJpeg, isJpeg, JpegError } from "./jpeg";
import type { RawImage } from "../types";

// 3 wide × 2 high, one channel per pixel value so positions are easy to read.
const img: RawImage = { width: 3, height: 2, channels: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };

describe("JPEG decoding and EXIF orientation", () => {
  it("applies the eight EXIF orientations as browsers do", () => {
    expect(applyExifOrientation(img, 1)).toBe(img);
    expect(Array.from(applyExifOrientation(img, 2).data)).toEqual([3, 2, 1, 6, 5, 4]); // mirrored
    expect(Array.from(applyExifOrientation(img, 3).data)).toEqual([6, 5, 4, 3, 2, 1]); // 180°
    expect(Array.from(applyExifOrientation(img, 4).data)).toEqual([4, 5, 6, 1, 2, 3]); // flipped
    const r6 = applyExifOrientation(img, 6); // 90° clockwise: 2 wide × 3 high
    expect([r6.width, r6.height]).toEqual([2, 3]);
    expect(Array.from(r6.data)).toEqual([4, 1, 5, 2, 6, 3]);
    expect(Array.from(applyExifOrientation(img, 8).data)).toEqual([3, 6, 2, 5, 1, 4]); // 90° counter-clockwise
    expect(Array.from(applyExifOrientation(img, 5).data)).toEqual([1, 4, 2, 5, 3, 6]); // transposed
    expect(Array.from(applyExifOrientation(img, 7).data)).toEqual([6, 3, 5, 2, 4, 1]); // transversed
  });

  it("decodes a JPEG to RGBA close to the encoded pixels, and refuses damaged or oversized ones", () => {
    const w = 16;
    const h = 8;
    const rgba = Buffer.from(Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : i % 4 === 0 ? 200 : 40)));
    const bytes = new Uint8Array(encode({ width: w, height: h, data: rgba }, 95).data);
    expect(isJpeg(bytes)).toBe(true);
    const out = decodeJpeg(bytes, 1e6);
    expect([out.width, out.height, out.channels]).toEqual([w, h, 4]);
    expect(Math.abs(out.data[0] - 200)).toBeLessThan(8);
    expect(Math.abs(out.data[1] - 40)).toBeLessThan(8);
    expect(() => decodeJpeg(bytes.subarray(0, 40), 1e6)).toThrow(JpegError);
    expect(() => decodeJpeg(bytes, 100)).toThrow(/too many pixels/);
  });
});
