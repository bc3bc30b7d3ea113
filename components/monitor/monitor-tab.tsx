"use client";

import { useTranslations } from "next-intl";
import { useCallback, useEffect, useState } from "react";
import { apiFetch } from "@/lib/client/api";
import { ReviewList, type AddRequest } from "./review-list";
import { StackedBars } from "./stacked-bars";
import type { ChannelId, MonitorView } from "./types";

const CHANNEL_COLORS: Record<ChannelId, string> = { playground: "#6366f1", share: "#0ea5e9", embed: "#f59e0b", api: "#10b981" };
const PERIODS = [7, 30, 90] as const;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function Card({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId?: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4">
      <p className="text-xs uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </p>
      {detail ? <p className="mt-1 text-xs text-slate-500">{detail}</p> : null}
    </div>
  );
}

/**
 * Monitor: per model version, predictions per day by channel, answer time, confidence, fallback
 * rate, feedback accuracy, and the inputs worth adding to the dataset for the next training run.
 */
export function MonitorTab({ projectId }: { projectId: string }) {
  const t = useTranslations("monitor");
  const [data, setData] = useState<MonitorView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState<string | null>(null);
  const [days, setDays] = useState<number>(30);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(async () => {
    const q = new URLSearchParams({ days: String(days), ...(version ? { version } : {}) });
    const res = await apiFetch<MonitorView>(`/api/projects/${projectId}/monitor?${q}`);
    if (!res.ok) return setError(t("loadFailed", { message: res.error.message }));
    setError(null);
    setData(res.data);
  }, [projectId, version, days, t]);

  useEffect(() => {
    void load();
  }, [load]);

  async function add(req: AddRequest) {
    setBusy(true);
    setNotice(null);
    const res = await apiFetch<{ added: number; skipped: number; version: number | null }>(`/api/projects/${projectId}/feedback/add-to-dataset`, { body: req });
    setBusy(false);
    if (!res.ok) return setNotice({ ok: false, text: res.error.message });
    setNotice({
      ok: true,
      text: res.data.added > 0 ? t("added", { count: res.data.added, version: res.data.version ?? 0 }) : t("addedNone"),
    });
    await load();
  }

  if (error) return <p role="alert" className="rounded-2xl bg-red-50 p-6 text-red-800">{error}</p>;
  if (!data) return <p className="text-slate-500">{t("loading")}</p>;

  const channels = (["playground", "share", "embed", "api"] as const).map((c) => ({ key: c, name: t(`channels.${c}`), color: CHANNEL_COLORS[c] }));
  const binTop = Math.max(1, ...data.confidence);
  const ms = (v: number) => t("ms", { value: v < 10 ? v.toFixed(1) : Math.round(v) });

  return (
    <div className="space-y-6" data-testid="monitor-tab">
      <div className="flex flex-wrap items-end gap-4">
        <label className="text-sm">
          <span className="block text-slate-600">{t("versionLabel")}</span>
          <select
            className="mt-1 rounded border border-slate-300 bg-white px-2 py-1"
            value={data.version ?? "all"}
            onChange={(e) => setVersion(e.target.value)}
            data-testid="monitor-version"
          >
            <option value="all">{t("allVersions")}</option>
            {data.versions.map((v) => (
              <option key={v.id} value={v.id}>
                {v.active ? t("activeVersion", { number: v.number }) : `v${v.number}`}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-slate-600">{t("periodLabel")}</span>
          <select className="mt-1 rounded border border-slate-300 bg-white px-2 py-1" value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="monitor-days">
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                {t("lastDays", { days: d })}
              </option>
            ))}
          </select>
        </label>
        <p className="pb-1 text-sm text-slate-700" data-testid="monitor-total">
          {t("total", { count: data.total })}
        </p>
      </div>

      <p className="rounded-xl bg-slate-100 p-3 text-sm text-slate-700" data-testid="privacy-note">
        {t("privacyNote")}
      </p>
      <p role="status" aria-live="polite" className={`text-sm ${notice?.ok ? "text-emerald-700" : "text-red-700"}`} data-testid="monitor-notice">
        {notice?.text}
      </p>

      {data.total === 0 && data.feedback.total === 0 ? (
        <p className="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-slate-600" data-testid="monitor-empty">
          {t("empty")}
        </p>
      ) : (
        <>
          {data.truncated ? <p className="text-sm text-amber-700">{t("truncated", { count: data.total })}</p> : null}
          <StackedBars title={t("perDayTitle")} ariaLabel={t("perDayAria")} days={data.perDay} series={channels} testId="per-day-chart" />
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
            <Card label={`${t("latencyTitle")} · ${t("p50")}`} value={data.latency ? ms(data.latency.p50) : t("noValue")} testId="latency-p50" />
            <Card label={`${t("latencyTitle")} · ${t("p95")}`} value={data.latency ? ms(data.latency.p95) : t("noValue")} testId="latency-p95" />
            <Card label={`${t("latencyTitle")} · ${t("p99")}`} value={data.latency ? ms(data.latency.p99) : t("noValue")} testId="latency-p99" />
            <Card label={t("fallbackRate")} value={data.fallbackRate === null ? t("noValue") : pct(data.fallbackRate)} detail={t("fallbackHelp")} testId="fallback-rate" />
            <Card
              label={t("feedbackAccuracy")}
              value={data.feedback.accuracy === null ? t("noValue") : pct(data.feedback.accuracy)}
              detail={data.feedback.total ? t("feedbackCount", { correct: data.feedback.correct, total: data.feedback.total }) : t("noFeedback")}
              testId="feedback-accuracy"
            />
          </div>
          <figure className="rounded-xl border border-slate-200 bg-white p-3" data-testid="confidence-chart">
            <figcaption className="text-sm font-medium text-slate-700">{t("confidenceTitle")}</figcaption>
            <ul className="mt-2 space-y-1">
              {data.confidence.map((n, i) => (
                <li key={i} className="grid grid-cols-[5rem_1fr_3rem] items-center gap-2 text-xs" data-testid="confidence-bin">
                  <span className="tabular-nums text-slate-600">{t("confidenceBin", { from: i * 10, to: (i + 1) * 10 })}</span>
                  <span className="h-2 rounded bg-slate-100">
                    <span className="block h-2 rounded bg-brand-500" style={{ width: `${(n / binTop) * 100}%` }} />
                  </span>
                  <span className="text-right tabular-nums">{n}</span>
                </li>
              ))}
            </ul>
          </figure>
        </>
      )}

      {data.cannotAddReason ? (
        <p className="text-sm text-slate-600" data-testid="cannot-add">
          {t(data.cannotAddReason === "deviceOnly" ? "cannotAddDeviceOnly" : "cannotAddScene")}
        </p>
      ) : null}
      <div className="space-y-4">
        <ReviewList
          kind="wrong"
          title={t("wrongTitle")}
          help={t("wrongHelp")}
          emptyText={t("wrongEmpty")}
          entries={data.wrong}
          labels={data.labels}
          canAdd={data.canAdd}
          busy={busy}
          onAdd={(req) => void add(req)}
        />
        <ReviewList
          kind="low"
          title={t("lowTitle")}
          help={t("lowHelp", { threshold: Math.round(data.threshold * 100) })}
          emptyText={t("lowEmpty")}
          entries={data.lowConfidence}
          labels={data.labels}
          canAdd={data.canAdd}
          busy={busy}
          onAdd={(req) => void add(req)}
        />
      </div>
    </div>
  );
}
