import readXlsxFile from "read-excel-file/universal";
import { sniffBinary } from "./encoding";
import { type DataInput, toArrayBuffer, toBytes } from "./input";
import { type Result, error, fail, ok, withFile } from "./issues";
import { type DataLimits, resolveLimits } from "./limits";
import { type HeaderMode, type Table, buildTable } from "./table";
import { extractZipEntry, isZip, listZipEntries, planZipExtraction } from "./zip";

export interface XlsxOptions {
  header?: HeaderMode;
  /** Sheet name or 1-based number; default: the first sheet that has any data. */
  sheet?: string | number;
  fileName?: string;
  limits?: Partial<DataLimits>;
}

/** An XLSX table also lists its sheets so the UI can offer a choice. */
export interface XlsxTable extends Table {
  sheetNames: string[];
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** A cell as text: dates become "YYYY-MM-DD" (plus " HH:MM:SS" when there is a time). */
export function xlsxCellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return "";
    const d = `${v.getUTCFullYear()}-${pad2(v.getUTCMonth() + 1)}-${pad2(v.getUTCDate())}`;
    const hasTime = v.getUTCHours() || v.getUTCMinutes() || v.getUTCSeconds();
    return hasTime ? `${d} ${pad2(v.getUTCHours())}:${pad2(v.getUTCMinutes())}:${pad2(v.getUTCSeconds())}` : d;
  }
  return String(v).trim();
}

/** Shared-string items (`<si>`, also with a namespace prefix) in sharedStrings.xml, counted on the bytes. */
export function countStringItems(xml: Uint8Array): number {
  let n = 0;
  const LT = 0x3c, S = 0x73, I = 0x69, COLON = 0x3a;
  for (let p = xml.indexOf(I); p >= 0; p = xml.indexOf(I, p + 1)) {
    if (xml[p - 1] !== S) continue;
    const before = xml[p - 2];
    if (before !== LT && before !== COLON) continue;
    if (before === COLON) {
      // "<x:si>" counts, "</x:si>" does not
      let lt = p - 3;
      while (lt >= 0 && p - lt < 40 && xml[lt] !== LT) lt--;
      if (lt < 0 || xml[lt] !== LT || xml[lt + 1] === 0x2f) continue;
    }
    const after = xml[p + 1];
    if (after === 0x3e || after === 0x2f || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d) n++;
  }
  return n;
}

/**
 * Parses the chosen sheet of an .xlsx file (browser and Node: the universal entry of
 * read-excel-file reads an ArrayBuffer). The archive is checked against the ZIP limits, and its XML
 * parts against the XLSX limits (unpacked size, shared-strings count), before read-excel-file
 * inflates it. Row numbers are the spreadsheet's own row numbers.
 */
export async function parseXlsx(input: DataInput, options: XlsxOptions = {}): Promise<Result<XlsxTable>> {
  const limits = resolveLimits(options.limits);
  const bytes = toBytes(input);
  const reject = (code: Parameters<typeof error>[0], params: Record<string, string | number> = {}) =>
    fail<XlsxTable>(withFile([error(code, params)], options.fileName));
  if (bytes.length === 0) return reject("file-empty");
  if (bytes.length > limits.maxUploadBytes) return reject("file-too-large", { sizeBytes: bytes.length, limitBytes: limits.maxUploadBytes });
  if (!isZip(bytes)) return sniffBinary(bytes) === "old-excel" ? reject("file-old-excel") : reject("file-unreadable-xlsx");
  const listed = listZipEntries(bytes, options);
  if (!listed.ok) return reject("file-unreadable-xlsx");
  const plan = planZipExtraction(listed.value, options);
  if (!plan.ok) return plan;
  const refused = plan.value.issues.filter((i) => i.severity === "error");
  if (refused.length) return fail(withFile(refused, options.fileName));
  // read-excel-file inflates every XML part and keeps each sheet and the shared strings whole:
  // bound that work before it starts
  const xml = listed.value.filter((e) => !e.isDirectory && /\.xml(\.rels)?$/i.test(e.name));
  const xmlBytes = xml.reduce((n, e) => n + e.uncompressedSize, 0);
  if (xmlBytes > limits.maxXlsxXmlBytes) return reject("xlsx-too-large", { sizeBytes: xmlBytes, limitBytes: limits.maxXlsxXmlBytes });
  const sharedStrings = xml.find((e) => /(^|\/)sharedStrings\.xml$/i.test(e.name));
  if (sharedStrings) {
    const inflated = extractZipEntry(bytes, sharedStrings);
    if (!inflated.ok) return fail(withFile(inflated.issues, options.fileName));
    const count = countStringItems(inflated.value);
    if (count > limits.maxXlsxSharedStrings) return reject("xlsx-too-many-strings", { count, limit: limits.maxXlsxSharedStrings });
  }

  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    sheets = (await readXlsxFile(toArrayBuffer(bytes), { trim: false })) as { sheet: string; data: unknown[][] }[];
  } catch {
    return reject("file-unreadable-xlsx");
  }
  const sheetNames = sheets.map((s) => s.sheet);
  let chosen: { sheet: string; data: unknown[][] } | undefined;
  if (typeof options.sheet === "number") chosen = sheets[options.sheet - 1];
  else if (typeof options.sheet === "string") chosen = sheets.find((s) => s.sheet === options.sheet);
  else chosen = sheets.find((s) => s.data.some((r) => r.some((c) => xlsxCellText(c) !== ""))) ?? sheets[0];
  if (!chosen) return reject("file-empty");

  const records = chosen.data.map((r) => r.map(xlsxCellText));
  const rows = records.map((_, i) => i + 1);
  // read-excel-file keeps leading empty columns; drop columns that are empty everywhere
  const used = new Set<number>();
  for (const r of records) r.forEach((c, i) => c !== "" && used.add(i));
  const keep = [...used].sort((a, b) => a - b);
  const compact = records.map((r) => keep.map((i) => r[i] ?? ""));
  const table = buildTable(compact, rows, { format: "xlsx", sheetName: chosen.sheet }, options.header ?? "auto", limits);
  withFile(table.issues, options.fileName);
  return table.ok ? ok({ ...table.value, sheetNames }, table.issues) : fail(table.issues);
}
