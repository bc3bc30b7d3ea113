// Moves an install from the embedded SQLite database and local blob folder to PostgreSQL (and
// S3-compatible storage), then verifies row counts and blob hashes. Run it with the settings of
// the new setup, naming the old data folder:
//
//   DATABASE_URL=postgresql://studio@db/studio \
//   STUDIO_S3_BUCKET=studio STUDIO_S3_ENDPOINT=https://s3.example STUDIO_S3_ACCESS_KEY_ID=… STUDIO_S3_SECRET_ACCESS_KEY=… \
//   npm run move-install -- --from ./data
//
// Without STUDIO_S3_BUCKET the blobs stay on disk (copied to DATA_DIR/blobs when DATA_DIR is
// another folder). Stop the old server first: rows written during the move would be missed.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { diskBackendAt, s3Backend, s3SettingsFromEnv } from "../lib/server/blob-backends";
import { moveInstall } from "../lib/server/move-install";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function fail(message: string): never {
  console.error(`move-install: ${message}`);
  process.exit(2);
}

async function main() {
  const from = path.resolve(arg("--from") ?? "data");
  const sourceDb = arg("--from-database") ?? `file:${path.join(from, "studio.db")}`;
  if (!sourceDb.startsWith("file:") || !fs.existsSync(sourceDb.slice("file:".length))) fail(`no SQLite database at ${sourceDb} (use --from <data folder> or --from-database file:<path>)`);
  const target = process.env.DATABASE_URL ?? "";
  if (!/^postgres(ql)?:\/\//.test(target)) fail("set DATABASE_URL to the new PostgreSQL database (postgresql://…)");

  console.log("Migrating the target database…");
  execFileSync(process.execPath, [path.join(__dirname, "prepare-db.mjs"), "--migrate-only"], { stdio: "inherit", env: process.env });

  const s3 = s3SettingsFromEnv();
  const sourceRoot = path.join(from, "blobs");
  const targetRoot = path.join(path.resolve(process.env.DATA_DIR ?? "data"), "blobs");
  const sourceBlobs = diskBackendAt(() => sourceRoot);
  const targetBlobs = s3 ? s3Backend(s3) : diskBackendAt(() => targetRoot);
  console.log(`Blobs: ${sourceRoot} → ${s3 ? `s3://${s3.bucket}/${s3.prefix}blobs/` : targetRoot}`);
  const report = await moveInstall({
    sourceSqliteUrl: sourceDb,
    targetPostgresUrl: target,
    sourceBlobs,
    targetBlobs,
    log: (line) => console.log(`  ${line}`),
  });
  console.log("\nRows per table (source → target):");
  for (const [table, { source, target: t }] of Object.entries(report.rows)) console.log(`  ${table.padEnd(16)} ${source} → ${t}`);
  console.log(`Blobs: ${report.blobs.copied} copied, ${report.blobs.bytes} bytes, ${report.blobs.verified} hashes verified.`);
  console.log("\nDone. Start the app with the new settings; keep the old data folder until you have checked it.");
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
