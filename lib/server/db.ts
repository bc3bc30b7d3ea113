import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { PrismaClient as PrismaClientPg } from "./generated/prisma-pg/client";
import { databaseProvider, databaseUrl } from "./db-url.mjs";
import { createPgPool } from "./pg-pool.mjs";
import { ServerSqlite } from "./sqlite-adapter";

export type { Prisma } from "./generated/prisma/client";

/** "sqlite" (embedded default) or "postgresql", from the DATABASE_URL scheme. */
export const dbProvider = databaseProvider();

// One client per process; kept on globalThis so dev-mode reloads do not open new connections.
const globalForDb = globalThis as unknown as { __studioDb?: PrismaClient };

function createClient(): PrismaClient {
  if (dbProvider === "postgresql") {
    // Both clients come from one schema (prisma/postgres/schema.prisma is generated from
    // prisma/schema.prisma), so they have the same models and methods; the SQLite client's type
    // stands for both.
    return new PrismaClientPg({ adapter: new PrismaPg(createPgPool(databaseUrl())) }) as unknown as PrismaClient;
  }
  // WAL, synchronous=NORMAL, busy timeout; one writer at a time and reads on their own connection.
  return new PrismaClient({ adapter: new ServerSqlite(databaseUrl()) });
}

export const db: PrismaClient = globalForDb.__studioDb ?? (globalForDb.__studioDb = createClient());
