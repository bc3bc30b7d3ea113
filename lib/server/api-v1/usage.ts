import "server-only";
import { db } from "../db";

/**
 * Write-behind log of REST API use: the key's last use and one PredictionEvent per input
 * (channel "api"; never the input itself). Answers never wait for it: events are queued and
 * written together, in one transaction, at most FLUSH_MS later, so a busy key costs one database
 * commit per flush instead of two per request. A crash loses at most that much monitoring data.
 */
const FLUSH_MS = 250;
const FLUSH_AT = 500;

export interface ApiUseEvent {
  projectId: string;
  modelVersionId: string | null;
  label: string | null;
  confidence: number | null;
  latencyMs: number;
}

interface Queue {
  events: (ApiUseEvent & { createdAt: Date })[];
  keys: Map<string, Date>;
  timer: ReturnType<typeof setTimeout> | null;
  flushing: Promise<void> | null;
}

const g = globalThis as unknown as { __studioApiUsage?: Queue };
const queue: Queue = (g.__studioApiUsage ??= { events: [], keys: new Map(), timer: null, flushing: null });

export function recordApiUse(keyId: string, events: ApiUseEvent[]): void {
  const now = new Date();
  for (const e of events) queue.events.push({ ...e, createdAt: now });
  queue.keys.set(keyId, now);
  if (queue.events.length >= FLUSH_AT) void flushApiUsage();
  else queue.timer ??= setTimeout(() => void flushApiUsage(), FLUSH_MS);
}

/** Writes what is queued; errors are logged, never thrown (monitoring must not break answers). */
export async function flushApiUsage(): Promise<void> {
  if (queue.timer) clearTimeout(queue.timer);
  queue.timer = null;
  await queue.flushing; // one flush at a time: SQLite has one writer anyway
  const events = queue.events.splice(0);
  const keys = [...queue.keys];
  queue.keys.clear();
  if (events.length === 0 && keys.length === 0) return;
  queue.flushing = db
    .$transaction([
      ...keys.map(([id, at]) => db.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } })),
      db.predictionEvent.createMany({ data: events.map((e) => ({ ...e, channel: "api", fallback: false })) }),
    ])
    .then(
      () => undefined,
      (e) => console.error(`[api/v1] could not record ${events.length} API predictions:`, e),
    )
    .finally(() => {
      queue.flushing = null;
    });
  await queue.flushing;
}
