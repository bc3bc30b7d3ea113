import type { EntitySample } from "./entities";
import { type DataIssue, error, hasErrors, warning } from "./issues";
import { type DataLimits, resolveLimits } from "./limits";

/** Anything with a label: text rows, FAQ answers, images or clips per class, tabular targets. */
export interface LabeledSample {
  label: string;
  /** Compared (normalised) to find duplicates and conflicting labels; omit for images and audio. */
  text?: string;
  row?: number;
  file?: string;
}

export interface DatasetReport {
  total: number;
  /** Examples per label, largest first. */
  classes: { label: string; count: number }[];
  /** Errors block training; warnings are advice. */
  issues: DataIssue[];
  canTrain: boolean;
}

/** Text as compared for duplicates: Unicode-normalised (full-width → half-width), lower case, spaces collapsed. */
export function normalizeForDuplicates(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * Quality report for a labelled dataset: counts per label; errors for no samples, a single class,
 * empty labels; warnings for classes below the minimum, heavy imbalance, exact duplicates (after
 * normalisation) and the same text with two different labels.
 */
export function analyzeDataset(samples: readonly LabeledSample[], limitOverrides?: Partial<DataLimits>): DatasetReport {
  const limits = resolveLimits(limitOverrides);
  const issues: DataIssue[] = [];
  const counts = new Map<string, number>();
  for (const s of samples) {
    const label = s.label.trim();
    if (!label) {
      issues.push(error("label-empty", {}, where(s)));
      continue;
    }
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const classes = [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
  const total = classes.reduce((n, c) => n + c.count, 0);

  if (total === 0) issues.push(error("no-samples"));
  else if (classes.length === 1) issues.push(error("single-class", { label: classes[0].label }));

  for (const c of classes) {
    if (c.count < limits.minExamplesPerClass) {
      issues.push(warning("class-too-small", { label: c.label, count: c.count, min: limits.minExamplesPerClass }));
    }
  }
  if (classes.length >= 2) {
    const largest = classes[0];
    const smallest = classes[classes.length - 1];
    const ratio = largest.count / smallest.count;
    if (ratio > limits.maxImbalanceRatio) {
      issues.push(
        warning("class-imbalance", {
          largest: largest.label,
          largestCount: largest.count,
          smallest: smallest.label,
          smallestCount: smallest.count,
          ratio: Math.round(ratio * 10) / 10,
          limit: limits.maxImbalanceRatio,
        }),
      );
    }
  }

  const firstByText = new Map<string, LabeledSample>();
  const labelsByText = new Map<string, Set<string>>();
  for (const s of samples) {
    if (s.text === undefined || !s.label.trim()) continue;
    const key = normalizeForDuplicates(s.text);
    if (!key) continue;
    const first = firstByText.get(key);
    const labels = labelsByText.get(key) ?? new Set<string>();
    if (!first) {
      firstByText.set(key, s);
    } else if (labels.has(s.label.trim())) {
      issues.push(warning("duplicate-text", { firstRow: first.row ?? 0, text: clip(s.text) }, where(s)));
    } else {
      const seen = [...labels].join(", ");
      issues.push(warning("conflicting-labels", { text: clip(s.text), label: s.label.trim(), otherLabels: seen, firstRow: first.row ?? 0 }, where(s)));
    }
    labels.add(s.label.trim());
    labelsByText.set(key, labels);
  }
  return { total, classes, issues, canTrain: !hasErrors(issues) };
}

export interface EntityReport {
  sentences: number;
  /** Sentences with at least one entity. */
  withEntities: number;
  /** Entities per type, most frequent first. */
  types: { label: string; count: number }[];
  issues: DataIssue[];
  canTrain: boolean;
}

/** Quality report for entity data: entities per type; an error when there are none. */
export function analyzeEntityDataset(samples: readonly EntitySample[], limitOverrides?: Partial<DataLimits>): EntityReport {
  const limits = resolveLimits(limitOverrides);
  const issues: DataIssue[] = [];
  const counts = new Map<string, number>();
  let withEntities = 0;
  for (const s of samples) {
    if (s.spans.length) withEntities++;
    for (const sp of s.spans) counts.set(sp.label, (counts.get(sp.label) ?? 0) + 1);
  }
  const types = [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
  if (samples.length === 0) issues.push(error("no-samples"));
  else if (types.length === 0) issues.push(error("no-entities"));
  for (const t of types) {
    if (t.count < limits.minExamplesPerEntityType) {
      issues.push(warning("entity-type-too-small", { label: t.label, count: t.count, min: limits.minExamplesPerEntityType }));
    }
  }
  const firstByText = new Map<string, number>();
  for (const s of samples) {
    const key = normalizeForDuplicates(s.text);
    const first = firstByText.get(key);
    if (first !== undefined) issues.push(warning("duplicate-text", { firstRow: first, text: clip(s.text) }, { row: s.row }));
    else firstByText.set(key, s.row);
  }
  return { sentences: samples.length, withEntities, types, issues, canTrain: !hasErrors(issues) };
}

function where(s: LabeledSample) {
  return { ...(s.row !== undefined ? { row: s.row } : {}), ...(s.file !== undefined ? { file: s.file } : {}) };
}

/** Long texts are shortened in messages. */
function clip(text: string): string {
  const t = text.trim();
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
}
