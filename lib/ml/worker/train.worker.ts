/// <reference lib="webworker" />
/**
 * The training worker: a module Web Worker created by TrainerClient with
 *   new Worker(new URL("./train.worker.ts", import.meta.url), { type: "module" })
 * All the logic is in handler.ts (testable in Node); this file only wires it to the worker scope.
 *
 * Backbones: a backbone module registers its loaders with lib/ml/backbone.ts's registerBackbone;
 * import that registration here (e.g. `import { registerBrowserBackbones } from "../backbones"`
 * and call it) so "load-backbone" can find them. Until then load-backbone answers
 * "backbone-not-registered".
 */
import "../backbones/register";
import { createWorkerHandler } from "./handler";
import type { WorkerRequest } from "./protocol";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = createWorkerHandler((message, transfer) => scope.postMessage(message, transfer ?? []));
scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  void handle(event.data);
};
