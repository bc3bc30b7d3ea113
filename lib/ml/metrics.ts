/**
 * Evaluation metrics. Pure functions over plain arrays so they are easy to check by hand and run
 * anywhere (worker, server, tests). Results are JSON-safe and go into the bundle manifest.
 */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of samples whose true class is this one. */
  support: number;
}

export interface ConfusionCell {
  /** Index into labels of the true class. */
  actual: number;
  /** Index into labels of the predicted class. */
  predicted: number;
  count: number;
  /** Sample ids (as passed in, e.g. dataset row numbers) that fell in this cell. */
  samples: number[];
}

export interface ClassificationReport {
  kind: "classification";
  samples: number;
  accuracy: number;
  /** Unweighted mean F1 over classes that occur in the truth or the predictions. */
  macroF1: number;
  perClass: ClassMetrics[];
  labels: string[];
  /** counts[actual][predicted]. */
  confusion: number[][];
  /** The non-empty cells, with their sample ids, so the UI can list misclassified samples. */
  cells: ConfusionCell[];
  /** How a confidence threshold would behave (the chatbot's fallback), when confidences are known. */
  confidence?: ConfidenceCurve;
}

/**
 * For each threshold: the share of samples whose top confidence is below it (they would get the
 * fallback answer) and the accuracy on the others.
 */
export interface ConfidenceCurve {
  thresholds: number[];
  fallbackRate: number[];
  /** Accuracy on samples at or above the threshold; null when none are. */
  answeredAccuracy: (number | null)[];
}

export const DEFAULT_THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export function confidenceCurve(confidences: ArrayLike<number>, correct: ArrayLike<boolean>, thresholds: readonly number[] = DEFAULT_THRESHOLDS): ConfidenceCurve {
  const fallback: number[] = [];
  const answered: (number | null)[] = [];
  for (const t of thresholds) {
    let below = 0;
    let right = 0;
    for (let i = 0; i < confidences.length; i++) {
      if (confidences[i] < t) below++;
      else if (correct[i]) right++;
    }
    const kept = confidences.length - below;
    fallback.push(confidences.length ? below / confidences.length : 0);
    answered.push(kept > 0 ? right / kept : null);
  }
  return { thresholds: [...thresholds], fallbackRate: fallback, answeredAccuracy: answered };
}

export interface RegressionReport {
  kind: "regression";
  samples: number;
  mae: number;
  rmse: number;
  /** 1 - SS_res / SS_tot; 1 is perfect, 0 is as good as predicting the mean. */
  r2: number;
}

/** FAQ retrieval on held-out paraphrases. */
export interface RetrievalReport {
  kind: "retrieval";
  samples: number;
  top1: number;
  top3: number;
  mrr: number;
  /** The worst misses first (right entry ranked lowest, then most confident wrong answer). */
  misses: RetrievalMiss[];
  confidence?: ConfidenceCurve;
}

export interface RetrievalMiss {
  query: string;
  expectedId: string;
  expectedQuestion: string;
  predictedId: string;
  predictedQuestion: string;
  confidence: number;
  rank: number;
}

export interface PrfScores {
  precision: number;
  recall: number;
  f1: number;
}

/** Entity extraction: exact span match (same start, end and type), micro-averaged and per type. */
export interface EntitiesReport extends PrfScores {
  kind: "entities";
  samples: number;
  perType: (PrfScores & { type: string; support: number; predicted: number })[];
  tokenAccuracy: number;
}

export interface RankingReport {
  kind: "ranking";
  samples: number;
  rmse: number | null;
  mae: number | null;
  hitRate10: number | null;
  users: number;
}

export interface MultiLabelReport {
  kind: "multi-label";
  samples: number;
  microPrecision: number;
  microRecall: number;
  microF1: number;
  macroF1: number;
  exactMatch: number;
  perTag: (PrfScores & { label: string; support: number; threshold: number })[];
}

export type EvaluationReport = ClassificationReport | RegressionReport | RetrievalReport | EntitiesReport | RankingReport | MultiLabelReport;

export function prf(tp: number, predicted: number, actual: number): PrfScores {
  const precision = predicted > 0 ? tp / predicted : 0;
  const recall = actual > 0 ? tp / actual : 0;
  return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

/**
 * @param actual true class index per sample
 * @param predicted predicted class index per sample
 * @param sampleIds id to report per sample (defaults to the position)
 */
export function classificationReport(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labels: readonly string[],
  sampleIds?: ArrayLike<number>,
): ClassificationReport {
  if (actual.length !== predicted.length) throw new Error(`actual has ${actual.length} samples, predicted ${predicted.length}`);
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const cellSamples = new Map<number, number[]>();
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const p = predicted[i];
    if (!(a >= 0 && a < k && p >= 0 && p < k)) throw new RangeError(`class index out of range at sample ${i}`);
    confusion[a][p]++;
    if (a === p) correct++;
    const key = a * k + p;
    const list = cellSamples.get(key) ?? [];
    list.push(sampleIds ? sampleIds[i] : i);
    cellSamples.set(key, list);
  }
  const perClass: ClassMetrics[] = labels.map((label, c) => {
    const tp = confusion[c][c];
    let support = 0;
    let predictedCount = 0;
    for (let j = 0; j < k; j++) {
      support += confusion[c][j];
      predictedCount += confusion[j][c];
    }
    const precision = predictedCount > 0 ? tp / predictedCount : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((m, c) => m.support > 0 || confusion.some((row) => row[c] > 0));
  const cells = [...cellSamples.entries()]
    .sort(([x], [y]) => x - y)
    .map(([key, samples]) => ({ actual: Math.floor(key / k), predicted: key % k, count: samples.length, samples }));
  return {
    kind: "classification",
    samples: actual.length,
    accuracy: actual.length > 0 ? correct / actual.length : 0,
    macroF1: present.length > 0 ? present.reduce((s, m) => s + m.f1, 0) / present.length : 0,
    perClass,
    labels: [...labels],
    confusion,
    cells,
  };
}

export function regressionReport(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionReport {
  const n = actual.length;
  if (n !== predicted.length) throw new Error(`actual has ${n} samples, predicted ${predicted.length}`);
  if (n === 0) return { kind: "regression", samples: 0, mae: 0, rmse: 0, r2: 0 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i];
  mean /= n;
  let abs = 0;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const d = predicted[i] - actual[i];
    abs += Math.abs(d);
    ssRes += d * d;
    ssTot += (actual[i] - mean) ** 2;
  }
  return {
    kind: "regression",
    samples: n,
    mae: abs / n,
    rmse: Math.sqrt(ssRes / n),
    r2: ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0,
  };
}

/** Share of predictions whose confidence is below the threshold (the chatbot's fallback rate). */
export function fallbackRate(confidences: ArrayLike<number>, threshold: number): number {
  if (confidences.length === 0) return 0;
  let below = 0;
  for (let i = 0; i < confidences.length; i++) if (confidences[i] < threshold) below++;
  return below / confidences.length;
}

/** Index of the largest value in each row of a row-major [n, k] matrix. */
export function argmaxRows(values: ArrayLike<number>, k: number): Int32Array {
  const n = Math.floor(values.length / k);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (values[i * k + c] > values[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}
