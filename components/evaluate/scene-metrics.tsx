"use client";

import { useTranslations } from "next-intl";
import type { EntitiesReport, MultiLabelReport, RankingReport, RetrievalReport } from "@/lib/ml/metrics";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3));

export function Metric({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4">
      <p className="text-xs uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </p>
    </div>
  );
}

function PrfTable({ rows, caption, nameHeader, testId }: { rows: { name: string; precision: number; recall: number; f1: number; support: number; extra?: string }[]; caption: string; nameHeader: string; testId: string }) {
  const t = useTranslations("evaluate");
  const hasExtra = rows.some((r) => r.extra !== undefined);
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="min-w-full text-sm" data-testid={testId}>
        <caption className="px-3 pt-3 text-left text-sm font-medium text-slate-700">{caption}</caption>
        <thead>
          <tr className="text-left">
            <th scope="col" className="px-3 py-2">{nameHeader}</th>
            <th scope="col" className="px-3 py-2">{t("precision")}</th>
            <th scope="col" className="px-3 py-2">{t("recall")}</th>
            <th scope="col" className="px-3 py-2">F1</th>
            <th scope="col" className="px-3 py-2">{t("support")}</th>
            {hasExtra ? <th scope="col" className="px-3 py-2">{t("threshold")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} className="border-t border-slate-100">
              <th scope="row" className="px-3 py-1 text-left font-medium">{r.name}</th>
              <td className="px-3 py-1 tabular-nums">{pct(r.precision)}</td>
              <td className="px-3 py-1 tabular-nums">{pct(r.recall)}</td>
              <td className="px-3 py-1 tabular-nums">{pct(r.f1)}</td>
              <td className="px-3 py-1 tabular-nums">{r.support}</td>
              {hasExtra ? <td className="px-3 py-1 tabular-nums">{r.extra}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Metrics of the FAQ, entity, recommendation and multi-label scenes (Evaluate tab). */
export function SceneMetrics({ m }: { m: RetrievalReport | EntitiesReport | RankingReport | MultiLabelReport }) {
  const t = useTranslations("evaluate");
  switch (m.kind) {
    case "retrieval":
      return (
        <div className="space-y-4">
          <div className="grid gap-3 sm:grid-cols-3">
            <Metric label={t("top1")} value={pct(m.top1)} testId="metric-top1" />
            <Metric label={t("top3")} value={pct(m.top3)} testId="metric-top3" />
            <Metric label={t("evaluated")} value={String(m.samples)} />
          </div>
          <div className="rounded-xl border border-slate-200 bg-white p-4" data-testid="worst-misses">
            <h4 className="text-sm font-medium">{t("worstMisses")}</h4>
            {m.misses.length === 0 ? (
              <p className="mt-1 text-sm text-slate-600">{t("noMisses")}</p>
            ) : (
              <ul className="mt-2 space-y-2 text-sm">
                {m.misses.slice(0, 10).map((x, i) => (
                  <li key={i} className="rounded border border-slate-100 p-2">
                    <p className="whitespace-pre-wrap break-words font-medium">“{x.query}”</p>
                    <p className="text-slate-600">
                      {t("missExpected")}: <span className="whitespace-pre-wrap break-words">{x.expectedQuestion}</span>
                    </p>
                    <p className="text-slate-600">
                      {t("missGot", { confidence: pct(x.confidence) })}: <span className="whitespace-pre-wrap break-words">{x.predictedQuestion}</span>
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      );
    case "entities":
      return (
        <div className="space-y-4">
          <div className="grid gap-3 sm:grid-cols-4">
            <Metric label={t("precision")} value={pct(m.precision)} testId="metric-precision" />
            <Metric label={t("recall")} value={pct(m.recall)} testId="metric-recall" />
            <Metric label="F1" value={pct(m.f1)} testId="metric-f1" />
            <Metric label={t("evaluated")} value={String(m.samples)} />
          </div>
          <PrfTable
            testId="per-type-table"
            caption={t("perTypeTitle")}
            nameHeader={t("entityType")}
            rows={m.perType.map((r) => ({ name: r.type, precision: r.precision, recall: r.recall, f1: r.f1, support: r.support }))}
          />
        </div>
      );
    case "ranking":
      return (
        <div className="grid gap-3 sm:grid-cols-4">
          {m.rmse !== null ? <Metric label="RMSE" value={num(m.rmse)} testId="metric-rmse" /> : null}
          {m.mae !== null ? <Metric label="MAE" value={num(m.mae)} testId="metric-mae" /> : null}
          {m.hitRate10 !== null ? <Metric label={t("hitRate10")} value={pct(m.hitRate10)} testId="metric-hit-rate" /> : null}
          <Metric label={t("evaluated")} value={String(m.samples)} />
        </div>
      );
    case "multi-label":
      return (
        <div className="space-y-4">
          <div className="grid gap-3 sm:grid-cols-4">
            <Metric label={t("microF1")} value={pct(m.microF1)} testId="metric-micro-f1" />
            <Metric label={t("macroF1")} value={pct(m.macroF1)} testId="metric-macro-f1" />
            <Metric label={t("exactMatch")} value={pct(m.exactMatch)} />
            <Metric label={t("evaluated")} value={String(m.samples)} />
          </div>
          <PrfTable
            testId="per-tag-table"
            caption={t("perTagTitle")}
            nameHeader={t("tag")}
            rows={m.perTag.map((r) => ({ name: r.label, precision: r.precision, recall: r.recall, f1: r.f1, support: r.support, extra: r.threshold.toFixed(2) }))}
          />
        </div>
      );
  }
}
