import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { PrismaClient as PrismaClientPg } from "./generated/prisma-pg/client";
import { databaseProvider, databaseUrl } from "./db-url.mjs";
import { createPgPool } from "./pg-pool.mjs";

export type { Prisma } from "./generated/prisma/client";

/** "sqlite" (embedded default) or "postgresql", from the DATABASE_URL scheme. */
export const dbProvider = databaseProvider();

/**
 * SQLite tuned for a server: write-ahead logging (readers never wait for the writer, and a commit
 * appends to the log instead of rewriting pages), synchronous=NORMAL (in WAL mode a commit survives
 * a crash of the process; only a power cut can lose the last commits, never corrupt the file), and
 * a busy timeout so concurrent writers (several requests, a second process) wait instead of failing.
 */
class TunedSQLite extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    return adapter;
  }
}

// One client per process; kept on globalThis so dev-mode reloads do not open new connections.
const globalForDb = globalThis as unknown as { __studioDb?: PrismaClient };

function createClient(): PrismaClient {
  if (dbProvider === "postgresql") {
    // Both clients come from one schema (prisma/postgres/schema.prisma is generated from
    // prisma/schema.prisma), so they have the same models and methods; the SQLite client's type
    // stands for both.
    return new PrismaClientPg({ adapter: new PrismaPg(createPgPool(databaseUrl())) }) as unknown as PrismaClient;
  }
  return new PrismaClient({ adapter: new TunedSQLite({ url: databaseUrl(), timeout: 10_000 }) });
}

export const db: PrismaClient = globalForDb.__studioDb ?? (globalForDb.__studioDb = createClient());
