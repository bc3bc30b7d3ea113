// Prepares the shared services of the multi-replica test (playwright.replicas.config.ts): a fresh
// PostgreSQL database named in REPLICA_DATABASE_URL (dropped and created), migrated. Redis and the
// S3-protocol server are started by the config.
import { execFileSync } from "node:child_process";
import pg from "pg";

const url = new URL(process.env.DATABASE_URL);
const name = url.pathname.slice(1);
if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
const admin = new URL(url);
admin.pathname = "/postgres";
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
try {
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
} finally {
  await client.end();
}
execFileSync(process.execPath, ["scripts/prepare-db.mjs", "--migrate-only"], { stdio: "inherit", env: process.env });
console.log(`replicas: database ${name} ready`);
