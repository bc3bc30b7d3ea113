import type { WorkerLike } from "./client";
import { createWorkerHandler, type HandlerDeps } from "./handler";

/** Tests: the real handler behind a fake Worker; messages are structured-cloned both ways, asynchronously. */
export function inProcessWorker(deps: HandlerDeps = {}): WorkerLike & { terminated: boolean } {
  const worker = {
    onmessage: null as ((e: MessageEvent) => void) | null,
    onerror: null as ((e: ErrorEvent) => void) | null,
    terminated: false,
    postMessage(message: unknown) {
      const copy = structuredClone(message);
      setTimeout(() => void handle(copy as Parameters<typeof handle>[0]), 0);
    },
    terminate() {
      this.terminated = true;
    },
  };
  const handle = createWorkerHandler((message) => {
    const copy = structuredClone(message);
    setTimeout(() => !worker.terminated && worker.onmessage?.({ data: copy } as MessageEvent), 0);
  }, { batchProgressIntervalMs: 0, ...deps });
  return worker;
}
