"use client";

import { useTranslations } from "next-intl";

/** Examples per label as horizontal bars; the numbers are in the text, not only in the bar width. */
export function LabelChart({ classes }: { classes: { label: string; count: number }[] }) {
  const t = useTranslations("data");
  const max = Math.max(1, ...classes.map((c) => c.count));
  if (classes.length === 0) return null;
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4" data-testid="label-chart">
      <figcaption className="mb-3 text-sm font-medium text-slate-700">{t("countsTitle")}</figcaption>
      <ul className="space-y-2">
        {classes.map((c) => (
          <li key={c.label} className="grid grid-cols-[minmax(5rem,12rem)_1fr_3rem] items-center gap-2 text-sm" data-testid="label-bar">
            <span className="truncate text-slate-700" title={c.label}>
              {c.label}
            </span>
            <span className="h-3 rounded bg-slate-100">
              <span className="block h-3 rounded bg-brand-500" style={{ width: `${(c.count / max) * 100}%` }} />
            </span>
            <span className="text-right tabular-nums text-slate-600" data-testid="label-count">
              {c.count}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
