// The PostgreSQL schema is generated from prisma/schema.prisma (the SQLite one, the source of
// truth): one Prisma schema cannot serve two providers. Only the provider and the client's output
// folder differ. `node scripts/pg-schema.mjs` rewrites prisma/postgres/schema.prisma; a unit test
// fails when the committed copy is stale. PostgreSQL keeps its own migrations in
// prisma/postgres/migrations (see README, "Database migrations").
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const SQLITE_SCHEMA = path.join(root, "prisma", "schema.prisma");
export const PG_SCHEMA = path.join(root, "prisma", "postgres", "schema.prisma");

export function postgresSchema(sqliteSchema) {
  let out = sqliteSchema;
  const replace = (from, to) => {
    if (!from.test(out)) throw new Error(`pg-schema: expected ${from} in prisma/schema.prisma`);
    out = out.replace(from, to);
  };
  replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"');
  replace(/output\s*=\s*"\.\.\/lib\/server\/generated\/prisma"/, 'output          = "../../lib/server/generated/prisma-pg"');
  return `// GENERATED from prisma/schema.prisma by scripts/pg-schema.mjs — edit that file, then run\n// \`node scripts/pg-schema.mjs\`.\n${out}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const next = postgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
  fs.mkdirSync(path.dirname(PG_SCHEMA), { recursive: true });
  fs.writeFileSync(PG_SCHEMA, next);
  console.log(`wrote ${path.relative(root, PG_SCHEMA)}`);
}
