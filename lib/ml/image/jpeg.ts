/**
 * JPEG → RawImage (RGBA) in plain JavaScript (jpeg-js, no native add-on), with the EXIF
 * orientation applied the way browsers do (createImageBitmap "from-image"), so the REST API sees
 * the picture as the studio showed and trained on it.
 */
import { decode } from "jpeg-js";
import { inspectImage } from "@/lib/data/image";
import type { RawImage } from "../types";

export class JpegError extends Error {}

/** Rotates/flips an RGBA image by EXIF orientation 1–8 (1 = unchanged). */
export function applyExifOrientation(img: RawImage, orientation: number): RawImage {
  if (orientation <= 1 || orientation > 8) return img;
  const { width: w, height: h, channels: c, data } = img;
  const swap = orientation >= 5;
  const W = swap ? h : w;
  const H = swap ? w : h;
  const out = new Uint8Array(W * H * c);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // (x, y) in the output → (sx, sy) in the stored picture.
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = w - 1 - x; sy = y; break;
        case 3: sx = w - 1 - x; sy = h - 1 - y; break;
        case 4: sx = x; sy = h - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = h - 1 - x; break;
        case 7: sx = w - 1 - y; sy = h - 1 - x; break;
        default: sx = w - 1 - y; sy = x; break; // 8
      }
      const from = (sy * w + sx) * c;
      out.set(data.subarray(from, from + c) as Uint8Array, (y * W + x) * c);
    }
  }
  return { width: W, height: H, channels: c, data: out };
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** Decodes a JPEG of at most `maxPixels` pixels; JpegError with a plain reason otherwise. */
export function decodeJpeg(bytes: Uint8Array, maxPixels: number): RawImage {
  const info = inspectImage(bytes, { limits: { maxImagePixels: maxPixels, maxImageSidePx: 16384, maxImageBytes: 64 * 1024 * 1024 } });
  if (!info.ok) throw new JpegError(info.issues[0]?.code === "image-too-large-dimensions" ? "the picture has too many pixels" : "the JPEG file is damaged or truncated");
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: Math.ceil(maxPixels / 1e6), maxMemoryUsageInMB: Math.ceil((maxPixels * 20) / 2 ** 20) + 64 });
  } catch (e) {
    throw new JpegError(`the JPEG could not be decoded (${e instanceof Error ? e.message : String(e)})`);
  }
  return applyExifOrientation({ width: decoded.width, height: decoded.height, channels: 4, data: decoded.data }, info.value.orientation);
}
