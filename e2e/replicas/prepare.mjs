// Prepares the shared services of the multi-replica test (playwright.replicas.config.ts): a fresh
// PostgreSQL database named in REPLICA_DATABASE_URL (dropped and created), migrated. Redis and the
// S3-protocol server are started by the config.
import { execFileSync } from "node:child_process";
import { createDatabase } from "../../scripts/pg-databases.mjs";

const url = new URL(process.env.DATABASE_URL);
const admin = new URL(url);
admin.pathname = "/postgres";
const name = url.pathname.slice(1);
await createDatabase(admin.toString(), name, { replace: true });
execFileSync(process.execPath, ["scripts/prepare-db.mjs", "--migrate-only"], { stdio: "inherit", env: process.env });
console.log(`replicas: database ${name} ready`);
