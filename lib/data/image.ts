import { crc32 } from "./crc32";
import { type DataInput, ascii, startsWith, toBytes } from "./input";
import { type Result, error, fail, ok, withFile } from "./issues";
import { type DataLimits, resolveLimits } from "./limits";

/**
 * Image checks from the bytes alone (never the file extension): format by magic number, pixel size
 * from the header, EXIF orientation for JPEG, and truncated or corrupt files. Nothing is decoded.
 */

export const SUPPORTED_IMAGE_FORMATS = ["jpeg", "png", "webp"] as const;
export type ImageFormat = (typeof SUPPORTED_IMAGE_FORMATS)[number];
/** Recognised so the user is told what the file is, but not accepted for training. */
export type OtherImageFormat = "gif" | "bmp" | "tiff" | "heic" | "avif";

export const IMAGE_MIME: Record<ImageFormat, string> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp" };

export interface ImageInfo {
  format: ImageFormat;
  mime: string;
  /** Pixel size as stored in the file. */
  width: number;
  height: number;
  /** EXIF orientation 1–8 (1 = as stored); only JPEG carries it here. */
  orientation: number;
  /** Size once the orientation is applied (5–8 swap width and height). */
  displayWidth: number;
  displayHeight: number;
  byteLength: number;
}

export interface ImageOptions {
  fileName?: string;
  limits?: Partial<DataLimits>;
}

