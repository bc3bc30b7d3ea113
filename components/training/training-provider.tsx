"use client";

import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import type { BackendChoice } from "@/lib/ml/backend";
import type { PresetId, TrainingHyperparams } from "@/lib/ml/presets";
import type { EpochLog, TfBackendName } from "@/lib/ml/types";
import type { JobProgress, TrainResult } from "@/lib/ml/worker/protocol";
import { fetchBackbonePackage, type CustomBackboneInfo } from "./custom-backbone-api";
import { prepareJob, type CustomBackboneSource, type TrainingDataResponse } from "./prepare-job";

/**
 * Holds the training worker for one project. It lives in the project layout, so training goes on
 * while the user moves between the project's tabs; leaving the project terminates the worker.
 */
export type TrainingStatus = "idle" | "preparing" | "loading-backbone" | "features" | "training" | "saving" | "done" | "error";

export interface TrainingOptions {
  preset: PresetId;
  hyperparams: Partial<TrainingHyperparams>;
  seed: number;
  forcedBackend: TfBackendName | null;
  /** Continue from these weights: the best-so-far checkpoint a closed or crashed tab left behind. */
  resumeFrom?: Uint8Array;
}

export interface SavedVersion {
  id: string;
  number: number;
  headline: Record<string, number>;
}

export interface TrainingState {
  status: TrainingStatus;
  backend: BackendChoice | null;
  progress: JobProgress | null;
  history: EpochLog[];
  /** 0..1 while preparing data or computing features. */
  prepFraction: number;
  result: { stoppedReason: string; bestEpoch: number | null; trainingMs: number; syntheticBackground?: number } | null;
  /** The run continued from a checkpoint's weights. */
  resumed: boolean;
  saved: SavedVersion | null;
  errorKey: string | null;
  errorDetail: string | null;
  stopping: boolean;
}

const INITIAL: TrainingState = {
  status: "idle",
  backend: null,
  progress: null,
  history: [],
  prepFraction: 0,
  result: null,
  resumed: false,
  saved: null,
  errorKey: null,
  errorDetail: null,
  stopping: false,
};

interface TrainingContextValue {
  state: TrainingState;
  start: (options: TrainingOptions) => Promise<void>;
  stop: () => void;
  reset: () => void;
  /** Stores a bundle (e.g. a checkpoint found in this browser) as a new version. */
  saveBundle: (bundle: Uint8Array) => Promise<SavedVersion | null>;
  /** The project's worker (created on first use), for in-browser predictions in the Playground. */
  getClient: () => Promise<import("@/lib/ml/worker/client").TrainerClient>;
}

const TrainingContext = createContext<TrainingContextValue | null>(null);

export function useTraining(): TrainingContextValue {
  const ctx = useContext(TrainingContext);
  if (!ctx) throw new Error("useTraining must be used inside <TrainingProvider>");
  return ctx;
}

/** The training state if a provider is mounted (the tab indicator uses it), else null. */
export function useOptionalTraining(): TrainingContextValue | null {
  return useContext(TrainingContext);
}

async function postBundle(projectId: string, bundle: Uint8Array): Promise<SavedVersion> {
  const res = await fetch(`/api/projects/${projectId}/models`, {
    method: "POST",
    body: new Blob([bundle as BlobPart]),
    headers: { "content-type": "application/octet-stream" },
  });
  const json = await res.json();
  if (!res.ok) throw new Error(json?.error?.message ?? res.statusText);
  return json.version as SavedVersion;
}

