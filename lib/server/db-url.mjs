// Resolves which database the app uses and where. Shared by the start script, prisma.config.ts
// and the runtime client so that all three always open the same database.
//   DATABASE_URL unset or file:…            → the embedded SQLite file (default: $DATA_DIR/studio.db)
//   DATABASE_URL postgres:// | postgresql:// → PostgreSQL (prisma/postgres: its own schema and migrations)
import path from "node:path";
import fs from "node:fs";

export function dataDir() {
  return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR || path.join(process.cwd(), "data"));
}

/** "sqlite" or "postgresql", from the DATABASE_URL scheme. */
export function databaseProvider() {
  const raw = process.env.DATABASE_URL;
  if (!raw || raw.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(raw)) return "postgresql";
  throw new Error(`DATABASE_URL must be a SQLite file: URL or a postgres:// URL, got "${raw.split("@").pop()}"`);
}

/**
 * SQLite: a `file:` URL with an absolute path (the parent folder is created).
 * PostgreSQL: the URL as given.
 */
export function databaseUrl() {
  const raw = process.env.DATABASE_URL;
  if (databaseProvider() === "postgresql") return raw;
  let file;
  if (raw) {
    file = raw.slice("file:".length);
    if (!path.isAbsolute(file)) file = path.resolve(/*turbopackIgnore: true*/ process.cwd(), file);
  } else {
    file = path.join(dataDir(), "studio.db");
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return `file:${file}`;
}