/** Image format from the first bytes, or null when it is not a known image. */
export function sniffImage(input: DataInput): ImageFormat | OtherImageFormat | null {
  const b = toBytes(input);
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") return "webp";
  if (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a") return "gif";
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  if (ascii(b, 4, 4) === "ftyp") {
    const brand = ascii(b, 8, 4);
    if (brand === "avif" || brand === "avis") return "avif";
    if (["heic", "heix", "hevc", "hevx", "mif1", "msf1", "heim", "heis"].includes(brand)) return "heic";
  }
  if (ascii(b, 0, 2) === "BM" && b.length >= 26) return "bmp";
  return null;
}

export function isSupportedImageFormat(f: string | null): f is ImageFormat {
  return f !== null && (SUPPORTED_IMAGE_FORMATS as readonly string[]).includes(f);
}

type Header = { width: number; height: number; orientation: number } | "truncated" | "corrupt";

const be16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const be32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const le16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const le24 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const le32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

function readPng(b: Uint8Array): Header {
  if (b.length < 8 + 25) return "truncated";
  if (be32(b, 8) !== 13 || ascii(b, 12, 4) !== "IHDR") return "corrupt";
  if (crc32(b.subarray(12, 12 + 4 + 13)) !== be32(b, 29)) return "corrupt";
  const width = be32(b, 16);
  const height = be32(b, 20);
  if (width === 0 || height === 0) return "corrupt";
  // walk the chunks: a cut-off file ends inside a chunk or before IEND
  let o = 8;
  let sawData = false;
  for (;;) {
    if (o + 12 > b.length) return "truncated";
    const len = be32(b, o);
    const type = ascii(b, o + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) return "corrupt";
    if (o + 12 + len > b.length) return "truncated";
    if (type === "IDAT") sawData = true;
    if (type === "IEND") return sawData ? { width, height, orientation: 1 } : "corrupt";
    o += 12 + len;
  }
}

function exifOrientation(b: Uint8Array, start: number, end: number): number {
  // APP1 payload: "Exif\0\0" then a TIFF header whose IFD0 may hold tag 0x0112
  if (ascii(b, start, 6) !== "Exif\0\0") return 1;
  const t = start + 6;
  if (t + 8 > end) return 1;
  const little = ascii(b, t, 2) === "II";
  if (!little && ascii(b, t, 2) !== "MM") return 1;
  const r16 = (o: number) => (little ? le16(b, o) : be16(b, o));
  const r32 = (o: number) => (little ? le32(b, o) : be32(b, o));
  const ifd = t + r32(t + 4);
  if (ifd + 2 > end) return 1;
  const count = r16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > end) return 1;
    if (r16(e) === 0x0112) {
      const v = r16(e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function readJpeg(b: Uint8Array): Header {
  let o = 2;
  let size: { width: number; height: number } | null = null;
  let orientation = 1;
  for (;;) {
    if (o >= b.length) return "truncated";
    if (b[o] !== 0xff) return "corrupt";
    while (o < b.length && b[o] === 0xff) o++; // fill bytes
    if (o >= b.length) return "truncated";
    const marker = b[o++];
    if (marker === 0xd8 || marker === 0xd9) return "corrupt"; // SOI again, or EOI before any image data
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (o + 2 > b.length) return "truncated";
    const len = be16(b, o);
    if (len < 2) return "corrupt";
    const end = o + len;
    if (end > b.length) return "truncated";
    if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(b, o + 2, end);
    if (SOF.has(marker)) {
      if (len < 8) return "corrupt";
      size = { height: be16(b, o + 3), width: be16(b, o + 5) };
    }
    if (marker === 0xda) {
      if (!size || size.width === 0 || size.height === 0) return "corrupt";
      // entropy-coded data escapes 0xFF as FF 00, so any FF D9 after the scan starts is the end marker
      for (let i = b.length - 2; i >= end; i--) {
        if (b[i] === 0xff && b[i + 1] === 0xd9) return { ...size, orientation };
      }
      return "truncated";
    }
    o = end;
  }
}

function readWebp(b: Uint8Array): Header {
  if (b.length < 30) return "truncated";
  if (b.length < le32(b, 4) + 8) return "truncated";
  const chunk = ascii(b, 12, 4);
  const d = 20;
  if (chunk === "VP8X") {
    return { width: le24(b, d + 4) + 1, height: le24(b, d + 7) + 1, orientation: 1 };
  }
  if (chunk === "VP8 ") {
    if (b[d + 3] !== 0x9d || b[d + 4] !== 0x01 || b[d + 5] !== 0x2a) return "corrupt";
    const width = le16(b, d + 6) & 0x3fff;
    const height = le16(b, d + 8) & 0x3fff;
    return width && height ? { width, height, orientation: 1 } : "corrupt";
  }
  if (chunk === "VP8L") {
    if (b[d] !== 0x2f) return "corrupt";
    const bits = le32(b, d + 1);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, orientation: 1 };
  }
  return "corrupt";
}

/**
 * Checks one image file and reads its header. Rejects unknown or unsupported formats, truncated or
 * corrupt files, and files above the byte or pixel limits.
 */
export function inspectImage(input: DataInput, options: ImageOptions = {}): Result<ImageInfo> {
  const limits = resolveLimits(options.limits);
  const b = toBytes(input);
  const where = options.fileName !== undefined ? { file: options.fileName } : {};
  const reject = (...a: Parameters<typeof error>) => fail<ImageInfo>(withFile([error(...a)], options.fileName));
  if (b.length === 0) return reject("file-empty", {}, where);
  if (b.length > limits.maxImageBytes) {
    return reject("file-too-large", { sizeBytes: b.length, limitBytes: limits.maxImageBytes }, where);
  }
  const format = sniffImage(b);
  if (format === null) return reject("image-unknown-format", {}, where);
  if (!isSupportedImageFormat(format)) return reject("image-unsupported-format", { format: format.toUpperCase() }, where);
  const header = format === "png" ? readPng(b) : format === "jpeg" ? readJpeg(b) : readWebp(b);
  if (header === "truncated") return reject("image-truncated", {}, where);
  if (header === "corrupt") return reject("image-corrupt", {}, where);
  const { width, height, orientation } = header;
  if (Math.max(width, height) > limits.maxImageSidePx || width * height > limits.maxImagePixels) {
    return reject(
      "image-too-large-dimensions",
      { width, height, limitPx: limits.maxImageSidePx, limitPixels: limits.maxImagePixels },
      where,
    );
  }
  const swap = orientation >= 5;
  return ok({
    format,
    mime: IMAGE_MIME[format],
    width,
    height,
    orientation,
    displayWidth: swap ? height : width,
    displayHeight: swap ? width : height,
    byteLength: b.length,
  });
}
