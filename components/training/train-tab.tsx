"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { apiFetch } from "@/lib/client/api";
import { PRESET_IDS, PRESETS, modelFamily, type PresetId } from "@/lib/ml/presets";
import type { TfBackendName } from "@/lib/ml/types";
import { CustomBackbonePanel } from "./custom-backbone-panel";
import { LineChart } from "./line-chart";
import { useTraining, type TrainingOptions } from "./training-provider";

const BACKENDS: TfBackendName[] = ["webgpu", "webgl", "wasm", "cpu"];

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function familyFor(modelType: string) {
  try {
    return modelFamily(modelType as Parameters<typeof modelFamily>[0]);
  } catch {
    return null;
  }
}

/** The Train tab: presets, advanced settings, live progress and charts, stop, and the saved result. */
export function TrainTab({ projectId, modelType }: { projectId: string; modelType: string }) {
  const t = useTranslations("train");
  const { state, start, stop, reset, saveBundle } = useTraining();
  const [dataset, setDataset] = useState<{ total: number; canTrain: boolean; version: number } | null>(null);
  const [preset, setPreset] = useState<PresetId>("balanced");
  const [advanced, setAdvanced] = useState<Record<string, string>>({});
  const [backend, setBackend] = useState<"auto" | TfBackendName>("auto");
  const [seed, setSeed] = useState("42");
  const [checkpoint, setCheckpoint] = useState<{ bundle: Uint8Array; epoch: number; valAcc: number | null; savedAt: string } | null>(null);
  const [clicks, setClicks] = useState(0);
  // "Your own backbone": training waits until the uploaded backbone passed its test in this browser.
  const [backboneReady, setBackboneReady] = useState(modelType !== "custom-backbone");
  const tEval = useTranslations("evaluate");
  const tVoice = useTranslations("voice");
  const tBackbone = useTranslations("backbone");
  const family = familyFor(modelType);
  // Scenes without an accuracy: the first headline number they have.
  const savedMetric = (h: Record<string, number>) => {
    const key = (["top1", "f1", "microF1", "hitRate10", "mae", "rmse"] as const).find((k) => h[k] !== undefined);
    if (!key) return "";
    const value = ["mae", "rmse"].includes(key) ? h[key].toFixed(3) : `${(h[key] * 100).toFixed(1)}%`;
    return ` ${t("savedMetric", { name: tEval(`headline.${key}`), value })}`;
  };
  const defaults = family ? PRESETS[family][preset] : null;
  const running = ["preparing", "loading-backbone", "features", "training", "saving"].includes(state.status);

  useEffect(() => {
    void apiFetch<{ dataset: { total: number; canTrain: boolean; version: number } }>(`/api/projects/${projectId}/dataset`).then((r) => r.ok && setDataset(r.data.dataset));
  }, [projectId, state.status]);

  // A best-so-far model left by a closed or crashed tab.
  useEffect(() => {
    if (running) return;
    void import("@/lib/ml/checkpoint-store").then(({ loadCheckpoint }) =>
      loadCheckpoint(`project:${projectId}`)
        .then((c) => setCheckpoint(c))
        .catch(() => setCheckpoint(null)),
    );
  }, [projectId, running]);

  function options(): TrainingOptions {
    const hyperparams: Record<string, number> = {};
    for (const [k, v] of Object.entries(advanced)) {
      const n = Number(v);
      if (v !== "" && Number.isFinite(n)) hyperparams[k] = n;
    }
    return { preset, hyperparams, seed: Number(seed) || 42, forcedBackend: backend === "auto" ? null : backend };
  }

  async function keepCheckpoint() {
    if (!checkpoint) return;
    const saved = await saveBundle(checkpoint.bundle);
    if (saved) {
      const { deleteCheckpoint } = await import("@/lib/ml/checkpoint-store");
      await deleteCheckpoint(`project:${projectId}`);
      setCheckpoint(null);
    }
  }

  async function discardCheckpoint() {
    const { deleteCheckpoint } = await import("@/lib/ml/checkpoint-store");
    await deleteCheckpoint(`project:${projectId}`);
    setCheckpoint(null);
  }

  const p = state.progress;
  const epochs = p && p.phase !== "features" ? p.epochs : (defaults?.epochs ?? 0);
  const fraction =
    state.status === "done"
      ? 1
      : p
        ? p.phase === "batch"
          ? (p.epoch - 1 + p.batch / Math.max(1, p.batchesPerEpoch)) / Math.max(1, p.epochs)
          : p.phase === "epoch"
            ? p.epoch / Math.max(1, p.epochs)
            : 0
        : 0;
  const isRegression = state.history.some((h) => h.acc === null) && state.history.length > 0;

  if (!family) {
    return <p className="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-slate-700" data-testid="train-unsupported">{t("unsupportedModel")}</p>;
  }

  return (
    <div className="space-y-6" data-testid="train-tab">
      {checkpoint && !running ? (
        <div className="rounded-2xl border border-amber-300 bg-amber-50 p-4" data-testid="checkpoint-offer">
          <p className="font-medium">{t("checkpointFound", { epoch: checkpoint.epoch })}</p>
          <p className="text-sm text-slate-700">{t("checkpointHint")}</p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button size="sm" onClick={() => void start({ ...options(), resumeFrom: checkpoint.bundle })} data-testid="resume-checkpoint">
              {t("resumeCheckpoint")}
            </Button>
            <Button size="sm" variant="secondary" onClick={keepCheckpoint}>
              {t("keepCheckpoint")}
            </Button>
            <Button size="sm" variant="secondary" onClick={() => (void discardCheckpoint(), void start(options()))}>
              {t("trainAgain")}
            </Button>
            <Button size="sm" variant="ghost" onClick={discardCheckpoint}>
              {t("discardCheckpoint")}
            </Button>
          </div>
        </div>
      ) : null}

      {dataset && !dataset.canTrain ? (
        <div className="rounded-2xl border border-slate-200 bg-white p-4 text-slate-700">
          {t("dataNotReady")}{" "}
          <Link className="text-brand-700 underline" href={`/projects/${projectId}/data`}>
            {t("goToData")}
          </Link>
        </div>
      ) : null}

      {modelType === "custom-backbone" ? <CustomBackbonePanel projectId={projectId} disabled={running} onReady={setBackboneReady} /> : null}

      <section className="rounded-2xl border border-slate-200 bg-white p-4 sm:p-6">
        {modelType === "custom-backbone" && !backboneReady ? (
          <p className="mb-3 text-sm text-slate-600" data-testid="backbone-needed">
            {tBackbone("needBackbone")}
          </p>
        ) : null}
        {modelType === "speech-embedding" ? (
          <p className="mb-3 text-sm text-slate-600" data-testid="voice-background-hint">
            {tVoice("backgroundHint")}
          </p>
        ) : null}
        <fieldset disabled={running}>
          <legend className="text-lg font-medium">{t("presetTitle")}</legend>
          <div className="mt-3 grid gap-3 sm:grid-cols-3">
            {PRESET_IDS.map((id) => (
              <label key={id} className="block cursor-pointer rounded-xl border border-slate-200 p-3 has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50">
                <input type="radio" name="preset" value={id} checked={preset === id} onChange={() => setPreset(id)} className="sr-only" />
                <span className="font-medium">{t(`presets.${id}.name`)}</span>
                <span className="block text-sm text-slate-600">{t(`presets.${id}.hint`)}</span>
              </label>
            ))}
          </div>
          <details className="mt-4" data-testid="advanced">
            <summary className="cursor-pointer text-sm font-medium text-brand-700">{t("advanced")}</summary>
            <div className="mt-3 grid gap-3 sm:grid-cols-3">
              {(family === "image-head" || family === "image-cnn" || family === "image-finetune"
                ? (["epochs", "batchSize", "learningRate", "validationFraction", "patience", "augmentViews"] as const)
                : (["epochs", "batchSize", "learningRate", "validationFraction", "patience"] as const)
              ).map((k) => (
                <label key={k} className="block text-sm">
                  <span className="text-slate-700">{t(`hyper.${k}`)}</span>
                  <input
                    type="number"
                    step="any"
                    min={0}
                    className="mt-1 block w-full rounded-lg border border-slate-300 px-2 py-1"
                    placeholder={defaults ? String(defaults[k]) : ""}
                    value={advanced[k] ?? ""}
                    onChange={(e) => setAdvanced({ ...advanced, [k]: e.target.value })}
                  />
                </label>
              ))}
              <label className="block text-sm">
                <span className="text-slate-700">{t("seed")}</span>
                <input type="number" className="mt-1 block w-full rounded-lg border border-slate-300 px-2 py-1" value={seed} onChange={(e) => setSeed(e.target.value)} />
              </label>
              <label className="block text-sm">
                <span className="text-slate-700">{t("backendSetting")}</span>
                <select className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-2 py-1" value={backend} onChange={(e) => setBackend(e.target.value as typeof backend)} data-testid="backend-select">
                  <option value="auto">{t("backendAuto")}</option>
                  {BACKENDS.map((b) => (
                    <option key={b} value={b}>
                      {t(`backends.${b}`)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          </details>
        </fieldset>
        <div className="mt-4 flex flex-wrap items-center gap-3">
          {running ? (
            <Button variant="danger" onClick={stop} disabled={state.stopping || state.status === "saving"} data-testid="stop-training">
              {state.stopping ? t("stopping") : t("stop")}
            </Button>
          ) : (
            <Button onClick={() => void start(options())} disabled={!dataset?.canTrain || !backboneReady} data-testid="start-training">
              {state.status === "done" ? t("trainAgain") : t("start")}
            </Button>
          )}
          {state.backend ? (
            <span
              className="rounded-full bg-slate-100 px-3 py-1 text-sm"
              data-testid="backend-badge"
              data-backend={state.backend.backend}
              data-wasm-threads={state.backend.wasm ? String(state.backend.wasm.threads) : undefined}
            >
              {t("runningOn", { backend: t(`backends.${state.backend.backend}`) })}
              {state.backend.wasm ? ` · ${t(state.backend.wasm.threads ? "wasmThreads" : "wasmSingleThread")}` : null}
            </span>
          ) : null}
          {/* Proof that the page stays responsive while the worker trains. */}
          <button type="button" className="text-xs text-slate-500 underline" onClick={() => setClicks((c) => c + 1)} data-testid="responsive-probe">
            {t("probe", { count: clicks })}
          </button>
        </div>
        {state.backend?.fallbackReason ? (
          <p className="mt-2 text-sm text-amber-800" data-testid="fallback-reason">
            {t(`fallback.${state.backend.fallbackReason}`)}
          </p>
        ) : null}
      </section>

      {state.status !== "idle" ? (
        <section className="space-y-4 rounded-2xl border border-slate-200 bg-white p-4 sm:p-6" aria-live="polite">
          <div>
            <div className="flex flex-wrap justify-between gap-2 text-sm">
              <span data-testid="train-status">
                {modelType === "speech-embedding" && state.status === "features" ? tVoice("featuresStatus") : t(`status.${state.status}`)}
                {state.resumed ? <span className="ml-2 text-slate-600" data-testid="resumed-note">{t("resumedNote")}</span> : null}
              </span>
              {p && p.phase !== "features" && state.status === "training" ? (
                <span className="tabular-nums text-slate-600" data-testid="train-eta">
                  {t("epochOf", { epoch: p.epoch, epochs })} · {t("eta", { time: formatDuration(p.etaMs) })} · {t("speed", { n: Math.round(p.samplesPerSec) })}
                </span>
              ) : null}
            </div>
            <div
              className="mt-2 h-2 rounded-full bg-slate-100"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round((["preparing", "loading-backbone", "features"].includes(state.status) ? state.prepFraction : fraction) * 100)}
            >
              <div
                className="h-2 rounded-full bg-brand-500 transition-all"
                style={{ width: `${(["preparing", "loading-backbone", "features"].includes(state.status) ? state.prepFraction : fraction) * 100}%` }}
              />
            </div>
          </div>
          {state.history.length ? (
            <div className="grid gap-4 md:grid-cols-2">
              <LineChart
                title={t("lossChart")}
                testId="loss-chart"
                series={[
                  { name: t("training"), color: "#1f5ad6", points: state.history.map((h) => ({ x: h.epoch, y: h.loss })) },
                  { name: t("validation"), color: "#f59e0b", dashed: true, points: state.history.map((h) => ({ x: h.epoch, y: h.valLoss })) },
                ]}
              />
              {!isRegression ? (
                <LineChart
                  title={t("accChart")}
                  testId="acc-chart"
                  yMax={1}
                  format={(v) => `${Math.round(v * 100)}%`}
                  series={[
                    { name: t("training"), color: "#1f5ad6", points: state.history.map((h) => ({ x: h.epoch, y: h.acc })) },
                    { name: t("validation"), color: "#f59e0b", dashed: true, points: state.history.map((h) => ({ x: h.epoch, y: h.valAcc })) },
                  ]}
                />
              ) : null}
            </div>
          ) : null}
          {state.status === "done" && state.saved ? (
            <div className="rounded-xl bg-emerald-50 p-4" data-testid="train-done">
              <p className="font-medium text-emerald-900">
                {t("saved", { number: state.saved.number })}
                {state.saved.headline.accuracy !== undefined ? ` ${t("savedAccuracy", { acc: (state.saved.headline.accuracy * 100).toFixed(1) })}` : savedMetric(state.saved.headline)}
              </p>
              {state.result ? (
                <p className="text-sm text-emerald-900">
                  {t(`stopped.${state.result.stoppedReason}`, { epoch: state.result.bestEpoch ?? 0 })} · {formatDuration(state.result.trainingMs)}
                </p>
              ) : null}
              {state.result?.syntheticBackground ? (
                <p className="mt-1 text-sm text-emerald-900" data-testid="voice-background-added">
                  {tVoice("backgroundAdded", { count: state.result.syntheticBackground })}
                </p>
              ) : null}
              <div className="mt-3 flex gap-2">
                <Link href={`/projects/${projectId}/evaluate`} className={buttonClasses("primary", "sm")}>
                  {t("seeEvaluation")}
                </Link>
                <Link href={`/projects/${projectId}/playground`} className={buttonClasses("secondary", "sm")}>
                  {t("tryIt")}
                </Link>
              </div>
            </div>
          ) : null}
          {state.status === "error" ? (
            <div role="alert" className="rounded-xl bg-red-50 p-4 text-red-800" data-testid="train-error">
              <p>{t(`errors.${state.errorKey ?? "trainingFailed"}`)}</p>
              {state.errorDetail ? <p className="mt-1 text-xs text-red-700">{state.errorDetail}</p> : null}
              <Button size="sm" variant="secondary" className="mt-2" onClick={reset}>
                {t("dismiss")}
              </Button>
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
