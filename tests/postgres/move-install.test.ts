import { execFile, execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient, Prisma } from "@/lib/server/generated/prisma/client";
import { s3Backend, s3SettingsFromEnv } from "@/lib/server/blob-backends";
import { COPY_ORDER } from "@/lib/server/move-install";
import { startS3Server } from "@/tests/s3-server.mjs";

// Runs in the PostgreSQL pass of .ci/run (vitest.config.mts includes tests/postgres there): the
// documented command moves a SQLite install with every table filled to a new PostgreSQL database
// and an S3-protocol store, and the copy is checked row by row and blob by blob.
const run = promisify(execFile);
const admin = process.env.STUDIO_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const targetName = `studio_move_${randomBytes(5).toString("hex")}`;
const targetUrl = (() => {
  const u = new URL(admin);
  u.pathname = `/${targetName}`;
  return u.toString();
})();

let dir: string;
let s3: Awaited<ReturnType<typeof startS3Server>>;
let source: PrismaClient;
const blobs = new Map<string, Buffer>();

async function sql(statement: string) {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** Stores bytes in the source install's blob folder and returns the Blob row data. */
function sourceBlob(bytes: Buffer, mime: string) {
  const id = createHash("sha256").update(bytes).digest("hex");
  const file = path.join(dir, "blobs", id.slice(0, 2), id.slice(2, 4), id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  blobs.set(id, bytes);
  return { id, size: bytes.byteLength, mime };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "move-install-"));
  const sourceUrl = `file:${path.join(dir, "studio.db")}`;
  execFileSync(process.execPath, ["scripts/prepare-db.mjs", "--migrate-only"], { env: { ...process.env, DATABASE_URL: sourceUrl }, stdio: "pipe" });
  source = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: sourceUrl }) });
  await sql(`CREATE DATABASE "${targetName}"`);
  s3 = await startS3Server({ bucket: "moved" });

  // Every table gets rows, with the kinds of values that go wrong in a copy: dates, nulls,
  // booleans, floats, unicode, JSON text, and the Project ↔ ModelVersion cycle.
  const owner = await source.user.create({ data: { email: "owner@example.test", name: "Zoë 张", passwordHash: "scrypt$x", locale: "zh-CN" } });
  await source.session.create({ data: { userId: owner.id, tokenHash: "t1", expiresAt: new Date("2027-01-02T03:04:05.678Z"), userAgent: null } });
  await source.knownDevice.create({ data: { userId: owner.id, tokenHash: "d1", expiresAt: new Date("2027-06-01T00:00:00.000Z") } });
  await source.rateLimitBucket.create({ data: { key: "signin:pair:x", count: 3, resetAt: new Date("2026-12-31T23:59:59.999Z") } });
  const project = await source.project.create({ data: { ownerId: owner.id, name: "客服机器人", scene: "intent-chatbot", modelType: "ngram-bag", settings: JSON.stringify({ threshold: 0.4 }), apiSlug: "slug123" } });
  const picture = await source.blob.create({ data: { ...sourceBlob(randomBytes(5000), "image/png"), ownerId: owner.id } });
  const bundle = await source.blob.create({ data: { ...sourceBlob(randomBytes(70_000), "application/vnd.ai-mass-studio.model-bundle"), ownerId: owner.id } });
  const backbone = await source.blob.create({ data: { ...sourceBlob(randomBytes(1234), "application/octet-stream"), ownerId: null } });
  const dataset = await source.dataset.create({ data: { projectId: project.id, kind: "text", schema: JSON.stringify({ labels: ["hours"] }), version: 1 } });
  const dsVersion = await source.datasetVersion.create({ data: { datasetId: dataset.id, version: 1, sampleCount: 2, labelCounts: '{"hours":2}', checksum: "abc" } });
  await source.sample.createMany({
    data: [
      { datasetId: dataset.id, label: "hours", text: "你们几点开门", source: "upload" },
      { datasetId: dataset.id, label: "hours", blobId: picture.id, fileName: "a.png", data: '{"width":1}' },
    ],
  });
  const version = await source.modelVersion.create({
    data: { projectId: project.id, number: 1, modelType: "ngram-bag", manifest: "{}", bundleBlobId: bundle.id, metrics: '{"accuracy":0.9}', backend: "wasm", trainingMs: 1234, datasetVersionId: dsVersion.id },
  });
  await source.project.update({ where: { id: project.id }, data: { activeModelVersionId: version.id } });
  await source.customBackbone.create({ data: { projectId: project.id, blobId: backbone.id, format: "onnx", files: "[]", spec: null } });
  await source.shareLink.create({ data: { projectId: project.id, slug: "share1", enabled: true, expiresAt: null } });
  await source.embedSettings.create({ data: { projectId: project.id, slug: "embed1", enabled: true, allowedOrigins: '["https://shop.example"]', logInputs: true } });
  await source.apiKey.create({ data: { projectId: project.id, name: "prod", prefix: "ams_abcd", keyHash: "h1", lastUsedAt: new Date("2026-12-01T10:00:00.000Z") } });
  const event = await source.predictionEvent.create({ data: { projectId: project.id, modelVersionId: version.id, channel: "api", label: "hours", confidence: 0.8125, latencyMs: 0.37, fallback: false } });
  await source.feedbackEvent.create({ data: { projectId: project.id, predictionEventId: event.id, correct: false, predictedLabel: "hours", correctLabel: "refund", input: "退款", addedToDataset: true } });
}, 120_000);

