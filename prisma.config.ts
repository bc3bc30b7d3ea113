import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl } from "./lib/server/db-url.mjs";

// The schema's `url = env("DATABASE_URL")` must resolve, or the CLI falls back to downloading a
// native query engine (which fails offline). Point it at the same file the app uses.
process.env.DATABASE_URL ??= databaseUrl();

// Wasm schema engine + driver adapter: works offline, no native engine download.
export default defineConfig({
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  adapter: async () => new PrismaBetterSQLite3({ url: databaseUrl() }),
});
