import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseProvider, databaseUrl } from "./lib/server/db-url.mjs";
import { createPgPool } from "./lib/server/pg-pool.mjs";

// The schema's `url = env("DATABASE_URL")` must resolve, or the CLI falls back to downloading a
// native query engine (which fails offline). Point it at the same database the app uses.
process.env.DATABASE_URL ??= databaseUrl();

// The DATABASE_URL scheme picks the schema, its migrations and the driver adapter:
// prisma/ for SQLite (the embedded default), prisma/postgres/ for PostgreSQL.
const postgres = databaseProvider() === "postgresql";
const dir = postgres ? path.join("prisma", "postgres") : "prisma";

// Wasm schema engine + driver adapter: works offline, no native engine download.
export default defineConfig({
  experimental: { adapter: true },
  schema: path.join(dir, "schema.prisma"),
  migrations: { path: path.join(dir, "migrations") },
  engine: "js",
  adapter: async () => (postgres ? new PrismaPg(createPgPool(databaseUrl(), { max: 2 })) : new PrismaBetterSQLite3({ url: databaseUrl() })),
});
