import "server-only";
import { bulkInsert, newRowIds } from "../bulk-insert";
import { db, type Prisma } from "../db";
import { redis, redisKey } from "../redis";

/**
 * Write-behind log of REST API use: the key's last use and one PredictionEvent per input
 * (channel "api"; never the input itself). Answers never wait for it: events are queued and
 * written together, in one transaction, at most FLUSH_MS later, so a busy key costs one database
 * commit per flush instead of two per request; the flush writes in small statements with the
 * thread free in between, so it never holds up answers either.
 *
 * Without Redis the queue is in this process (a crash loses at most FLUSH_MS of monitoring data).
 * With REDIS_URL it is a Redis list shared by the replicas: any replica's flush takes what is
 * there (LPOP of a batch is atomic, so no event is written twice), and what a crashed replica
 * queued is written by the others.
 */
const FLUSH_MS = 250;
const FLUSH_AT = 500;
/** Events one flush takes from Redis. */
const BATCH = 2_000;

export interface ApiUseEvent {
  projectId: string;
  modelVersionId: string | null;
  label: string | null;
  confidence: number | null;
  latencyMs: number;
}

type QueuedEvent = ApiUseEvent & { createdAt: Date };

interface Queue {
  events: QueuedEvent[];
  keys: Map<string, Date>;
  timer: ReturnType<typeof setTimeout> | null;
  flushing: Promise<void> | null;
  /** Pushes to Redis not yet acknowledged (a flush waits for them). */
  pushing: Set<Promise<unknown>>;
}

const g = globalThis as unknown as { __studioApiUsage?: Queue };
const queue: Queue = (g.__studioApiUsage ??= { events: [], keys: new Map(), timer: null, flushing: null, pushing: new Set() });

const EVENTS_KEY = () => redisKey("usage:events");
const KEYS_KEY = () => redisKey("usage:keys");

function schedule(now: boolean) {
  if (now) void flushApiUsage();
  else queue.timer ??= setTimeout(() => void flushApiUsage(), FLUSH_MS);
}

export function recordApiUse(keyId: string, events: ApiUseEvent[]): void {
  const now = new Date();
  const r = redis();
  if (r) {
    const payload = events.map((e) => JSON.stringify({ ...e, createdAt: now.getTime() }));
    const push = r
      .multi()
      .rpush(EVENTS_KEY(), ...(payload.length ? payload : [JSON.stringify(null)]))
      // Keep the latest use per key (HSET of a later time wins within one flush window).
      .hset(KEYS_KEY(), keyId, String(now.getTime()))
      .exec()
      .catch((e) => console.error("[api/v1] could not queue API use in Redis:", e))
      .finally(() => queue.pushing.delete(push));
    queue.pushing.add(push);
    schedule(false);
    return;
  }
  for (const e of events) queue.events.push({ ...e, createdAt: now });
  queue.keys.set(keyId, now);
  schedule(queue.events.length >= FLUSH_AT);
}

async function takeFromRedis(): Promise<{ events: QueuedEvent[]; keys: [string, Date][] }> {
  const r = redis()!;
  await Promise.all(queue.pushing);
  const [[, raw], [, keyTimes]] = (await r
    .multi()
    .lpop(EVENTS_KEY(), BATCH)
    .hgetall(KEYS_KEY())
    .del(KEYS_KEY())
    .exec()) as [[Error | null, string[] | null], [Error | null, Record<string, string>], unknown];
  const events: QueuedEvent[] = [];
  for (const line of raw ?? []) {
    const e = JSON.parse(line) as (ApiUseEvent & { createdAt: number }) | null;
    if (e) events.push({ ...e, createdAt: new Date(e.createdAt) });
  }
  const keys = Object.entries(keyTimes ?? {}).map(([id, at]) => [id, new Date(Number(at))] as [string, Date]);
  // More waiting than one batch: come back at once.
  if ((raw?.length ?? 0) >= BATCH) schedule(false);
  return { events, keys };
}

const EVENT_COLUMNS = ["id", "projectId", "modelVersionId", "channel", "label", "confidence", "latencyMs", "createdAt"] as const;

/** A few events per statement with the thread free in between (bulkInsert): a flush never stalls answers. */
function insertEvents(tx: Prisma.TransactionClient, events: QueuedEvent[]): Promise<void> {
  const ids = newRowIds(events.length);
  const rows = events.map((e, i) => [ids[i], e.projectId, e.modelVersionId, "api", e.label, e.confidence, e.latencyMs, e.createdAt]);
  return bulkInsert(tx, "PredictionEvent", EVENT_COLUMNS, rows, { maxRows: 100 });
}

/** A row whose project or version is gone: Prisma's P2003, or the driver's own words through a raw statement. */
function isForeignKeyFailure(e: unknown): boolean {
  const x = e as { code?: string; message?: string; meta?: { code?: string; message?: string } };
  return x.code === "P2003" || x.meta?.code === "23503" || /foreign key/i.test(`${x.message ?? ""} ${x.meta?.message ?? ""}`);
}

/** Writes what is queued; errors are logged, never thrown (monitoring must not break answers). */
export async function flushApiUsage(): Promise<void> {
  if (queue.timer) clearTimeout(queue.timer);
  queue.timer = null;
  await queue.flushing; // one flush at a time per process
  queue.flushing = (async () => {
    let taken: { events: QueuedEvent[]; keys: [string, Date][] };
    try {
      taken = redis() ? await takeFromRedis() : { events: queue.events.splice(0), keys: [...queue.keys] };
    } catch (e) {
      console.error("[api/v1] could not read the API use queue:", e);
      return;
    }
    queue.keys.clear();
    const { events, keys } = taken;
    if (events.length === 0 && keys.length === 0) return;
    try {
      await db.$transaction(async (tx) => {
        for (const [id, at] of keys) await tx.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
        await insertEvents(tx, events);
      });
    } catch (e) {
      if (!isForeignKeyFailure(e)) {
        console.error(`[api/v1] could not record ${events.length} API predictions:`, e);
        return;
      }
      // A project deleted meanwhile (its events fail the foreign key) must not cost everyone
      // else's: write one by one, dropping only what cannot be written.
      let lost = 0;
      for (const ev of events) {
        await db.predictionEvent.create({ data: { ...ev, channel: "api", fallback: false } }).catch(() => lost++);
      }
      if (lost) console.error(`[api/v1] could not record ${lost} API predictions:`, e);
    }
  })().finally(() => {
    queue.flushing = null;
  });
  await queue.flushing;
}