afterAll(async () => {
  await source?.$disconnect();
  await s3?.close();
  await sql(`DROP DATABASE IF EXISTS "${targetName}" WITH (FORCE)`).catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm run move-install: SQLite + local disk → PostgreSQL + S3", () => {
  it("the copy covers every table of the schema, and the source has rows in each", async () => {
    expect([...COPY_ORDER].sort()).toEqual(Object.values(Prisma.ModelName).sort());
    for (const table of COPY_ORDER) {
      const n = await (source as unknown as Record<string, { count(): Promise<number> }>)[table.charAt(0).toLowerCase() + table.slice(1)].count();
      expect(n, table).toBeGreaterThan(0);
    }
  });

  it("copies every row and blob, verifies counts and hashes, and the target reads back the same data", async () => {
    const env = { ...process.env, ...s3.env, DATABASE_URL: targetUrl, DATA_DIR: path.join(dir, "unused") };
    const { stdout } = await run("npx", ["tsx", "--conditions=react-server", "scripts/move-install.ts", "--from", dir], { env, timeout: 180_000 });
    expect(stdout).toContain(`verified: row counts of ${COPY_ORDER.length} tables, 3 blob hashes`);

    const target = new pg.Client({ connectionString: targetUrl });
    await target.connect();
    try {
      for (const table of COPY_ORDER) {
        const n = Number((await target.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
        const m = await (source as unknown as Record<string, { count(): Promise<number> }>)[table.charAt(0).toLowerCase() + table.slice(1)].count();
        expect(n, table).toBe(m);
      }
      const user = (await target.query(`SELECT * FROM "User"`)).rows[0];
      expect(user).toMatchObject({ email: "owner@example.test", name: "Zoë 张", locale: "zh-CN" });
      // Prisma keeps UTC in "timestamp(3)" columns: the milliseconds survive the move.
      const session = (await target.query(`SELECT to_char("expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at FROM "Session"`)).rows[0];
      expect(session.at).toBe("2027-01-02T03:04:05.678Z");
      const project = (await target.query(`SELECT p.name, p."activeModelVersionId", v.number FROM "Project" p JOIN "ModelVersion" v ON v.id = p."activeModelVersionId"`)).rows[0];
      expect(project).toMatchObject({ name: "客服机器人", number: 1 });
      const ev = (await target.query(`SELECT confidence, "latencyMs", fallback FROM "PredictionEvent"`)).rows[0];
      expect(ev).toEqual({ confidence: 0.8125, latencyMs: 0.37, fallback: false });
      const sample = (await target.query(`SELECT text FROM "Sample" WHERE text IS NOT NULL`)).rows[0];
      expect(sample.text).toBe("你们几点开门");
    } finally {
      await target.end();
    }
    // The bucket as the command saw it (with this worker's key prefix, tests/worker-setup.ts).
    const bucket = s3Backend(s3SettingsFromEnv(env)!);
    for (const [id, bytes] of blobs) expect(Buffer.compare(await bucket.read(id), bytes), id).toBe(0);
  }, 240_000);

  it("refuses to move into a database that already holds data, and writes nothing", async () => {
    const env = { ...process.env, ...s3.env, DATABASE_URL: targetUrl };
    const r = await run("npx", ["tsx", "--conditions=react-server", "scripts/move-install.ts", "--from", dir], { env, timeout: 180_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("The target database is not empty");
  }, 240_000);
});
