import { Inflate } from "fflate";
import { crc32 } from "./crc32";
import { decodeText } from "./encoding";
import { type DataInput, toBytes } from "./input";
import { type DataIssue, type Result, error, fail, ok, withFile } from "./issues";
import { type DataLimits, resolveLimits } from "./limits";

/**
 * ZIP reading that trusts nothing in the archive: the central directory is parsed first and every
 * limit (file count, total and per-entry size, compression ratio) is checked before any byte is
 * inflated; inflation then streams in small chunks and stops as soon as an entry produces more than
 * it declared. Entry names are display strings only, never used as file-system paths.
 */

export interface ZipEntryInfo {
  /** Path inside the archive as written by the tool that made it (decoded to text). */
  name: string;
  isDirectory: boolean;
  /** Unix symlink (file type bits in the external attributes). */
  isSymlink: boolean;
  encrypted: boolean;
  /** 0 stored, 8 deflate; others are rejected. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  localHeaderOffset: number;
}

export interface ZipFile {
  /** Path inside the archive, "/"-separated. */
  path: string;
  bytes: Uint8Array;
}

export interface ZipReadOptions {
  /** The archive's own name, set as `file` on archive-level issues. */
  fileName?: string;
  limits?: Partial<DataLimits>;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const INFLATE_CHUNK = 16 * 1024;

/** True when the bytes start like a ZIP archive (also XLSX). */
export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))
  );
}

function u16(v: DataView, o: number): number {
  return v.getUint16(o, true);
}
function u32(v: DataView, o: number): number {
  return v.getUint32(o, true);
}
function u64(v: DataView, o: number): number {
  // sizes above 2^53 cannot be honest for an upload; Number is enough
  return v.getUint32(o, true) + v.getUint32(o + 4, true) * 2 ** 32;
}

function findEocd(v: DataView): number {
  const min = Math.max(0, v.byteLength - 22 - 0xffff);
  for (let o = v.byteLength - 22; o >= min; o--) if (u32(v, o) === SIG_EOCD) return o;
  return -1;
}

const utf8 = new TextDecoder("utf-8");

function decodeName(raw: Uint8Array, utf8Flag: boolean): string {
  if (utf8Flag) return utf8.decode(raw);
  // tools on Chinese Windows write GBK names without the UTF-8 flag; decodeText handles both
  return decodeText(raw).text;
}