export function TrainingProvider({ projectId, scene, modelType, children }: { projectId: string; scene: string; modelType: string; children: ReactNode }) {
  const [state, setState] = useState<TrainingState>(INITIAL);
  const clientRef = useRef<import("@/lib/ml/worker/client").TrainerClient | null>(null);
  const patch = useCallback((p: Partial<TrainingState>) => setState((s) => ({ ...s, ...p })), []);

  useEffect(
    () => () => {
      clientRef.current?.dispose();
      clientRef.current = null;
    },
    [],
  );

  const getClient = useCallback(async () => {
    if (!clientRef.current) {
      const { TrainerClient } = await import("@/lib/ml/worker/client");
      clientRef.current = new TrainerClient();
    }
    return clientRef.current;
  }, []);

  const saveBundle = useCallback(
    async (bundle: Uint8Array) => {
      try {
        return await postBundle(projectId, bundle);
      } catch (e) {
        patch({ status: "error", errorKey: "saveFailed", errorDetail: (e as Error).message });
        return null;
      }
    },
    [projectId, patch],
  );

  const start = useCallback(
    async (options: TrainingOptions) => {
      setState({ ...INITIAL, status: "preparing", resumed: Boolean(options.resumeFrom) });
      try {
        const res = await fetch(`/api/projects/${projectId}/training-data`, { credentials: "same-origin" });
        if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? res.statusText);
        let data = (await res.json()) as TrainingDataResponse;
        if (data.localDataOnly) {
          // Device-only projects: the samples are in this browser's IndexedDB, never on the server.
          const { localTrainingData } = await import("@/lib/client/local-dataset");
          data = { ...(await localTrainingData(projectId)), kind: data.kind, localDataOnly: true };
        }
        const client = await getClient();
        const backend = await client.checkBackend({ forced: options.forcedBackend ?? undefined, modelType });
        patch({ backend });
        let customBackbone: CustomBackboneSource | null = null;
        if (modelType === "custom-backbone") {
          // The uploaded backbone with the settings its test in this browser saved.
          const info = await fetch(`/api/projects/${projectId}/backbone`, { credentials: "same-origin" }).then((r) => r.json() as Promise<{ backbone: CustomBackboneInfo | null }>);
          if (info.backbone?.spec) {
            customBackbone = { package: await fetchBackbonePackage(projectId, info.backbone.contentHash), spec: info.backbone.spec };
          }
        }
        const prepared = await prepareJob(projectId, scene, modelType, data, (done, total) => patch({ prepFraction: done / total }), customBackbone);
        if (!prepared.ok) {
          patch({ status: "error", errorKey: prepared.reason });
          return;
        }
        if (prepared.backboneId) {
          patch({ status: "loading-backbone", prepFraction: 0 });
          await client.loadBackbone(
            prepared.backboneId,
            (p) => {
              const loaded = (p as { loadedBytes?: number }).loadedBytes ?? 0;
              const total = (p as { totalBytes?: number }).totalBytes ?? 0;
              patch({ prepFraction: total ? loaded / total : 0 });
            },
            prepared.customBackbone,
          );
        }
        patch({ status: prepared.backboneId ? "features" : "training", prepFraction: 0 });
        const job = { ...prepared.job, preset: options.preset, hyperparams: options.hyperparams, seed: options.seed, resumeFrom: options.resumeFrom };
        const result: TrainResult = await client.train(job, {
          onProgress: (p) => {
            if (p.phase === "features") patch({ status: "features", prepFraction: p.total ? p.done / p.total : 0 });
            else
              setState((s) => ({
                ...s,
                status: s.status === "saving" ? s.status : "training",
                progress: p,
                history:
                  p.phase === "epoch"
                    ? [...s.history.filter((h) => h.epoch !== p.epoch), { epoch: p.epoch, loss: p.loss, acc: p.acc, valLoss: p.valLoss, valAcc: p.valAcc, valMae: p.valMae }]
                    : s.history,
              }));
          },
        });
        patch({
          status: "saving",
          result: { stoppedReason: result.stoppedReason, bestEpoch: result.bestEpoch, trainingMs: result.trainingMs, syntheticBackground: result.syntheticBackground },
          history: result.history,
        });
        const saved = await postBundle(projectId, result.bundle);
        // Which samples the new version got wrong, for the Evaluate tab's confusion matrix.
        const metrics = result.manifest.metrics;
        if (metrics?.kind === "classification") {
          const cells: Record<string, string[]> = {};
          for (const c of metrics.cells) {
            if (c.actual === c.predicted || c.samples.length === 0) continue;
            cells[`${c.actual}:${c.predicted}`] = c.samples.slice(0, 50).map((i) => prepared.sampleIds[i]).filter(Boolean);
          }
          await fetch(`/api/projects/${projectId}/models/${saved.id}/examples`, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ cells }),
          });
        }
        const { deleteCheckpoint } = await import("@/lib/ml/checkpoint-store");
        await deleteCheckpoint(`project:${projectId}`).catch(() => {});
        patch({ status: "done", saved, stopping: false });
      } catch (e) {
        const message = (e as Error).message;
        // The data or settings changed since the checkpoint was made: its weights do not fit.
        const errorKey = options.resumeFrom && /Cannot resume/.test(message) ? "resumeMismatch" : "trainingFailed";
        patch({ status: "error", errorKey, errorDetail: message, stopping: false });
      }
    },
    [projectId, scene, modelType, getClient, patch],
  );

  const stop = useCallback(() => {
    patch({ stopping: true });
    void clientRef.current?.stop();
  }, [patch]);

  const reset = useCallback(() => setState(INITIAL), []);

  return <TrainingContext.Provider value={{ state, start, stop, reset, saveBundle, getClient }}>{children}</TrainingContext.Provider>;
}
