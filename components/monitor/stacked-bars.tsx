"use client";

/** A small dependency-free SVG chart: one stacked bar per day, one segment per channel. */
export interface StackSeries {
  key: string;
  name: string;
  color: string;
}

export function StackedBars({
  title,
  ariaLabel,
  days,
  series,
  testId,
}: {
  title: string;
  ariaLabel: string;
  days: ({ day: string } & Record<string, number | string>)[];
  series: StackSeries[];
  testId?: string;
}) {
  const W = 640;
  const H = 180;
  const P = { l: 32, r: 8, t: 8, b: 22 };
  const totals = days.map((d) => series.reduce((n, s) => n + Number(d[s.key] ?? 0), 0));
  const top = Math.max(1, ...totals);
  const slot = (W - P.l - P.r) / Math.max(1, days.length);
  const bar = Math.max(1, slot * 0.7);
  const sy = (v: number) => ((H - P.t - P.b) * v) / top;
  // Label every n-th day so the axis stays readable for 90 days.
  const every = Math.max(1, Math.ceil(days.length / 8));
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-3" data-testid={testId}>
      <figcaption className="text-sm font-medium text-slate-700">{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="mt-1 w-full" role="img" aria-label={ariaLabel}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={P.l} x2={W - P.r} y1={H - P.b - sy(top * f)} y2={H - P.b - sy(top * f)} stroke="#e2e8f0" />
            <text x={P.l - 4} y={H - P.b - sy(top * f) + 3} textAnchor="end" fontSize="9" fill="#64748b">
              {Math.round(top * f)}
            </text>
          </g>
        ))}
        {days.map((d, i) => {
          const x = P.l + i * slot + (slot - bar) / 2;
          let y = H - P.b;
          return (
            <g key={d.day} data-testid="day-bar" data-day={d.day} data-total={totals[i]}>
              <title>{`${d.day}: ${totals[i]}`}</title>
              {series.map((s) => {
                const h = sy(Number(d[s.key] ?? 0));
                if (h <= 0) return null;
                y -= h;
                return <rect key={s.key} x={x} y={y} width={bar} height={h} fill={s.color} />;
              })}
              {(i % every === 0 && days.length - 1 - i >= every / 2) || i === days.length - 1 ? (
                <text x={x + bar / 2} y={H - 6} textAnchor="middle" fontSize="9" fill="#64748b">
                  {d.day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <div className="flex flex-wrap gap-3 text-xs text-slate-600">
        {series.map((s) => (
          <span key={s.key} className="flex items-center gap-1" data-testid={`legend-${s.key}`}>
            <span className="inline-block h-2 w-3 rounded-sm" style={{ background: s.color }} />
            {s.name}: {days.reduce((n, d) => n + Number(d[s.key] ?? 0), 0)}
          </span>
        ))}
      </div>
    </figure>
  );
}
