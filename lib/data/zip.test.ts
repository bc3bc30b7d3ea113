import iconv from "iconv-lite";
import { type Zippable, strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { centralEntryOffset, makeJpeg, makePng, patch } from "./__fixtures__/builders";
import { encodeWav } from "./audio";
import { assignClasses, readClassZip } from "./class-zip";
import { isIgnoredZipPath, isUnsafeZipPath, listZipEntries, readZipFiles } from "./zip";

const png = makePng(2, 2);
const jpg = makeJpeg(4, 3);
const codes = (issues: { code: string; file?: string }[]) => issues.map((i) => [i.code, i.file]);

describe("readClassZip", () => {
  it("reads one folder per class, dropping a shared wrapper folder and ignoring clutter", () => {
    const zip = zipSync({
      "dataset/cats/1.png": png,
      "dataset/cats/2.jpg": jpg,
      "dataset/dogs/a.png": png,
      "dataset/dogs/.DS_Store": strToU8("x"),
      "__MACOSX/dataset/cats/._1.png": strToU8("x"),
      "dataset/dogs/Thumbs.db": strToU8("x"),
      "dataset/empty/": new Uint8Array(0),
    });
    const r = readClassZip(zip, { accept: "image" });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.issues).toEqual([]);
    expect(r.value.classes).toEqual([
      { name: "cats", count: 2 },
      { name: "dogs", count: 1 },
    ]);
    expect(r.value.entries.map((e) => [e.className, e.fileName, e.path])).toEqual([
      ["cats", "1.png", "dataset/cats/1.png"],
      ["cats", "2.jpg", "dataset/cats/2.jpg"],
      ["dogs", "a.png", "dataset/dogs/a.png"],
    ]);
    expect(r.value.entries[1].image).toMatchObject({ format: "jpeg", width: 4, height: 3 });
    expect(Array.from(r.value.entries[0].bytes)).toEqual(Array.from(png));
  });

  it("skips a zip-slip entry (../evil.txt) and keeps the safe files", () => {
    const zip = zipSync({ "cats/1.png": png, "../evil.txt": strToU8("pwned"), "dogs/../../evil2.png": png, "dogs/2.png": png });
    const r = readClassZip(zip);
    expect(r.ok && r.value.entries.map((e) => e.path)).toEqual(["cats/1.png", "dogs/2.png"]);
    expect(codes(r.issues)).toEqual([
      ["zip-unsafe-path", "../evil.txt"],
      ["zip-unsafe-path", "dogs/../../evil2.png"],
    ]);
  });

  it("skips absolute paths and backslash traversal", () => {
    const zip = zipSync({ "/etc/passwd": strToU8("x"), "..\\..\\evil.png": png, "C:\\win.png": png, "cats/ok.png": png });
    const r = readClassZip(zip);
    expect(r.ok && r.value.entries).toHaveLength(1);
    expect(r.issues.map((i) => i.code)).toEqual(["zip-unsafe-path", "zip-unsafe-path", "zip-unsafe-path"]);
  });

  it("skips a symlink entry (unix mode in the external attributes)", () => {
    const zip = zipSync({
      "cats/link.png": [strToU8("/etc/passwd"), { os: 3, attrs: (0o120777 << 16) >>> 0 }],
      "cats/real.png": [png, { os: 3, attrs: (0o100644 << 16) >>> 0 }],
      "dogs/d.png": png,
    });
    const r = readClassZip(zip, { accept: "image" });
    expect(r.ok && r.value.entries.map((e) => e.path)).toEqual(["cats/real.png", "dogs/d.png"]);
    expect(codes(r.issues)).toEqual([["zip-symlink", "cats/link.png"]]);
  });

  it("rejects a zip-bomb entry by its compression ratio before inflating it", () => {
    const zeros = new Uint8Array(4 * 1024 * 1024); // 4 MiB of zeros deflates to a few KB
    const zip = zipSync({ "cats/bomb.png": zeros, "cats/ok.png": png, "dogs/ok.png": png }, { level: 9 });
    expect(zip.length).toBeLessThan(64 * 1024);
    const r = readClassZip(zip);
    expect(r.ok && r.value.entries.map((e) => e.path)).toEqual(["cats/ok.png", "dogs/ok.png"]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: "zip-ratio-too-high", file: "cats/bomb.png", params: { limit: 100 } });
    expect(Number(r.issues[0].params.ratio)).toBeGreaterThan(100);
  });

  it("rejects an archive of many small, highly compressible entries by its overall ratio", () => {
    const zeros = new Uint8Array(256 * 1024); // each entry stays under the per-entry ratio check size
    const files: Zippable = {};
    for (let i = 0; i < 16; i++) files[`c${i % 2}/${i}.png`] = zeros;
    const r = readClassZip(zipSync(files, { level: 9 }), { fileName: "many.zip" });
    expect(r.ok).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: "zip-ratio-too-high", file: "many.zip", params: { limit: 100 } });
  });

  it("stops inflating an entry whose header lies about its size", () => {
    const zeros = new Uint8Array(512 * 1024);
    const zip = zipSync({ "cats/liar.png": zeros, "cats/ok.png": png });
    const lying = patch(zip, centralEntryOffset(zip, "cats/liar.png") + 24, 1000, 4); // uncompressed size := 1000
    const r = readZipFiles(lying);
    expect(r.ok && r.value.map((f) => f.path)).toEqual(["cats/ok.png"]);
    expect(r.issues).toEqual([{ code: "zip-entry-corrupt", severity: "error", file: "cats/liar.png", params: { reason: "size" } }]);
  });

  it("detects a damaged entry by its CRC", () => {
    const zip = zipSync({ "cats/a.png": png }, { level: 0 });
    const off = centralEntryOffset(zip, "cats/a.png");
    const crc = new DataView(zip.buffer, zip.byteOffset).getUint32(off + 16, true);
    const r = readZipFiles(patch(zip, off + 16, crc ^ 1, 4));
    expect(r.issues.map((i) => [i.code, i.params.reason])).toEqual([["zip-entry-corrupt", "crc"]]);
  });

  it("enforces the file-count, total-size and entry-size limits with their values", () => {
    const files: Zippable = {};
    for (let i = 0; i < 5; i++) files[`c${i % 2}/${i}.png`] = png;
    const zip = zipSync(files);
    const many = readClassZip(zip, { limits: { maxZipFiles: 4 }, fileName: "photos.zip" });
    expect(many.ok).toBe(false);
    expect(many.issues[0]).toEqual({ code: "zip-too-many-files", severity: "error", file: "photos.zip", params: { count: 5, limit: 4 } });
    const total = readClassZip(zip, { limits: { maxZipTotalUncompressedBytes: png.length * 4 } });
    expect(total.ok).toBe(false);
    expect(total.issues[0]).toMatchObject({
      code: "zip-too-large-uncompressed",
      params: { totalBytes: png.length * 5, limitBytes: png.length * 4 },
    });
    const big = readClassZip(zipSync({ "a/big.png": new Uint8Array(2000), "a/ok.png": png, "b/ok.png": png }), {
      limits: { maxZipEntryBytes: 1000 },
    });
    expect(big.issues[0]).toMatchObject({ code: "zip-entry-too-large", file: "a/big.png", params: { sizeBytes: 2000, limitBytes: 1000 } });
    const upload = readClassZip(zip, { limits: { maxUploadBytes: 10 } });
    expect(upload.issues[0]).toMatchObject({ code: "file-too-large", params: { limitBytes: 10 } });
  });

  it("skips encrypted entries and unknown compression methods", () => {
    const zip = zipSync({ "a/1.png": png, "a/2.png": png, "b/3.png": png });
    const encrypted = patch(zip, centralEntryOffset(zip, "a/1.png") + 8, 1, 2); // general-purpose flag bit 0
    const r = readZipFiles(patch(encrypted, centralEntryOffset(zip, "a/2.png") + 10, 12, 2)); // method 12 = bzip2
    expect(r.issues.map((i) => [i.code, i.file, i.params.method])).toEqual([
      ["zip-encrypted", "a/1.png", undefined],
      ["zip-unsupported-compression", "a/2.png", 12],
    ]);
    expect(r.ok && r.value.map((f) => f.path)).toEqual(["b/3.png"]);
  });

  it("reports files outside a class folder and files that are not images or clips", () => {
    const zip = zipSync({ "readme.png": png, "cats/1.png": png, "cats/notes.txt": strToU8("hello"), "dogs/2.png": png });
    const r = readClassZip(zip, { accept: "image" });
    expect(r.ok && r.value.entries.map((e) => e.path)).toEqual(["cats/1.png", "dogs/2.png"]);
    expect(codes(r.issues)).toEqual([
      ["zip-file-outside-folder", "readme.png"],
      ["image-unknown-format", "cats/notes.txt"],
    ]);
  });

  it("reads audio class folders", () => {
    const clip = encodeWav(new Float32Array(800), 8000);
    const r = readClassZip(zipSync({ "yes/1.wav": clip, "no/1.wav": clip, "no/2.wav": strToU8("not audio") }), { accept: "audio" });
    expect(r.ok && r.value.entries.map((e) => [e.className, e.audio?.durationSec])).toEqual([
      ["yes", 0.1],
      ["no", 0.1],
    ]);
    expect(codes(r.issues)).toEqual([["audio-unknown-format", "no/2.wav"]]);
  });

  it("decodes GBK folder names written without the UTF-8 flag (Chinese Windows)", () => {
    const zip = zipSync({ "XXXX/1.png": png, "YY/2.png": png });
    const gbk = iconv.encode("猫咪", "gbk"); // 4 bytes, like "XXXX"
    const off = centralEntryOffset(zip, "XXXX/1.png");
    const copy = zip.slice();
    copy.set(gbk, off + 46);
    const r = readClassZip(copy);
    expect(r.ok && r.value.classes.map((c) => c.name)).toEqual(["猫咪", "YY"]);
  });

  it("fails cleanly on data that is not a ZIP and on an archive with nothing usable", () => {
    expect(readClassZip(strToU8("definitely not a zip file")).issues.map((i) => i.code)).toEqual(["zip-invalid"]);
    const empty = readClassZip(zipSync({ "__MACOSX/x": strToU8("x") }), { fileName: "e.zip" });
    expect(empty.ok).toBe(false);
    expect(empty.issues).toEqual([{ code: "zip-no-files", severity: "error", file: "e.zip", params: { expected: "any" } }]);
  });
});

