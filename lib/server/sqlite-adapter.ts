import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlResultSet, Transaction } from "@prisma/driver-adapter-utils";
import { type Checkpointer, startCheckpointer } from "./sqlite-checkpointer";

/*
 * The embedded SQLite database for a server: two connections and one writer at a time.
 *
 * Prisma's better-sqlite3 adapter uses one connection for everything. While an interactive
 * transaction is open on it, any other request's statement runs on the same connection — inside
 * that transaction: a failed import rolled back a sign-up made meanwhile, and reads saw rows that
 * were never committed. Here:
 * - the writer connection runs transactions and every statement that writes, one at a time (a
 *   JavaScript lock: waiting never blocks the event loop, unlike SQLite's own busy wait, which
 *   sleeps inside the synchronous driver);
 * - the reader connection runs plain reads outside transactions; in WAL mode it always sees the
 *   last committed state and never waits for the writer.
 */

class Lock {
  private tail: Promise<void> = Promise.resolve();
  /** Resolves with a release function once every earlier holder has released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

/** A statement that only reads (no INSERT/UPDATE/DELETE/REPLACE, no PRAGMA, no RETURNING). */
export function isReadOnlyStatement(sql: string): boolean {
  const s = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, "");
  if (!/^(SELECT|WITH)\b/i.test(s)) return false;
  return !/\b(INSERT|UPDATE|DELETE|REPLACE|RETURNING)\b/i.test(s);
}

class SplitSqliteAdapter implements SqlDriverAdapter {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  private readonly lock = new Lock();

  constructor(
    private readonly writer: SqlDriverAdapter,
    private readonly reader: SqlDriverAdapter,
  ) {
    this.adapterName = writer.adapterName;
  }

  private async writing<T>(run: () => Promise<T>): Promise<T> {
    const release = await this.lock.acquire();
    try {
      return await run();
    } finally {
      release();
    }
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    if (isReadOnlyStatement(query.sql)) return this.reader.queryRaw(query);
    return this.writing(() => this.writer.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.writing(() => this.writer.executeRaw(query));
  }

  executeScript(script: string): Promise<void> {
    return this.writing(() => this.writer.executeScript(script));
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const release = await this.lock.acquire();
    let tx: Transaction;
    try {
      tx = await this.writer.startTransaction(isolationLevel);
    } catch (e) {
      release();
      throw e;
    }
    // Prisma sends COMMIT/ROLLBACK through the transaction, then calls commit()/rollback().
    const end = (fn: () => Promise<void>) => async () => {
      try {
        await fn();
      } finally {
        release();
      }
    };
    return {
      options: tx.options,
      provider: tx.provider,
      adapterName: tx.adapterName,
      queryRaw: (q) => tx.queryRaw(q),
      executeRaw: (q) => tx.executeRaw(q),
      commit: end(() => tx.commit()),
      rollback: end(() => tx.rollback()),
    };
  }

  getConnectionInfo() {
    return this.writer.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  /** Set by ServerSqlite when a checkpoint thread runs beside this adapter. */
  checkpointer: Checkpointer | null = null;

  async dispose(): Promise<void> {
    await this.checkpointer?.stop();
    await Promise.all([this.writer.dispose(), this.reader.dispose()]);
  }
}

/**
 * The adapter factory for the app's SQLite database: WAL, synchronous=NORMAL (in WAL mode a commit
 * survives a crash of the process; only a power cut can lose the last commits, never corrupt the
 * file), a busy timeout for other processes (migrations, a second process on the same file), the
 * writer/reader split above, and checkpoints on a thread of their own (lib/server/sqlite-checkpointer.ts;
 * STUDIO_SQLITE_CHECKPOINT_MS, default 500; 0 leaves them to the committing request as SQLite does).
 */
export class ServerSqlite implements SqlDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName = "@prisma/adapter-better-sqlite3";

  constructor(private readonly url: string, private readonly timeoutMs = 10_000) {}

  async connect(): Promise<SqlDriverAdapter> {
    const writer = await new PrismaBetterSQLite3({ url: this.url, timeout: this.timeoutMs }).connect();
    // journal_size_limit: after a large import the log file shrinks back once it has been copied
    await writer.executeScript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 67108864;");
    const reader = await new PrismaBetterSQLite3({ url: this.url, timeout: this.timeoutMs }).connect();
    const adapter = new SplitSqliteAdapter(writer, reader);
    const intervalMs = Number(process.env.STUDIO_SQLITE_CHECKPOINT_MS ?? 500);
    if (Number.isFinite(intervalMs) && intervalMs > 0) {
      const setAuto = (pages: number) => adapter.executeScript(`PRAGMA wal_autocheckpoint = ${pages};`).catch(() => {});
      const file = this.url.replace(/^file:/, "").replace(/\?.*$/, "");
      adapter.checkpointer = startCheckpointer({
        file,
        intervalMs,
        onStop: (reason) => {
          console.warn(`[sqlite] the checkpoint thread stopped (${reason}); commits checkpoint again`);
          void setAuto(1000);
        },
      });
      // until the thread has run once, commits keep checkpointing as SQLite does by default
      adapter.checkpointer.ready.then(() => setAuto(0)).catch(() => {});
    }
    return adapter;
  }
}
