import type { ClassPrediction } from "@/lib/ml/types";

/** Top-k labels with their confidence, as text and a bar. */
export function ConfidenceBars({ prediction }: { prediction: ClassPrediction }) {
  return (
    <ul className="mt-2 space-y-1" data-testid="confidence-bars" data-label={prediction.label} data-confidence={String(prediction.confidence)}>
      {prediction.topK.map((p) => (
        <li key={p.label} className="grid grid-cols-[minmax(0,8rem)_1fr_3rem] items-center gap-2 text-xs">
          <span className="truncate">{p.label}</span>
          <span className="h-2 rounded bg-slate-100">
            <span className="block h-2 rounded bg-brand-500" style={{ width: `${Math.round(p.confidence * 100)}%` }} />
          </span>
          <span className="text-right tabular-nums">{Math.round(p.confidence * 100)}%</span>
        </li>
      ))}
    </ul>
  );
}
