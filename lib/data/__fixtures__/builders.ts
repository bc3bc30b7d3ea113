/** Test-only builders for small binary fixtures (images, XLSX, ZIP tweaks); kept tiny and deterministic. */
import { type Zippable, strToU8, zipSync, zlibSync } from "fflate";
import { crc32 } from "../crc32";

const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const le16 = (n: number) => [n & 255, (n >>> 8) & 255];
const le24 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255];
const le32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
const bytesOf = (s: string) => [...s].map((c) => c.charCodeAt(0));

function pngChunk(type: string, data: number[]): number[] {
  const body = [...bytesOf(type), ...data];
  return [...be32(data.length), ...body, ...be32(crc32(Uint8Array.from(body)))];
}

/** A valid RGB PNG of the given size (all black). */
export function makePng(width: number, height: number): Uint8Array {
  const raw = new Uint8Array((width * 3 + 1) * height); // filter byte + RGB per row
  const ihdr = [...be32(width), ...be32(height), 8, 2, 0, 0, 0];
  return Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ...pngChunk("IHDR", ihdr),
    ...pngChunk("IDAT", [...zlibSync(raw)]),
    ...pngChunk("IEND", []),
  ]);
}

/** PNG header claiming a size, with a tiny (not decodable) IDAT: enough for header checks. */
export function makePngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = [...be32(width), ...be32(height), 8, 2, 0, 0, 0];
  return Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ...pngChunk("IHDR", ihdr),
    ...pngChunk("IDAT", [1, 2, 3]),
    ...pngChunk("IEND", []),
  ]);
}

/** The structure of a baseline JPEG (SOI, optional EXIF orientation, SOF0, SOS, scan bytes, EOI). */
export function makeJpeg(width: number, height: number, orientation?: number, bigEndianExif = false): Uint8Array {
  const out: number[] = [0xff, 0xd8];
  // APP0 JFIF
  const jfif = [...bytesOf("JFIF"), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  out.push(0xff, 0xe0, ...[(jfif.length + 2) >> 8, (jfif.length + 2) & 255], ...jfif);
  if (orientation !== undefined) {
    const r16 = (n: number) => (bigEndianExif ? [(n >> 8) & 255, n & 255] : le16(n));
    const r32 = (n: number) => (bigEndianExif ? be32(n) : le32(n));
    const tiff = [
      ...(bigEndianExif ? bytesOf("MM") : bytesOf("II")),
      ...r16(42),
      ...r32(8),
      ...r16(1), // one IFD entry
      ...r16(0x0112), ...r16(3), ...r32(1), ...r16(orientation), 0, 0,
      ...r32(0),
    ];
    const app1 = [...bytesOf("Exif"), 0, 0, ...tiff];
    out.push(0xff, 0xe1, (app1.length + 2) >> 8, (app1.length + 2) & 255, ...app1);
  }
  const sof = [8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0];
  out.push(0xff, 0xc0, 0, sof.length + 2, ...sof);
  const sos = [1, 1, 0, 0, 63, 0];
  out.push(0xff, 0xda, 0, sos.length + 2, ...sos);
  out.push(0x12, 0x34, 0xff, 0x00, 0x56, 0x78); // scan data with a stuffed FF 00
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}

function riff(chunkId: string, data: number[]): Uint8Array {
  const chunk = [...bytesOf(chunkId), ...le32(data.length), ...data, ...(data.length & 1 ? [0] : [])];
  const body = [...bytesOf("WEBP"), ...chunk];
  return Uint8Array.from([...bytesOf("RIFF"), ...le32(body.length), ...body]);
}

/** WebP headers of each kind (payload is padding; only headers are read). */
export function makeWebp(kind: "VP8" | "VP8L" | "VP8X", width: number, height: number): Uint8Array {
  if (kind === "VP8X") return riff("VP8X", [0, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)]);
  if (kind === "VP8L") {
    const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
    return riff("VP8L", [0x2f, ...le32(bits), 0, 0, 0, 0]);
  }
  return riff("VP8 ", [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...le16(width), ...le16(height), 0, 0]);
}

/** Minimal OOXML parts for a one-sheet (or more) workbook; cells are written as inline strings or numbers. */
export function makeXlsx(
  sheets: { name: string; rows: (string | number | null)[][]; startRow?: number }[],
  extra: Zippable = {},
): Uint8Array {
  const colName = (i: number) => String.fromCharCode(65 + i);
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const files: Zippable = {
    "[Content_Types].xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets
        .map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
        .join("")}</Types>`,
    ),
    "_rels/.rels": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    "xl/workbook.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheets
        .map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
        .join("")}</sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
        .map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
        .join("")}</Relationships>`,
    ),
  };
  sheets.forEach((s, si) => {
    const start = s.startRow ?? 1;
    const rowsXml = s.rows
      .map((r, ri) => {
        const n = start + ri;
        const cells = r
          .map((v, ci) => {
            if (v === null) return "";
            const ref = `${colName(ci)}${n}`;
            return typeof v === "number"
              ? `<c r="${ref}"><v>${v}</v></c>`
              : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(v)}</t></is></c>`;
          })
          .join("");
        return `<row r="${n}">${cells}</row>`;
      })
      .join("");
    files[`xl/worksheets/sheet${si + 1}.xml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowsXml}</sheetData></worksheet>`,
    );
  });
  return zipSync({ ...files, ...extra });
}

/** Offset of the central-directory record of the entry named `name` (fflate writes one per entry). */
export function centralEntryOffset(zip: Uint8Array, name: string): number {
  const target = strToU8(name);
  for (let o = 0; o + 46 <= zip.length; o++) {
    if (zip[o] === 0x50 && zip[o + 1] === 0x4b && zip[o + 2] === 1 && zip[o + 3] === 2) {
      const nameLen = zip[o + 28] | (zip[o + 29] << 8);
      if (nameLen === target.length && target.every((b, i) => zip[o + 46 + i] === b)) return o;
    }
  }
  throw new Error(`no central entry ${name}`);
}

/** Overwrites a little-endian number in a copy of the bytes. */
export function patch(bytes: Uint8Array, offset: number, value: number, size: 2 | 4): Uint8Array {
  const copy = bytes.slice();
  const v = new DataView(copy.buffer);
  if (size === 2) v.setUint16(offset, value, true);
  else v.setUint32(offset, value, true);
  return copy;
}