/** Lists entries from the central directory; no data is inflated. */
export function listZipEntries(input: DataInput, options: ZipReadOptions = {}): Result<ZipEntryInfo[]> {
  const limits = resolveLimits(options.limits);
  const bytes = toBytes(input);
  const bad = () => fail<ZipEntryInfo[]>(withFile([error("zip-invalid")], options.fileName));
  if (bytes.length < 22) return bad();
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(v);
  if (eocd < 0) return bad();
  let total = u16(v, eocd + 10);
  let cdSize = u32(v, eocd + 12);
  let cdOffset = u32(v, eocd + 16);
  if (eocd >= 20 && u32(v, eocd - 20) === SIG_EOCD64_LOCATOR) {
    const o64 = u64(v, eocd - 20 + 8);
    if (o64 + 56 <= bytes.length && u32(v, o64) === SIG_EOCD64) {
      total = u64(v, o64 + 32);
      cdSize = u64(v, o64 + 40);
      cdOffset = u64(v, o64 + 48);
    }
  }
  // a cheap early stop before walking a huge directory; folders are not files, so allow slack
  if (total > limits.maxZipFiles * 2) {
    return fail(withFile([error("zip-too-many-files", { count: total, limit: limits.maxZipFiles })], options.fileName));
  }
  if (cdOffset + cdSize > bytes.length) return bad();
  const entries: ZipEntryInfo[] = [];
  let o = cdOffset;
  for (let n = 0; n < total; n++) {
    if (o + 46 > bytes.length || u32(v, o) !== SIG_CENTRAL) return bad();
    const madeBy = u16(v, o + 4);
    const flags = u16(v, o + 8);
    const method = u16(v, o + 10);
    const crc = u32(v, o + 16);
    let compressedSize = u32(v, o + 20);
    let uncompressedSize = u32(v, o + 24);
    const nameLen = u16(v, o + 28);
    const extraLen = u16(v, o + 30);
    const commentLen = u16(v, o + 32);
    const external = u32(v, o + 38);
    let localHeaderOffset = u32(v, o + 42);
    const nameStart = o + 46;
    const extraStart = nameStart + nameLen;
    const next = extraStart + extraLen + commentLen;
    if (next > bytes.length) return bad();
    let name = decodeName(bytes.subarray(nameStart, extraStart), (flags & 0x800) !== 0);
    for (let e = extraStart; e + 4 <= extraStart + extraLen; ) {
      const id = u16(v, e);
      const size = u16(v, e + 2);
      const body = e + 4;
      if (body + size > extraStart + extraLen) break;
      if (id === 0x0001) {
        let p = body;
        if (uncompressedSize === 0xffffffff && p + 8 <= body + size) (uncompressedSize = u64(v, p)), (p += 8);
        if (compressedSize === 0xffffffff && p + 8 <= body + size) (compressedSize = u64(v, p)), (p += 8);
        if (localHeaderOffset === 0xffffffff && p + 8 <= body + size) localHeaderOffset = u64(v, p);
      } else if (id === 0x7075 && size > 5) {
        name = utf8.decode(bytes.subarray(body + 5, body + size)); // Info-ZIP Unicode path
      }
      e = body + size;
    }
    const os = madeBy >> 8;
    const unixType = (external >>> 16) & 0o170000;
    entries.push({
      name,
      isDirectory: name.endsWith("/") || name.endsWith("\\") || (os === 3 && unixType === 0o040000),
      isSymlink: (os === 3 || os === 19) && unixType === 0o120000,
      encrypted: (flags & 1) !== 0,
      method,
      compressedSize,
      uncompressedSize,
      crc32: crc,
      localHeaderOffset,
    });
    o = next;
  }
  return ok(entries);
}

/** True for absolute paths, drive letters, ".." segments (with "/" or "\\"), and control characters. */
export function isUnsafeZipPath(name: string): boolean {
  if (name === "" || /[\u0000-\u001f]/.test(name)) return true;
  if (name.startsWith("/") || name.startsWith("\\") || /^[a-zA-Z]:/.test(name)) return true;
  return name.split(/[\\/]+/).some((s) => s === "..");
}

/** Archive clutter that is skipped without a message: macOS resource forks, dotfiles, Windows thumbnails. */
export function isIgnoredZipPath(name: string): boolean {
  const parts = name.split(/[\\/]+/).filter(Boolean);
  if (parts.length === 0) return true;
  if (parts[0] === "__MACOSX") return true;
  if (parts.some((p) => p.startsWith("."))) return true;
  const base = parts[parts.length - 1].toLowerCase();
  return base === "thumbs.db" || base === "desktop.ini";
}

export interface ZipPlan {
  /** Entries that passed every check, in archive order. */
  accepted: ZipEntryInfo[];
  issues: DataIssue[];
}

/**
 * Checks declared entries against safety rules and limits before inflating anything.
 * Unsafe or oversized entries are rejected one by one; too many files or too many bytes in total
 * rejects the whole archive.
 */
