"use client";

import { useTranslations } from "next-intl";
import type { ClassificationMetrics } from "./types";

/** Heat map of actual (rows) × predicted (columns); each cell is a button that shows its examples. */
export function ConfusionMatrix({
  metrics,
  selected,
  onSelect,
}: {
  metrics: ClassificationMetrics;
  selected: string | null;
  onSelect: (cell: string) => void;
}) {
  const t = useTranslations("evaluate");
  const max = Math.max(1, ...metrics.confusion.flat());
  return (
    <div className="overflow-x-auto">
      <table className="border-collapse text-xs" data-testid="confusion-matrix">
        <caption className="mb-2 text-left text-sm font-medium text-slate-700">{t("confusionTitle")}</caption>
        <thead>
          <tr>
            <th scope="col" className="p-1 text-left text-slate-500">
              {t("actualPredicted")}
            </th>
            {metrics.labels.map((l) => (
              <th key={l} scope="col" className="max-w-20 truncate p-1 font-medium" title={l}>
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {metrics.confusion.map((row, a) => (
            <tr key={a}>
              <th scope="row" className="max-w-32 truncate p-1 text-left font-medium" title={metrics.labels[a]}>
                {metrics.labels[a]}
              </th>
              {row.map((count, p) => {
                const key = `${a}:${p}`;
                const intensity = count / max;
                const wrong = a !== p;
                const bg = count === 0 ? "rgb(248 250 252)" : wrong ? `rgba(220, 38, 38, ${0.15 + 0.85 * intensity})` : `rgba(31, 90, 214, ${0.15 + 0.85 * intensity})`;
                return (
                  <td key={p} className="p-0.5">
                    <button
                      type="button"
                      disabled={count === 0}
                      onClick={() => onSelect(key)}
                      aria-pressed={selected === key}
                      aria-label={t("cellLabel", { actual: metrics.labels[a], predicted: metrics.labels[p], count })}
                      data-testid={`cell-${a}-${p}`}
                      className={`h-9 w-11 rounded text-center tabular-nums ${intensity > 0.5 ? "text-white" : "text-slate-800"} ${selected === key ? "ring-2 ring-amber-400" : ""}`}
                      style={{ background: bg }}
                    >
                      {count}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