describe("path rules", () => {
  it("classifies unsafe and ignored names", () => {
    expect(["../a", "a/../../b", "/abs", "\\abs", "C:\\x", "a\\..\\b", "a\u0000b"].every(isUnsafeZipPath)).toBe(true);
    expect(["a/b.png", "a/..b.png", "dots.../x"].some(isUnsafeZipPath)).toBe(false);
    expect(["__MACOSX/a", "a/.hidden", ".git/config", "a/Thumbs.db", "desktop.ini"].every(isIgnoredZipPath)).toBe(true);
    expect(isIgnoredZipPath("cats/1.png")).toBe(false);
  });

  it("assigns classes from folders", () => {
    expect(assignClasses(["cats/1.png", "cats/2.png"])).toEqual(["cats", "cats"]);
    expect(assignClasses(["data/cats/1.png", "data/dogs/x/2.png"])).toEqual(["cats", "dogs"]);
    expect(assignClasses(["a.png", "cats/1.png"])).toEqual([null, "cats"]);
  });

  it("lists entries from the central directory", () => {
    const r = listZipEntries(zipSync({ "a/1.png": png, "b/": new Uint8Array(0) }));
    expect(r.ok && r.value.map((e) => [e.name, e.isDirectory, e.uncompressedSize])).toEqual([
      ["a/1.png", false, png.length],
      ["b/", true, 0],
    ]);
  });
});