export function planZipExtraction(entries: readonly ZipEntryInfo[], options: ZipReadOptions = {}): Result<ZipPlan> {
  const limits = resolveLimits(options.limits);
  const issues: DataIssue[] = [];
  const accepted: ZipEntryInfo[] = [];
  for (const e of entries) {
    const where = { file: e.name };
    if (isUnsafeZipPath(e.name)) {
      issues.push(error("zip-unsafe-path", {}, where));
      continue;
    }
    if (e.isSymlink) {
      issues.push(error("zip-symlink", {}, where));
      continue;
    }
    if (e.isDirectory || isIgnoredZipPath(e.name)) continue;
    if (e.encrypted) {
      issues.push(error("zip-encrypted", {}, where));
      continue;
    }
    if (e.method !== 0 && e.method !== 8) {
      issues.push(error("zip-unsupported-compression", { method: e.method }, where));
      continue;
    }
    if (e.uncompressedSize > limits.maxZipEntryBytes) {
      issues.push(error("zip-entry-too-large", { sizeBytes: e.uncompressedSize, limitBytes: limits.maxZipEntryBytes }, where));
      continue;
    }
    const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
    if (e.uncompressedSize >= limits.zipRatioCheckMinBytes && ratio > limits.maxZipCompressionRatio) {
      issues.push(error("zip-ratio-too-high", { ratio: Math.round(ratio), limit: limits.maxZipCompressionRatio }, where));
      continue;
    }
    accepted.push(e);
  }
  const archive = (i: DataIssue[]) => withFile(i, options.fileName);
  if (accepted.length > limits.maxZipFiles) {
    return fail(archive([error("zip-too-many-files", { count: accepted.length, limit: limits.maxZipFiles }), ...issues]));
  }
  const total = accepted.reduce((s, e) => s + e.uncompressedSize, 0);
  if (total > limits.maxZipTotalUncompressedBytes) {
    return fail(
      archive([error("zip-too-large-uncompressed", { totalBytes: total, limitBytes: limits.maxZipTotalUncompressedBytes }), ...issues]),
    );
  }
  // many small, highly compressible entries each pass the per-entry check, so check the sum too
  const compressed = accepted.reduce((s, e) => s + e.compressedSize, 0);
  const ratio = total / Math.max(1, compressed);
  if (total >= limits.zipRatioCheckMinBytes && ratio > limits.maxZipCompressionRatio) {
    return fail(archive([error("zip-ratio-too-high", { ratio: Math.round(ratio), limit: limits.maxZipCompressionRatio }), ...issues]));
  }
  return ok({ accepted, issues });
}

/**
 * Inflates one planned entry. Output is capped at the declared size (already within the limits),
 * so a lying header cannot grow memory; size and CRC must match or the entry is reported corrupt.
 */
export function extractZipEntry(input: DataInput, entry: ZipEntryInfo): Result<Uint8Array> {
  const bytes = toBytes(input);
  const corrupt = (reason: string) => fail<Uint8Array>([error("zip-entry-corrupt", { reason }, { file: entry.name })]);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lh = entry.localHeaderOffset;
  if (lh + 30 > bytes.length || u32(v, lh) !== SIG_LOCAL) return corrupt("header");
  const start = lh + 30 + u16(v, lh + 26) + u16(v, lh + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) return corrupt("truncated");
  const data = bytes.subarray(start, end);
  const out = new Uint8Array(entry.uncompressedSize);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) return corrupt("size");
    out.set(data);
  } else {
    let written = 0;
    let overflow = false;
    const inflater = new Inflate((chunk) => {
      if (overflow) return;
      if (written + chunk.length > out.length) {
        overflow = true;
        return;
      }
      out.set(chunk, written);
      written += chunk.length;
    });
    try {
      for (let p = 0; p < data.length && !overflow; p += INFLATE_CHUNK) {
        const final = p + INFLATE_CHUNK >= data.length;
        inflater.push(data.subarray(p, Math.min(data.length, p + INFLATE_CHUNK)), final);
      }
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
    } catch {
      return corrupt("inflate");
    }
    if (overflow || written !== out.length) return corrupt("size");
  }
  if (crc32(out) !== entry.crc32) return corrupt("crc");
  return ok(out);
}

/** Every safe file of an archive with its bytes; rejected entries are reported, the rest kept. */
export function readZipFiles(input: DataInput, options: ZipReadOptions = {}): Result<ZipFile[]> {
  const limits = resolveLimits(options.limits);
  const bytes = toBytes(input);
  if (bytes.length > limits.maxUploadBytes) {
    return fail(withFile([error("file-too-large", { sizeBytes: bytes.length, limitBytes: limits.maxUploadBytes })], options.fileName));
  }
  const listed = listZipEntries(bytes, options);
  if (!listed.ok) return listed;
  const plan = planZipExtraction(listed.value, options);
  if (!plan.ok) return plan;
  const issues = [...plan.value.issues];
  const files: ZipFile[] = [];
  for (const e of plan.value.accepted) {
    const r = extractZipEntry(bytes, e);
    if (r.ok) files.push({ path: e.name.replace(/\\/g, "/"), bytes: r.value });
    else issues.push(...r.issues);
  }
  return ok(files, issues);
}
