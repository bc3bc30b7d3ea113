import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

const __dirname = path.dirname(fileURLToPath(import.meta.url));

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
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", ...(process.env.STUDIO_TEST_DB === "postgres" ? ["tests/postgres/**/*.test.ts"] : [])],
    environment: "node",
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/worker-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
