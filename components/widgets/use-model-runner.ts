"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { BundleManifest } from "@/lib/ml/bundle";
import type { ClassifierPredictor, PredictorInput } from "@/lib/ml/predictor";
import type { ClassPrediction, RawImage } from "@/lib/ml/types";
import type { TrainerClient } from "@/lib/ml/worker/client";

/**
 * Where a widget's model comes from: the bundle's URL and the worker that runs it. The Playground
 * passes the project's training worker; the share page and the embed create their own
 * (useStandaloneClient). The worker picks WebGPU → WebGL → WASM (single-threaded unless the page
 * is cross-origin isolated) → CPU, so a visitor's browser without WebGPU still answers.
 */
export interface ModelRunnerOptions {
  bundleUrl: string | null;
  kind: "text" | "image" | "audio";
  getClient: () => Promise<TrainerClient>;
  /** Load as soon as the widget mounts; otherwise on the first prediction (or an explicit load()). */
  eager?: boolean;
  /**
   * The worker is the page's own (not the Playground's training worker): pick its backend before
   * loading and report which one answers. A model the light runtime knows (lib/ml/light/visitor.ts)
   * then runs on the page without tfjs and without a worker (backend "light").
   */
  ownWorker?: boolean;
}

export type RunnerStatus = "idle" | "loading" | "ready" | "error";

export interface ModelRunner {
  status: RunnerStatus;
  /** The tfjs backend the page's own worker chose (ownWorker only), e.g. "wasm" without WebGPU/WebGL; "light" without tfjs. */
  backend: string | null;
  /** The loaded bundle's manifest (labels, payload), once ready. */
  manifest: BundleManifest | null;
  load: () => Promise<void>;
  /** One prediction (top 3), and how long the model took, in milliseconds. */
  predict: (input: string | RawImage) => Promise<{ prediction: ClassPrediction; latencyMs: number }>;
  /** Raw predictions of any model kind (FAQ answers, entities, recommendations, tags). */
  predictMany: (inputs: PredictorInput[], options?: { topK?: number }) => Promise<unknown[]>;
}

export function useModelRunner({ bundleUrl, kind, getClient, eager = false, ownWorker = false }: ModelRunnerOptions): ModelRunner {
  const [status, setStatus] = useState<RunnerStatus>(eager && bundleUrl ? "loading" : "idle");
  const [backend, setBackend] = useState<string | null>(null);
  const [manifest, setManifest] = useState<BundleManifest | null>(null);
  // The load of the current bundle URL; a new URL (the owner picked another model) loads again.
  const loading = useRef<{ url: string; promise: Promise<void> } | null>(null);
  // The model when it runs on the page without tfjs (ownWorker only), else null.
  const light = useRef<ClassifierPredictor | null>(null);

  const load = useCallback(() => {
    if (!bundleUrl) return Promise.reject(new Error("no model"));
    if (loading.current?.url !== bundleUrl) {
      setStatus("loading");
      // One worker, one model: wait for an earlier load so the newest bundle is the one that stays.
      const before = loading.current?.promise.catch(() => undefined);
      const run = (async () => {
        await before;
        const res = await fetch(bundleUrl, { credentials: "same-origin" });
        if (!res.ok) throw new Error(`bundle ${res.status}`);
        const bundle = new Uint8Array(await res.arrayBuffer());
        light.current = null;
        if (ownWorker) {
          const { lightVisitorModel } = await import("@/lib/ml/light/visitor");
          const found = lightVisitorModel(bundle);
          if (found) {
            light.current = found.predictor;
            setBackend("light");
            setManifest(found.manifest);
            return;
          }
        }
        const client = await getClient();
        if (ownWorker) setBackend((await client.checkBackend()).backend);
        // Image and voice models name the pretrained backbone their inputs go through first; a
        // user-supplied one is inside the bundle and loads with it.
        const { readManifest } = await import("@/lib/ml/bundle");
        const backbone = readManifest(bundle).backbone;
        if (backbone && !backbone.custom) await client.loadBackbone(backbone.id);
        setManifest(await client.loadModel(bundle));
      })();
      const entry = { url: bundleUrl, promise: run };
      loading.current = entry;
      run.then(
        () => {
          if (loading.current === entry) setStatus("ready");
        },
        () => {
          if (loading.current !== entry) return;
          loading.current = null; // a later attempt may succeed (e.g. after a network hiccup)
          setStatus("error");
        },
      );
    }
    return loading.current.promise;
  }, [bundleUrl, kind, getClient, ownWorker]);

  useEffect(() => {
    if (eager && bundleUrl) load().catch(() => undefined);
    if (!bundleUrl && loading.current) {
      // No model any more (the owner unlinked it): forget the old one.
      loading.current = null;
      setStatus("idle");
      setManifest(null);
    }
  }, [eager, bundleUrl, load]);

  const predict = useCallback(
    async (input: string | RawImage) => {
      await load();
      if (light.current) {
        const started = performance.now();
        const [prediction] = await light.current.predict([input], { topK: 3 });
        return { prediction, latencyMs: performance.now() - started };
      }
      const client = await getClient();
      const started = performance.now();
      const [prediction] = (await client.predict([input], { topK: 3 })) as ClassPrediction[];
      return { prediction, latencyMs: performance.now() - started };
    },
    [load, getClient],
  );

  const predictMany = useCallback(
    async (inputs: PredictorInput[], options: { topK?: number } = {}) => {
      await load();
      if (light.current) return (await light.current.predict(inputs, options)) as unknown[];
      return (await (await getClient()).predict(inputs, options)) as unknown[];
    },
    [load, getClient],
  );

  return { status, backend, manifest, load, predict, predictMany };
}

/** A worker of the page's own, created on first use and terminated when the component unmounts. */
export function useStandaloneClient(): () => Promise<TrainerClient> {
  const ref = useRef<TrainerClient | null>(null);
  useEffect(
    () => () => {
      ref.current?.dispose();
      ref.current = null;
    },
    [],
  );
  return useCallback(async () => {
    if (!ref.current) {
      const { TrainerClient } = await import("@/lib/ml/worker/client");
      ref.current = new TrainerClient();
    }
    return ref.current;
  }, []);
}
