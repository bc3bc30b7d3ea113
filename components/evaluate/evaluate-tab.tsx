"use client";

import { useLocale, useTranslations } from "next-intl";
import { useCallback, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { apiFetch } from "@/lib/client/api";
import { ConfusionMatrix } from "./confusion-matrix";
import { Metric, SceneMetrics } from "./scene-metrics";
import type { VersionDetail, VersionSummary } from "./types";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(3));

/** The first headline number a version has, in the order users care about. */
const HEADLINE_ORDER = ["accuracy", "top1", "f1", "microF1", "hitRate10", "mae", "rmse"] as const;
const AS_PERCENT = new Set<string>(["accuracy", "top1", "f1", "microF1", "hitRate10"]);

/** Evaluate: metrics of each saved version, per-class table, clickable confusion matrix, compare, make active. */
export function EvaluateTab({ projectId }: { projectId: string }) {
  const t = useTranslations("evaluate");
  const locale = useLocale();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [detail, setDetail] = useState<VersionDetail | null>(null);
  const [compare, setCompare] = useState<VersionDetail | null>(null);
  const [cell, setCell] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const fmtDate = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const headlineText = (h: Record<string, number>) => {
    const key = HEADLINE_ORDER.find((k) => h[k] !== undefined);
    if (!key) return "—";
    return `${t(`headline.${key}`)} ${AS_PERCENT.has(key) ? pct(h[key]) : num(h[key])}`;
  };

  const load = useCallback(
    async (id?: string) => {
      const list = await apiFetch<{ versions: VersionSummary[] }>(`/api/projects/${projectId}/models`);
      if (!list.ok) return;
      setVersions(list.data.versions);
      const pick = id ?? list.data.versions.find((v) => v.active)?.id ?? list.data.versions[0]?.id;
      if (pick) {
        const d = await apiFetch<{ version: VersionDetail }>(`/api/projects/${projectId}/models/${pick}`);
        if (d.ok) setDetail(d.data.version);
      }
    },
    [projectId],
  );

  useEffect(() => {
    void load();
  }, [load]);

  async function choose(id: string) {
    setCell(null);
    const d = await apiFetch<{ version: VersionDetail }>(`/api/projects/${projectId}/models/${id}`);
    if (d.ok) setDetail(d.data.version);
  }

  async function chooseCompare(id: string) {
    if (!id) return setCompare(null);
    const d = await apiFetch<{ version: VersionDetail }>(`/api/projects/${projectId}/models/${id}`);
    if (d.ok) setCompare(d.data.version);
  }

  async function activate(id: string) {
    const res = await apiFetch(`/api/projects/${projectId}/models/${id}`, { method: "PATCH", body: { active: true } });
    if (res.ok) {
      setNotice(t("activated"));
      await load(id);
    }
  }

  if (versions === null) return <p className="text-slate-500">{t("loading")}</p>;
  if (versions.length === 0) return <p className="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-slate-600">{t("noVersions")}</p>;

  const m = detail?.manifest.metrics ?? null;
  const examples = cell && detail ? (detail.examples[cell] ?? []) : [];
  const [ca, cp] = cell ? cell.split(":").map(Number) : [0, 0];

  return (
    <div className="space-y-6" data-testid="evaluate-tab">
      <p role="status" aria-live="polite" className="text-sm text-emerald-700">
        {notice}
      </p>
      <section className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm" data-testid="versions-table">
          <caption className="sr-only">{t("versions")}</caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2">{t("version")}</th>
              <th scope="col" className="px-3 py-2">{t("created")}</th>
              <th scope="col" className="px-3 py-2">{t("score")}</th>
              <th scope="col" className="px-3 py-2">{t("backend")}</th>
              <th scope="col" className="px-3 py-2">{t("trainingTime")}</th>
              <th scope="col" className="px-3 py-2">{t("dataset")}</th>
              <th scope="col" className="px-3 py-2"><span className="sr-only">{t("actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id} className={`border-t border-slate-100 ${detail?.id === v.id ? "bg-brand-50" : ""}`} data-testid="version-row">
                <td className="px-3 py-2">
                  <button type="button" className="font-medium text-brand-700 underline" onClick={() => choose(v.id)}>
                    v{v.number}
                  </button>
                  {v.active ? <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800">{t("active")}</span> : null}
                </td>
                <td className="px-3 py-2">{fmtDate.format(new Date(v.createdAt))}</td>
                <td className="px-3 py-2 tabular-nums">
                  {headlineText(v.headline)}
                </td>
                <td className="px-3 py-2">{v.backend}</td>
                <td className="px-3 py-2 tabular-nums">{(v.trainingMs / 1000).toFixed(1)} s</td>
                <td className="px-3 py-2">{v.datasetVersion !== null ? `v${v.datasetVersion}` : "—"}</td>
                <td className="px-3 py-2 text-right">
                  {!v.active ? (
                    <Button size="sm" variant="secondary" onClick={() => activate(v.id)}>
                      {t("makeActive")}
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {detail && m ? (
        <section className="space-y-4">
          <div className="flex flex-wrap items-center gap-3">
            <h3 className="text-lg font-medium">{t("detailTitle", { number: detail.number })}</h3>
            {versions.length > 1 ? (
              <label className="text-sm">
                {t("compareWith")}{" "}
                <select className="rounded border border-slate-300 bg-white px-2 py-1" onChange={(e) => chooseCompare(e.target.value)} defaultValue="">
                  <option value="">—</option>
                  {versions.filter((v) => v.id !== detail.id).map((v) => (
                    <option key={v.id} value={v.id}>
                      v{v.number}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
          <p className="text-sm text-slate-600">
            {detail.manifest.metricsSplit === "validation" ? t("measuredOnValidation", { count: m.samples }) : t("measuredOnTraining", { count: m.samples })}
          </p>
          {m.kind === "classification" ? (
            <>
              <div className="grid gap-3 sm:grid-cols-3">
                <Metric label={t("accuracy")} value={pct(m.accuracy)} testId="metric-accuracy" />
                <Metric label={t("macroF1")} value={pct(m.macroF1)} testId="metric-macro-f1" />
                <Metric label={t("evaluated")} value={String(m.samples)} />
              </div>
              {compare?.manifest.metrics?.kind === "classification" ? (
                <table className="text-sm" data-testid="compare-table">
                  <thead>
                    <tr>
                      <th className="px-2 text-left">{t("metric")}</th>
                      <th className="px-2">v{detail.number}</th>
                      <th className="px-2">v{compare.number}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      <td className="px-2">{t("accuracy")}</td>
                      <td className="px-2 tabular-nums">{pct(m.accuracy)}</td>
                      <td className="px-2 tabular-nums">{pct(compare.manifest.metrics.accuracy)}</td>
                    </tr>
                    <tr>
                      <td className="px-2">{t("macroF1")}</td>
                      <td className="px-2 tabular-nums">{pct(m.macroF1)}</td>
                      <td className="px-2 tabular-nums">{pct(compare.manifest.metrics.macroF1)}</td>
                    </tr>
                    <tr>
                      <td className="px-2">{t("modelType")}</td>
                      <td className="px-2">{detail.modelType}</td>
                      <td className="px-2">{compare.modelType}</td>
                    </tr>
                  </tbody>
                </table>
              ) : null}
              <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
                <table className="min-w-full text-sm" data-testid="per-class-table">
                  <caption className="px-3 pt-3 text-left text-sm font-medium text-slate-700">{t("perClassTitle")}</caption>
                  <thead>
                    <tr className="text-left">
                      <th scope="col" className="px-3 py-2">{t("class")}</th>
                      <th scope="col" className="px-3 py-2">{t("precision")}</th>
                      <th scope="col" className="px-3 py-2">{t("recall")}</th>
                      <th scope="col" className="px-3 py-2">F1</th>
                      <th scope="col" className="px-3 py-2">{t("support")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.perClass.map((c) => (
                      <tr key={c.label} className="border-t border-slate-100">
                        <th scope="row" className="px-3 py-1 text-left font-medium">{c.label}</th>
                        <td className="px-3 py-1 tabular-nums">{pct(c.precision)}</td>
                        <td className="px-3 py-1 tabular-nums">{pct(c.recall)}</td>
                        <td className="px-3 py-1 tabular-nums">{pct(c.f1)}</td>
                        <td className="px-3 py-1 tabular-nums">{c.support}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="rounded-xl border border-slate-200 bg-white p-4">
                <ConfusionMatrix metrics={m} selected={cell} onSelect={setCell} />
                {cell ? (
                  <div className="mt-4" data-testid="cell-examples">
                    <p className="text-sm font-medium">
                      {t("cellExamples", { actual: m.labels[ca], predicted: m.labels[cp] })}
                    </p>
                    {examples.length === 0 ? (
                      <p className="text-sm text-slate-500">{ca === cp ? t("correctCell") : t("noExamples")}</p>
                    ) : (
                      <ul className="mt-2 grid gap-2 sm:grid-cols-2">
                        {examples.map((e) => (
                          <li key={e.sampleId} className="rounded border border-slate-200 p-2 text-sm">
                            {e.blobId ? (
                              // eslint-disable-next-line @next/next/no-img-element
                              <img src={`/api/projects/${projectId}/blobs/${e.blobId}`} alt="" className="h-20 w-20 rounded object-cover" />
                            ) : (
                              <span className="whitespace-pre-wrap break-words">{e.text}</span>
                            )}
                          </li>
                        ))}
                      </ul>
                    )}
                  </div>
                ) : (
                  <p className="mt-2 text-xs text-slate-500">{t("clickCell")}</p>
                )}
              </div>
            </>
          ) : m.kind === "regression" ? (
            <div className="grid gap-3 sm:grid-cols-3">
              <Metric label="MAE" value={num(m.mae)} testId="metric-mae" />
              <Metric label="RMSE" value={num(m.rmse)} testId="metric-rmse" />
              <Metric label="R²" value={m.r2.toFixed(3)} testId="metric-r2" />
            </div>
          ) : (
            <SceneMetrics m={m} />
          )}
        </section>
      ) : null}
    </div>
  );
}
