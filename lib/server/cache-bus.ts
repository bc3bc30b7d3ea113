import "server-only";
import { redis, redisKey, redisSubscriber } from "./redis";

/**
 * "Something about this project changed" (a version became active, a key was revoked, settings or
 * sharing changed, the project was deleted): caches that hold per-project answers on the hot path
 * (the REST API's key lookup, loaded predictors) drop their entries. Listeners in this process are
 * told at once; with Redis every other replica is told through one pub/sub channel within
 * milliseconds. If the subscription drops, every listener is told to drop everything ("*") when it
 * is back, since messages sent meanwhile are lost.
 */
type Listener = (projectId: string | "*") => void;

interface BusState {
  listeners: Set<Listener>;
  subscribed: boolean;
}

const g = globalThis as unknown as { __studioCacheBus?: BusState };
const bus: BusState = (g.__studioCacheBus ??= { listeners: new Set(), subscribed: false });

const CHANNEL = () => redisKey("project-changed");

function notify(projectId: string | "*") {
  for (const l of bus.listeners) {
    try {
      l(projectId);
    } catch (e) {
      console.error("[cache-bus] listener failed:", e);
    }
  }
}

function subscribe() {
  if (bus.subscribed) return;
  const sub = redisSubscriber();
  if (!sub) return;
  bus.subscribed = true;
  let connectedBefore = false;
  sub.on("ready", () => {
    // A reconnect: what was published while we were away is lost, so forget everything.
    if (connectedBefore) notify("*");
    connectedBefore = true;
  });
  sub.on("message", (channel: string, message: string) => {
    if (channel === CHANNEL() && message) notify(message);
  });
  sub.subscribe(CHANNEL()).catch((e) => console.error("[cache-bus] subscribe failed:", e));
}

/** Registers a listener; returns a function that removes it. */
export function onProjectChanged(listener: Listener): () => void {
  bus.listeners.add(listener);
  subscribe();
  return () => bus.listeners.delete(listener);
}

/**
 * Tells every cache in every replica that `projectId` changed. Local listeners run before this
 * returns; other replicas hear it through Redis (a failed publish is logged: their entries still
 * expire by their own time limit).
 */
export async function projectChanged(projectId: string): Promise<void> {
  notify(projectId);
  const r = redis();
  if (!r) return;
  try {
    await r.publish(CHANNEL(), projectId);
  } catch (e) {
    console.error("[cache-bus] publish failed:", e);
  }
}
