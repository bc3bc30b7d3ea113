// Resolves where the embedded SQLite database lives. Shared by the start script, prisma.config.ts
// and the runtime client so that all three always open the same file.
import path from "node:path";
import fs from "node:fs";

export function dataDir() {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR || path.join(process.cwd(), "data"));
}

/** Returns a `file:` URL with an absolute path; creates the parent folder. */
export function databaseUrl() {
  const raw = process.env.DATABASE_URL;
  let file;
  if (raw && raw.startsWith("file:")) {
    file = raw.slice("file:".length);
    if (!path.isAbsolute(file)) file = path.resolve(/*turbopackIgnore: true*/ process.cwd(), file);
  } else if (raw) {
    throw new Error(`DATABASE_URL must be a SQLite file: URL, got "${raw}"`);
  } else {
    file = path.join(dataDir(), "studio.db");
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return `file:${file}`;
}
