"use client";

/** A small dependency-free SVG line chart for live training curves. */
export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number | null }[];
  dashed?: boolean;
}

export function LineChart({ title, series, yMax, format = (v) => v.toFixed(2), testId }: {
  title: string;
  series: Series[];
  yMax?: number;
  format?: (v: number) => string;
  testId?: string;
}) {
  const W = 320;
  const H = 160;
  const P = { l: 40, r: 8, t: 8, b: 22 };
  const all = series.flatMap((s) => s.points.filter((p) => p.y !== null && Number.isFinite(p.y)) as { x: number; y: number }[]);
  const xMax = Math.max(1, ...all.map((p) => p.x));
  const top = yMax ?? Math.max(1e-6, ...all.map((p) => p.y)) * 1.05;
  const sx = (x: number) => P.l + ((W - P.l - P.r) * (x - 1)) / Math.max(1, xMax - 1);
  const sy = (y: number) => P.t + (H - P.t - P.b) * (1 - Math.min(y, top) / top);
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-3" data-testid={testId}>
      <figcaption className="text-sm font-medium text-slate-700">{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="mt-1 w-full" role="img" aria-label={title}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={P.l} x2={W - P.r} y1={sy(top * f)} y2={sy(top * f)} stroke="#e2e8f0" />
            <text x={P.l - 4} y={sy(top * f) + 3} textAnchor="end" fontSize="9" fill="#64748b">
              {format(top * f)}
            </text>
          </g>
        ))}
        {series.map((s) => {
          const pts = s.points.filter((p) => p.y !== null && Number.isFinite(p.y)) as { x: number; y: number }[];
          if (!pts.length) return null;
          return (
            <polyline
              key={s.name}
              fill="none"
              stroke={s.color}
              strokeWidth="2"
              strokeDasharray={s.dashed ? "4 3" : undefined}
              points={pts.map((p) => `${sx(p.x)},${sy(p.y)}`).join(" ")}
            />
          );
        })}
      </svg>
      <div className="flex flex-wrap gap-3 text-xs text-slate-600">
        {series.map((s) => {
          const last = [...s.points].reverse().find((p) => p.y !== null);
          return (
            <span key={s.name} className="flex items-center gap-1">
              <span className="inline-block h-0.5 w-4" style={{ background: s.color }} />
              {s.name}
              {last?.y !== null && last?.y !== undefined ? `: ${format(last.y)}` : ""}
            </span>
          );
        })}
      </div>
    </figure>
  );
}
