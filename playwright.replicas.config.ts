import { defineConfig, devices } from "@playwright/test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/*
 * The multi-replica test (`npm run test:replicas`, run by .ci/run): two app processes on different
 * ports, each with its own local folder, sharing one PostgreSQL database, one Redis and one
 * S3-protocol store, exactly as replicas behind a load balancer would. Needs PostgreSQL and Redis
 * running (127.0.0.1:5432 and :6379 by default; REPLICAS_PG_URL / REPLICAS_REDIS_URL to change).
 */
const base = Number(process.env.REPLICAS_PORT ?? 3410);
export const REPLICA_A = `http://127.0.0.1:${base}`;
export const REPLICA_B = `http://127.0.0.1:${base + 1}`;
const S3_PORT = base + 2;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "studio-replicas-"));
const pgBase = new URL(process.env.REPLICAS_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
pgBase.pathname = `/studio_replicas_${process.pid}`;

const shared = {
  DATABASE_URL: pgBase.toString(),
  REDIS_URL: process.env.REPLICAS_REDIS_URL ?? "redis://127.0.0.1:6379",
  STUDIO_REDIS_PREFIX: `replicas-${process.pid}:`,
  STUDIO_S3_BUCKET: "studio",
  STUDIO_S3_ENDPOINT: `http://127.0.0.1:${S3_PORT}`,
  STUDIO_S3_ACCESS_KEY_ID: "S3RVER",
  STUDIO_S3_SECRET_ACCESS_KEY: "S3RVER",
  STUDIO_S3_FORCE_PATH_STYLE: "true",
  STUDIO_API_RATE_LIMIT: "60",
  STUDIO_SIGNUP_LIMIT: "1000",
  NEXT_TELEMETRY_DISABLED: "1",
  HOST: "127.0.0.1",
};

const replica = (name: "a" | "b", port: number, command: string) => ({
  command,
  url: `http://127.0.0.1:${port}/api/health/ready`,
  timeout: 600_000,
  reuseExistingServer: false,
  stdout: "pipe" as const,
  stderr: "pipe" as const,
  env: { ...shared, PORT: String(port), DATA_DIR: path.join(root, name), STUDIO_PID_FILE: path.join(root, `${name}.pid`) },
});

export default defineConfig({
  testDir: "e2e/replicas",
  testMatch: /.*\.spec\.ts/,
  outputDir: "test-results/replicas",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 300_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    locale: "en-US",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p)),
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
    },
  },
  // Started one after the other: the S3 server, replica A (fresh database, builds when needed),
  // then replica B on the same build.
  webServer: [
    { command: `S3_PORT=${S3_PORT} node tests/s3-server.mjs`, port: S3_PORT, timeout: 60_000, reuseExistingServer: false, stdout: "pipe" },
    replica("a", base, "node e2e/replicas/prepare.mjs && node scripts/start.mjs"),
    replica("b", base + 1, "node scripts/start.mjs --no-build"),
  ],
});
