import { type AudioInfo, inspectAudio } from "./audio";
import { type ImageInfo, inspectImage } from "./image";
import type { DataInput } from "./input";
import { type DataIssue, type Result, error, fail, ok, withFile } from "./issues";
import { resolveLimits } from "./limits";
import { type ZipReadOptions, readZipFiles } from "./zip";

/** One file of a "one folder per class" archive. */
export interface ClassZipEntry {
  /** Folder name = class label. */
  className: string;
  /** Base name for display; never used as a path. */
  fileName: string;
  /** Path inside the archive, for messages. */
  path: string;
  bytes: Uint8Array;
  /** Set when the archive was read with accept: "image". */
  image?: ImageInfo;
  /** Set when the archive was read with accept: "audio". */
  audio?: AudioInfo;
}

export interface ClassZip {
  entries: ClassZipEntry[];
  /** Classes with their file counts, in first-seen order. */
  classes: { name: string; count: number }[];
}

export interface ClassZipOptions extends ZipReadOptions {
  /** Check each file's content and keep only valid images or audio clips. */
  accept?: "image" | "audio";
}

/**
 * Works out the class of each file: wrapper folders shared by every file ("dataset/cats/1.jpg",
 * "dataset/dogs/2.jpg") are dropped, then the first folder is the class; deeper subfolders fold into it.
 * Returns null for a file that sits outside any class folder.
 */
export function assignClasses(paths: readonly string[]): (string | null)[] {
  const dirs = paths.map((p) => p.split("/").filter(Boolean).slice(0, -1));
  let depth = 0;
  for (;;) {
    const first = dirs[0]?.[depth];
    // strip a shared folder only if every file still has a folder below it
    if (first === undefined || !dirs.every((d) => d[depth] === first && d.length > depth + 1)) break;
    depth++;
  }
  return dirs.map((d) => (d.length > depth ? d[depth].trim() || null : null));
}

/**
 * Reads a ZIP with one folder per class into {className, fileName, bytes} entries. Unsafe entries,
 * files outside a class folder and (with `accept`) files that are not valid images/clips are
 * reported and skipped; __MACOSX/, dotfiles and thumbnails are ignored silently.
 */
export function readClassZip(input: DataInput, options: ClassZipOptions = {}): Result<ClassZip> {
  const files = readZipFiles(input, options);
  if (!files.ok) return files;
  const issues: DataIssue[] = [...files.issues];
  const limits = resolveLimits(options.limits);
  const classes = assignClasses(files.value.map((f) => f.path));
  const entries: ClassZipEntry[] = [];
  files.value.forEach((f, i) => {
    const className = classes[i];
    if (!className) {
      issues.push(error("zip-file-outside-folder", {}, { file: f.path }));
      return;
    }
    const fileName = f.path.split("/").pop() ?? f.path;
    const entry: ClassZipEntry = { className, fileName, path: f.path, bytes: f.bytes };
    if (options.accept === "image") {
      const info = inspectImage(f.bytes, { fileName: f.path, limits });
      if (!info.ok) return void issues.push(...info.issues);
      entry.image = info.value;
    } else if (options.accept === "audio") {
      const info = inspectAudio(f.bytes, { fileName: f.path, limits });
      if (!info.ok) return void issues.push(...info.issues);
      entry.audio = info.value;
    }
    entries.push(entry);
  });
  if (entries.length === 0) {
    issues.push(...withFile([error("zip-no-files", { expected: options.accept ?? "any" })], options.fileName));
    return fail(issues);
  }
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.className, (counts.get(e.className) ?? 0) + 1);
  return ok({ entries, classes: [...counts].map(([name, count]) => ({ name, count })) }, issues);
}
