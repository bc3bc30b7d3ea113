import { defineConfig, devices } from "@playwright/test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Each run serves the production build through `npm start`'s script on its own throw-away database.
if (!process.env.E2E_DATA_DIR) process.env.E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "studio-e2e-"));
const PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://127.0.0.1:${PORT}`;

const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

// Quiet, offline Chromium; as root it also needs --no-sandbox.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

// Camera and microphone without a prompt: Chromium's fake camera (a moving test pattern) and, as
// the microphone, a WAV file of someone saying "yes" (absolute path; played in a loop).
export const MEDIA_ARGS = [
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  `--use-file-for-fake-audio-capture=${path.resolve("public/samples/voice-commands/test-yes.wav")}`,
];

// WebGPU on the CPU through SwiftShader (see shared/ENVIRONMENT.md).
export const WEBGPU_ARGS = ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-vulkan=swiftshader", "--use-webgpu-adapter=swiftshader"];

export default defineConfig({
  testDir: "e2e",
  // The multi-replica test has its own config and servers (playwright.replicas.config.ts).
  testIgnore: ["**/replicas/**"],
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    locale: "en-US",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: SYSTEM_CHROMIUM,
      args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS, ...MEDIA_ARGS],
    },
  },
  webServer: {
    command: "node scripts/start.mjs",
    url: `${BASE_URL}/`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATA_DIR: process.env.E2E_DATA_DIR,
      DATABASE_URL: `file:${path.join(process.env.E2E_DATA_DIR, "e2e.db")}`,
      // Lets tests find the server process (to read its memory, or kill -9 it).
      STUDIO_PID_FILE: path.join(process.env.E2E_DATA_DIR, "server.pid"),
      NEXT_TELEMETRY_DISABLED: "1",
      // A small upload limit so the "file too large" path is tested without huge files.
      STUDIO_MAX_UPLOAD_BYTES: String(2 * 1024 * 1024),
      // Every spec signs up its users from 127.0.0.1; e2e/auth-abuse.spec.ts checks the per-client
      // limits from other loopback addresses instead.
      STUDIO_SIGNUP_LIMIT: "100000",
    },
  },
});
