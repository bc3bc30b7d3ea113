import "server-only";
import { db, dbProvider } from "./db";

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

/** Tables whose rows serialise read-modify-write work (numbering, JSON settings). */
type LockableTable = "Project" | "Dataset";

/**
 * Takes the row's write lock for the rest of the transaction, so "read, compute, write" on it (the
 * next version number, a JSON column) cannot interleave with another transaction doing the same.
 * PostgreSQL: SELECT … FOR UPDATE (read committed would otherwise let two transactions read the
 * same highest number). SQLite: nothing to do — a write transaction there already holds the
 * database's single write lock (the driver adapter also serialises transactions per connection).
 */
export async function lockRow(tx: Tx, table: LockableTable, id: string): Promise<void> {
  if (dbProvider !== "postgresql") return;
  // The table name comes from the union above, never from input; the id is a bound parameter.
  await tx.$queryRawUnsafe(`SELECT 1 FROM "${table}" WHERE "id" = $1 FOR UPDATE`, id);
}
