import iconv from "iconv-lite";
import { type DataInput, startsWith, toBytes } from "./input";

export type TextEncodingId = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "gb18030" | "windows-1252";

export interface DecodedText {
  text: string;
  encoding: TextEncodingId;
  /** True when the encoding is a guess that may show wrong characters (windows-1252 fallback). */
  guessed: boolean;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Files that are clearly not text, recognised so the user gets a precise message. */
export type BinaryKind = "zip" | "old-excel" | "pdf" | "binary";

/** Recognises binary content that a text parser should not try to decode. */
export function sniffBinary(bytes: Uint8Array): BinaryKind | null {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return "zip";
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return "old-excel";
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return "pdf";
  if (looksLikeUtf16(bytes)) return null;
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return "binary";
  return null;
}

// Excel's "Unicode text" export is UTF-16LE with a BOM, but some tools drop the BOM.
function looksLikeUtf16(bytes: Uint8Array): "le" | "be" | null {
  if (startsWith(bytes, [0xff, 0xfe])) return "le";
  if (startsWith(bytes, [0xfe, 0xff])) return "be";
  const n = Math.min(bytes.length, 2000) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.3 && evenZero === 0) return "le";
  if (evenZero > pairs * 0.3 && oddZero === 0) return "be";
  return null;
}

/**
 * Share of double-byte sequences that fall in the GB2312 area (both bytes 0xA1–0xFE): high for
 * Chinese text, low for Latin-1 text where an accented letter is followed by an ASCII byte. Fed
 * chunk by chunk, so a file can be measured without holding it.
 */
export class Gb2312Share {
  private pairs = 0;
  private gbPairs = 0;
  /** The lead byte of a pair whose trail byte is in the next chunk. */
  private lead = -1;

  push(bytes: Uint8Array): void {
    let i = 0;
    if (this.lead >= 0 && bytes.length > 0) {
      this.count(this.lead, bytes[0]);
      this.lead = -1;
      i = 1;
    }
    for (; i < bytes.length; i++) {
      const b = bytes[i];
      if (b < 0x80) continue;
      if (i + 1 >= bytes.length) {
        this.lead = b;
        return;
      }
      this.count(b, bytes[i + 1]);
      i++; // a GBK character is two bytes (four-byte GB18030 forms are rare in real files)
    }
  }

  private count(b: number, t: number | undefined) {
    this.pairs++;
    if (b >= 0xa1 && b <= 0xf7 && t !== undefined && t >= 0xa1 && t <= 0xfe) this.gbPairs++;
  }

  share(): number {
    if (this.lead >= 0) {
      this.count(this.lead, undefined);
      this.lead = -1;
    }
    return this.pairs === 0 ? 1 : this.gbPairs / this.pairs;
  }
}

function gb2312Share(bytes: Uint8Array): number {
  const g = new Gb2312Share();
  g.push(bytes);
  return g.share();
}

/** Above this share of GB2312 pairs, text that is not UTF-8 is read as GB18030. */
export const GB18030_SHARE = 0.9;

/** What the first bytes decide on their own: a BOM or UTF-16; null = UTF-8 or a legacy encoding. */
export function encodingFromPrefix(prefix: Uint8Array): { encoding: "utf-8-bom" | "utf-16le" | "utf-16be"; skip: number } | null {
  if (startsWith(prefix, [0xef, 0xbb, 0xbf])) return { encoding: "utf-8-bom", skip: 3 };
  const utf16 = looksLikeUtf16(prefix);
  if (utf16 === "le") return { encoding: "utf-16le", skip: startsWith(prefix, [0xff, 0xfe]) ? 2 : 0 };
  if (utf16 === "be") return { encoding: "utf-16be", skip: startsWith(prefix, [0xfe, 0xff]) ? 2 : 0 };
  return null;
}

/** Decodes a byte stream piece by piece; a character split between chunks is kept for the next. */
export interface IncrementalDecoder {
  /** Throws on invalid bytes for strict "utf-8" only. */
  write(bytes: Uint8Array): string;
  end(): string;
}

/**
 * An incremental decoder giving exactly what decodeText gives for the whole input. "utf-8" is
 * strict (throws at the first invalid sequence, so the caller can fall back to a legacy encoding).
 * Callers skip the BOM bytes named by encodingFromPrefix first.
 */
export function incrementalDecoder(encoding: TextEncodingId): IncrementalDecoder {
  if (encoding === "utf-8" || encoding === "utf-8-bom") {
    const d = new TextDecoder("utf-8", { fatal: encoding === "utf-8" });
    return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
  }
  const iconvName = encoding === "utf-16le" ? "utf-16le" : encoding === "utf-16be" ? "utf-16be" : encoding;
  const d = iconv.getDecoder(iconvName, { stripBOM: true });
  return { write: (b) => d.write(b as Buffer), end: () => d.end() ?? "" };
}

/**
 * Decodes text bytes: BOMs first (UTF-8, UTF-16), then strict UTF-8, then GB18030 (a superset of
 * GBK, what Chinese Excel saves CSV as), then windows-1252 as a flagged guess.
 */
export function decodeText(input: DataInput): DecodedText {
  if (typeof input === "string") {
    return { text: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input, encoding: "utf-8", guessed: false };
  }
  const bytes = toBytes(input);
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8-bom", guessed: false };
  }
  const utf16 = looksLikeUtf16(bytes);
  if (utf16 === "le") {
    const body = startsWith(bytes, [0xff, 0xfe]) ? bytes.subarray(2) : bytes;
    return { text: iconv.decode(body, "utf-16le", { stripBOM: true }), encoding: "utf-16le", guessed: false };
  }
  if (utf16 === "be") {
    const body = startsWith(bytes, [0xfe, 0xff]) ? bytes.subarray(2) : bytes;
    return { text: iconv.decode(body, "utf-16be", { stripBOM: true }), encoding: "utf-16be", guessed: false };
  }
  try {
    return { text: strictUtf8.decode(bytes), encoding: "utf-8", guessed: false };
  } catch {
    // not UTF-8: fall through to the legacy encodings
  }
  if (gb2312Share(bytes) >= GB18030_SHARE) {
    return { text: iconv.decode(bytes, "gb18030"), encoding: "gb18030", guessed: false };
  }
  return { text: iconv.decode(bytes, "windows-1252"), encoding: "windows-1252", guessed: true };
}
