import { decodePng, isPng, PngError } from "@/lib/ml/image/png";
import { decodeJpeg, isJpeg, JpegError } from "@/lib/ml/image/jpeg";
import type { RawImage } from "@/lib/ml/types";
import { ApiError } from "./errors";

/**
 * Largest picture accepted, in pixels: 50 megapixels, the Data tab's limit, so any phone photo
 * (12–48 MP) works; beyond it a "pixel flood" (a tiny file claiming huge dimensions) is refused
 * from its header, before anything is decoded.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

const invalid = (message: string) => new ApiError("invalid_input", message);

function unreadable(where: string, reason: string): ApiError {
  if (/too many pixels|too large/i.test(reason)) {
    return invalid(`${where} has more than ${MAX_IMAGE_PIXELS / 1e6} megapixels: make the picture smaller and send it again.`);
  }
  return invalid(`${where} could not be read: ${reason}.`);
}

/** The square in the middle of the image, as the studio crops for training and the playground. */
export function centreCropSquare(img: RawImage): RawImage {
  const side = Math.min(img.width, img.height);
  if (img.width === img.height) return img;
  const x0 = Math.floor((img.width - side) / 2);
  const y0 = Math.floor((img.height - side) / 2);
  const c = img.channels;
  const out = new Uint8Array(side * side * c);
  for (let y = 0; y < side; y++) {
    const from = ((y0 + y) * img.width + x0) * c;
    out.set(img.data.subarray(from, from + side * c) as Uint8Array, y * side * c);
  }
  return { width: side, height: side, channels: c, data: out };
}

/**
 * An image input of the REST API: a PNG or JPEG as a data URL ("data:image/png;base64,…") or as
 * plain base64, decoded in plain JavaScript (JPEG with its EXIF orientation applied, as the studio
 * does). WebP is refused with a plain message: there is no pure-JavaScript decoder for it among
 * the dependencies, and native add-ons are not used.
 */
export function decodeImageInput(x: unknown, where: string): RawImage {
  const expected = `${where} must be an image: a PNG or JPEG as a data URL ("data:image/png;base64,…") or as plain base64.`;
  if (typeof x !== "string" || x.length === 0) throw invalid(expected);
  let b64 = x;
  if (x.startsWith("data:")) {
    const comma = x.indexOf(",");
    if (comma < 0 || !x.slice(0, comma).endsWith(";base64")) throw invalid(expected);
    b64 = x.slice(comma + 1);
  }
  b64 = b64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) throw invalid(`${where} is not valid base64. ${expected}`);
  const bytes = new Uint8Array(Buffer.from(b64, b64.includes("-") || b64.includes("_") ? "base64url" : "base64"));
  if (isJpeg(bytes)) {
    try {
      return centreCropSquare(decodeJpeg(bytes, MAX_IMAGE_PIXELS));
    } catch (e) {
      if (e instanceof JpegError) throw unreadable(where, e.message);
      throw e;
    }
  }
  if (String.fromCharCode(...bytes.subarray(8, 12)) === "WEBP") {
    throw invalid(`${where} is a WebP image. The REST API decodes PNG and JPEG images: convert the image to one of them and send it again.`);
  }
  if (!isPng(bytes)) throw invalid(`${where} is not a PNG or JPEG image. ${expected}`);
  try {
    return centreCropSquare(decodePng(bytes, MAX_IMAGE_PIXELS));
  } catch (e) {
    if (e instanceof PngError) throw unreadable(where, e.message);
    throw e;
  }
}
