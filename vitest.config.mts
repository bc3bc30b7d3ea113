import os from "node:os";
import { configDefaults, defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

const __dirname = path.dirname(fileURLToPath(import.meta.url));

const onPostgres = process.env.STUDIO_TEST_DB === "postgres";
const ML_ONLY_ROUTE_TESTS = ["app/api/v1/models/*/predict/{custom-backbone,scene-models,wasm-parity,predict-images}.test.ts"];

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // `server-only` throws outside the React server bundle; unit tests run server code directly.
      "server-only": path.resolve(__dirname, "tests/server-only-stub.ts"),
    },
  },
  test: {
    // tests/postgres needs a PostgreSQL server: it runs in the PostgreSQL pass (STUDIO_TEST_DB=postgres).
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", ...(onPostgres ? ["tests/postgres/**/*.test.ts"] : [])],
    // The PostgreSQL pass is about storage: these route tests only read a key and a bundle (as the
    // other route tests do on PostgreSQL) and spend their time in tfjs.
    exclude: [...configDefaults.exclude, ...(onPostgres ? ML_ONLY_ROUTE_TESTS : [])],
    // Most test files wait on one thread (tfjs, SQLite): two workers on a 2-core machine nearly
    // halve the wall time. Files share one database; each test makes its own users and projects.
    maxWorkers: Number(process.env.STUDIO_TEST_WORKERS) || Math.max(2, os.availableParallelism() - 1),
    environment: "node",
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/worker-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
