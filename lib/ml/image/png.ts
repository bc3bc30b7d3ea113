/**
 * A small PNG decoder in plain TypeScript (inflate by fflate, already a dependency): the REST API
 * decodes images in Node without native add-ons. Non-interlaced PNGs of every colour type, bit
 * depths 1–16; 16-bit samples keep their high byte. Output: RGB or RGBA pixels (a RawImage).
 */
import { unzlibSync } from "fflate";
import type { RawImage } from "../types";

export class PngError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PngError";
  }
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Decodes a PNG; refuses images over `maxPixels` before inflating anything. */
export function decodePng(bytes: Uint8Array, maxPixels = 4096 * 4096): RawImage {
  if (!isPng(bytes)) throw new PngError("not a PNG file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0, height = 0, depth = 0, colorType = -1, interlace = 0;
  let palette: Uint8Array | null = null;
  let paletteAlpha: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (pos + 8 <= bytes.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    const start = pos + 8;
    if (start + length + 4 > bytes.length) throw new PngError("the file is truncated");
    const data = bytes.subarray(start, start + length);
    if (type === "IHDR") {
      width = view.getUint32(start);
      height = view.getUint32(start + 4);
      depth = data[8];
      colorType = data[9];
      interlace = data[12];
    } else if (type === "PLTE") palette = data;
    else if (type === "tRNS") paletteAlpha = data;
    else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") {
      ended = true;
      break;
    }
    pos = start + length + 4; // skip the CRC
  }
  if (!ended) throw new PngError("the file is truncated");
  const channels = CHANNELS[colorType];
  if (!width || !height || channels === undefined || ![1, 2, 4, 8, 16].includes(depth)) throw new PngError("the PNG header is invalid");
  if (width * height > maxPixels) throw new PngError(`the image is too large (${width}×${height})`);
  if (interlace !== 0) throw new PngError("interlaced PNGs are not supported; save the image without interlacing");
  if (colorType === 3 && !palette) throw new PngError("the palette is missing");
  if (idat.length === 0) throw new PngError("the PNG has no image data");

  const joined = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of idat) {
    joined.set(c, o);
    o += c.length;
  }
  let raw: Uint8Array;
  try {
    raw = unzlibSync(joined);
  } catch {
    throw new PngError("the image data is corrupt");
  }
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  if (raw.length < height * (stride + 1)) throw new PngError("the image data is truncated");

  // Undo the per-row filters in place (into `rows`).
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? rows[dst + x - bpp] : 0;
      const b = y > 0 ? rows[dst - stride + x] : 0;
      const c = x >= bpp && y > 0 ? rows[dst - stride + x - bpp] : 0;
      let v = raw[src + x];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new PngError("the image data is corrupt (unknown filter)");
      }
      rows[dst + x] = v & 255;
    }
  }

  const hasAlpha = colorType === 4 || colorType === 6 || (colorType === 3 && paletteAlpha !== null);
  const outChannels = hasAlpha ? 4 : 3;
  const out = new Uint8Array(width * height * outChannels);
  const sample = (rowStart: number, index: number): number => {
    // index-th sample of the row, scaled to 0..255 (palette indices are returned unscaled)
    if (depth === 8) return rows[rowStart + index];
    if (depth === 16) return rows[rowStart + index * 2];
    const bit = index * depth;
    const v = (rows[rowStart + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    return colorType === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
  };
  for (let y = 0; y < height; y++) {
    const r0 = y * stride;
    for (let x = 0; x < width; x++) {
      const d = (y * width + x) * outChannels;
      let r: number, g: number, b: number, alpha = 255;
      if (colorType === 3) {
        const i = sample(r0, x);
        if (i * 3 + 2 >= palette!.length) throw new PngError("the image data is corrupt (palette index)");
        r = palette![i * 3];
        g = palette![i * 3 + 1];
        b = palette![i * 3 + 2];
        if (paletteAlpha && i < paletteAlpha.length) alpha = paletteAlpha[i];
      } else if (channels <= 2) {
        r = g = b = sample(r0, x * channels);
        if (channels === 2) alpha = sample(r0, x * 2 + 1);
      } else {
        r = sample(r0, x * channels);
        g = sample(r0, x * channels + 1);
        b = sample(r0, x * channels + 2);
        if (channels === 4) alpha = sample(r0, x * 4 + 3);
      }
      out[d] = r;
      out[d + 1] = g;
      out[d + 2] = b;
      if (outChannels === 4) out[d + 3] = alpha;
    }
  }
  return { width, height, channels: outChannels, data: out };
}
