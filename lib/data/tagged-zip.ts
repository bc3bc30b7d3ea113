import { inspectImage, type ImageInfo } from "./image";
import type { DataInput } from "./input";
import { type DataIssue, type Result, error, fail, ok, warning } from "./issues";
import { resolveLimits, type DataLimits } from "./limits";
import { applyMapping, guessMapping, type ImageTagsMapping } from "./mapping";
import { parseTable } from "./parse-table";
import { readZipFiles } from "./zip";

/** One picture of a multi-label archive, with every tag that applies to it. */
export interface TaggedImage {
  fileName: string;
  tags: string[];
  bytes: Uint8Array;
  image: ImageInfo;
}

export interface TaggedImageZip {
  entries: TaggedImage[];
  /** Tags in first-seen order. */
  tags: string[];
}

const baseName = (p: string) => p.split("/").pop() ?? p;

/**
 * Reads a ZIP of pictures plus a tags table (a CSV with a file column and a tags column, tags
 * separated by ";" or ","), for scene understanding. Files are matched by base name; rows without
 * a picture and pictures without a row are reported and skipped.
 */
export async function readTaggedImageZip(
  input: DataInput,
  options: { fileName?: string; limits?: Partial<DataLimits> } = {},
): Promise<Result<TaggedImageZip>> {
  const limits = resolveLimits(options.limits);
  const files = readZipFiles(input, { fileName: options.fileName, limits });
  if (!files.ok) return files;
  const issues: DataIssue[] = [...files.issues];
  const table = files.value.find((f) => /\.(csv|tsv|txt)$/i.test(f.path));
  if (!table) return fail([error("tags-file-missing", {}, { file: options.fileName })]);
  const parsed = await parseTable(table.bytes, { fileName: baseName(table.path), limits });
  if (!parsed.ok) return fail(parsed.issues);
  const guess = guessMapping(parsed.value.headers, parsed.value.rows, "image-tagging").mapping;
  const mapping: ImageTagsMapping =
    guess?.kind === "image-tags" ? guess : { kind: "image-tags", file: parsed.value.headers[0], tags: parsed.value.headers[1] ?? parsed.value.headers[0] };
  const mapped = applyMapping(parsed.value, mapping, { limits });
  if (!mapped.ok) return fail(mapped.issues);
  issues.push(...parsed.issues, ...mapped.issues);

  const images = new Map(files.value.filter((f) => f !== table).map((f) => [baseName(f.path).toLowerCase(), f]));
  const used = new Set<string>();
  const entries: TaggedImage[] = [];
  const tags: string[] = [];
  for (const row of mapped.value.samples) {
    const key = baseName(row.fileName).toLowerCase();
    const file = images.get(key);
    if (!file) {
      issues.push(warning("tagged-image-missing", { name: row.fileName }, { row: row.row, file: baseName(table.path) }));
      continue;
    }
    used.add(key);
    const info = inspectImage(file.bytes, { fileName: file.path, limits });
    if (!info.ok) {
      issues.push(...info.issues);
      continue;
    }
    for (const t of row.tags) if (!tags.includes(t)) tags.push(t);
    entries.push({ fileName: baseName(file.path), tags: row.tags, bytes: file.bytes, image: info.value });
  }
  for (const [key, f] of images) if (!used.has(key)) issues.push(warning("image-without-tags", {}, { file: f.path }));
  if (entries.length === 0) return fail([...issues, error("zip-no-files", { expected: "image" }, { file: options.fileName })]);
  return ok({ entries, tags }, issues);
}
