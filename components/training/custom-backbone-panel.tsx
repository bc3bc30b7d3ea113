"use client";

import { useLocale, useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { apiFetch } from "@/lib/client/api";
import {
  MAX_BACKBONE_BYTES,
  MAX_INPUT_SIDE,
  MIN_INPUT_SIDE,
  PIXEL_NORMALIZATION_IDS,
  type CustomBackboneSettings,
  type PixelNormalization,
} from "@/lib/ml/backbones/custom-package";
import type { CustomBackboneProbe, TensorSummary } from "@/lib/ml/backbones/custom";
import { formatBytes } from "@/lib/data/messages";
import { fetchBackbonePackage, type CustomBackboneInfo } from "./custom-backbone-api";
import { useTraining } from "./training-provider";

const shapeText = (s: TensorSummary["shape"], unknown: string) => (s ? `[${s.map((d) => d ?? "?").join(", ")}]` : unknown);

/**
 * The Train tab's panel for "custom-backbone" projects: upload a tfjs model folder (or its .zip)
 * or an .onnx file (checked by the server), load it in this browser's worker to read its inputs,
 * choose the input size (when the model's is dynamic) and the pixel normalisation, and test it:
 * the feature size and the time per picture are saved with the settings. Training is offered once
 * a test passed (onReady).
 */
export function CustomBackbonePanel({ projectId, disabled, onReady }: { projectId: string; disabled: boolean; onReady: (ready: boolean) => void }) {
  const t = useTranslations("backbone");
  const locale = useLocale() === "zh-CN" ? "zh-CN" : "en";
  const { getClient } = useTraining();
  const [info, setInfo] = useState<CustomBackboneInfo | null | undefined>(undefined);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [probe, setProbe] = useState<CustomBackboneProbe | null>(null);
  const [probing, setProbing] = useState(false);
  const [settings, setSettings] = useState<CustomBackboneSettings | null>(null);
  const [editing, setEditing] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const autoProbed = useRef<string | null>(null);

  useEffect(() => {
    void apiFetch<{ backbone: CustomBackboneInfo | null }>(`/api/projects/${projectId}/backbone`).then((r) => setInfo(r.ok ? r.data.backbone : null));
  }, [projectId]);

  // Folder pickers are not in React's input props.
  useEffect(() => {
    folderInput.current?.setAttribute("webkitdirectory", "");
  }, [info]);

  const ready = !!info?.spec && !editing;
  useEffect(() => onReady(ready), [ready, onReady]);

  /** Loads the package in the worker with these settings (or its defaults) and reports what it saw. */
  const runProbe = useCallback(
    async (current: CustomBackboneInfo, chosen: CustomBackboneSettings | null) => {
      setProbing(true);
      setError(null);
      try {
        const pkg = await fetchBackbonePackage(projectId, current.contentHash);
        const client = await getClient();
        const result = await client.probeBackbone(pkg, current.contentHash, chosen ?? undefined);
        setProbe(result);
        if (result.settings) setSettings(result.settings);
        return result;
      } catch (e) {
        setError((e as Error).message);
        return null;
      } finally {
        setProbing(false);
      }
    },
    [projectId, getClient],
  );

  // A fresh upload (or one never tested) is loaded at once with its defaults, once per package.
  useEffect(() => {
    if (!info || info.spec || autoProbed.current === info.contentHash) return;
    autoProbed.current = info.contentHash;
    void runProbe(info, null);
  }, [info, runProbe]);

  async function upload(list: FileList | null) {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    setUploading(true);
    setError(null);
    setProbe(null);
    setEditing(false);
    const form = new FormData();
    // Folder uploads carry "folder/model.json" paths; the server keeps the last part only.
    for (const f of files) form.append("files", f, f.webkitRelativePath || f.name);
    try {
      const res = await fetch(`/api/projects/${projectId}/backbone`, { method: "POST", body: form, credentials: "same-origin" });
      const json = await res.json().catch(() => null);
      if (!res.ok) setError(json?.error?.message ?? res.statusText);
      else {
        setSettings(null);
        autoProbed.current = null; // the same files again are loaded again
        setInfo(json.backbone as CustomBackboneInfo);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setUploading(false);
    }
  }

  async function testAndSave() {
    if (!info || !settings) return;
    const result = await runProbe(info, settings);
    if (!result?.spec) return;
    const r = await apiFetch<{ backbone: CustomBackboneInfo }>(`/api/projects/${projectId}/backbone`, {
      method: "PATCH",
      body: { spec: result.spec, testMs: result.runMs === null ? null : Math.round(result.runMs * 10) / 10 },
    });
    if (!r.ok) setError(r.error.message);
    else {
      setInfo(r.data.backbone);
      setEditing(false);
    }
  }

  const inspection = probe?.inspection ?? null;
  const showSettings = !!info && (!info.spec || editing);
  const saved = info?.spec ?? null;
  const changed = !!saved && !!settings && (settings.inputHeight !== saved.inputHeight || settings.inputWidth !== saved.inputWidth || settings.normalization !== saved.normalization);
  const sideInput = (key: "inputHeight" | "inputWidth", fixed: number | null) => (
    <label className="block text-sm">
      <span className="text-slate-700">{t(key === "inputHeight" ? "height" : "width")}</span>
      <input
        type="number"
        min={MIN_INPUT_SIDE}
        max={MAX_INPUT_SIDE}
        step={1}
        disabled={fixed !== null || disabled || probing}
        className="mt-1 block w-28 rounded-lg border border-slate-300 px-2 py-1 disabled:bg-slate-100"
        value={settings?.[key] ?? ""}
        onChange={(e) => settings && setSettings({ ...settings, [key]: Math.round(Number(e.target.value)) })}
        data-testid={`backbone-${key}`}
      />
    </label>
  );

  return (
    <section className="rounded-2xl border border-slate-200 bg-white p-4 sm:p-6" data-testid="backbone-panel" data-ready={ready ? "true" : "false"}>
      <h2 className="text-lg font-medium">{t("title")}</h2>
      <p className="mt-1 text-sm text-slate-600">{t("intro", { limit: formatBytes(MAX_BACKBONE_BYTES, locale) })}</p>

      {info ? (
        <p className="mt-3 text-sm" data-testid="backbone-current">
          <span className="font-medium">{t(`formats.${info.format}`)}</span> · {t("current", { name: info.files[0]?.name ?? "", size: formatBytes(info.byteLength, locale), count: info.files.length })}
        </p>
      ) : null}

      <div className="mt-3 flex flex-wrap gap-2">
        <label className={buttonClasses(info ? "secondary" : "primary", "sm", disabled || uploading ? "pointer-events-none opacity-60" : "cursor-pointer")}>
          {t("chooseFolder")}
          <input ref={folderInput} type="file" multiple className="sr-only" disabled={disabled || uploading} data-testid="backbone-folder-input" onChange={(e) => (void upload(e.target.files), (e.target.value = ""))} />
        </label>
        <label className={buttonClasses("secondary", "sm", disabled || uploading ? "pointer-events-none opacity-60" : "cursor-pointer")}>
          {t("chooseFiles")}
          <input
            ref={filesInput}
            type="file"
            multiple
            accept=".json,.bin,.onnx,.zip"
            className="sr-only"
            disabled={disabled || uploading}
            data-testid="backbone-files-input"
            onChange={(e) => (void upload(e.target.files), (e.target.value = ""))}
          />
        </label>
      </div>
      {uploading ? <p className="mt-2 text-sm text-slate-600" data-testid="backbone-uploading">{t("uploading")}</p> : null}
      {error ? (
        <p role="alert" className="mt-2 rounded-lg bg-red-50 p-2 text-sm text-red-800" data-testid="backbone-error">
          {error}
        </p>
      ) : null}

      {probing ? <p className="mt-3 text-sm text-slate-600" data-testid="backbone-probing">{t("checking")}</p> : null}

      {inspection && showSettings ? (
        <div className="mt-3 space-y-1 text-sm text-slate-700" data-testid="backbone-inspection">
          <p>{t("inputShape", { shape: shapeText(inspection.inputs[0]?.shape ?? null, t("unknownShape")), layout: t(`layouts.${inspection.layout}`) })}</p>
          <p>{t("outputShape", { shape: shapeText(inspection.outputs[0]?.shape ?? null, t("unknownShape")) })}</p>
        </div>
      ) : null}

      {showSettings && settings && inspection ? (
        <div className="mt-3 space-y-3">
          <p className="text-sm text-slate-700">{inspection.fixedHeight !== null && inspection.fixedWidth !== null ? t("sizeFixed", { height: inspection.fixedHeight, width: inspection.fixedWidth }) : t("sizeDynamic")}</p>
          <div className="flex flex-wrap gap-3">
            {sideInput("inputHeight", inspection.fixedHeight)}
            {sideInput("inputWidth", inspection.fixedWidth)}
            <label className="block text-sm">
              <span className="text-slate-700">{t("normalization")}</span>
              <select
                className="mt-1 block rounded-lg border border-slate-300 bg-white px-2 py-1"
                value={settings.normalization}
                disabled={disabled || probing}
                onChange={(e) => setSettings({ ...settings, normalization: e.target.value as PixelNormalization })}
                data-testid="backbone-normalization"
              >
                {PIXEL_NORMALIZATION_IDS.map((n) => (
                  <option key={n} value={n}>
                    {t(`normalizations.${n}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p className="text-xs text-slate-500">{t("normalizationHint")}</p>
          <div className="flex flex-wrap gap-2">
            <Button size="sm" onClick={() => void testAndSave()} disabled={disabled || probing} data-testid="backbone-test">
              {probing ? t("testing") : t("testAndSave")}
            </Button>
            {editing ? (
              <Button size="sm" variant="ghost" disabled={probing} onClick={() => (setEditing(false), setProbe(null))}>
                {t("keepSettings")}
              </Button>
            ) : null}
          </div>
        </div>
      ) : null}

      {probe?.problem ? (
        <p role="alert" className="mt-2 rounded-lg bg-amber-50 p-2 text-sm text-amber-900" data-testid="backbone-problem">
          {t(`problems.${probe.problem.code}`, probe.problem.params)}
        </p>
      ) : null}

      {saved && !editing ? (
        <div className="mt-3 rounded-xl bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="backbone-ready">
          <p>
            {t("ready", { dim: saved.featureDim, ms: info?.testMs === null || info?.testMs === undefined ? "?" : info.testMs })} {saved.inputHeight} × {saved.inputWidth} ·{" "}
            {t(`normalizations.${saved.normalization}`)}
          </p>
          {saved.pooling === "global-average" ? <p className="mt-1">{t("pooled")}</p> : null}
          <Button size="sm" variant="secondary" className="mt-2" disabled={disabled} onClick={() => (setEditing(true), setSettings(saved), void runProbe(info!, saved))} data-testid="backbone-edit">
            {t("changeSettings")}
          </Button>
        </div>
      ) : info && !saved ? (
        <p className="mt-2 text-sm text-slate-600">{t("notChecked")}</p>
      ) : null}
      {editing && changed ? <p className="mt-2 text-sm text-amber-800">{t("settingsChanged")}</p> : null}
    </section>
  );
}
