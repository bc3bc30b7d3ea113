import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";
import { databaseUrl } from "./db-url.mjs";

export type { Prisma } from "./generated/prisma/client";

// One client per process; kept on globalThis so dev-mode reloads do not open new connections.
const globalForDb = globalThis as unknown as { __studioDb?: PrismaClient };

function createClient() {
  // busy timeout: concurrent writers (several requests, a second replica) wait instead of failing.
  const adapter = new PrismaBetterSQLite3({ url: databaseUrl(), timeout: 10_000 });
  return new PrismaClient({ adapter });
}

export const db: PrismaClient = globalForDb.__studioDb ?? (globalForDb.__studioDb = createClient());
