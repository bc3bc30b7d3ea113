/**
 * Tabular preprocessing: turns rows (column name → cell) into fixed-length Float32Array feature
 * vectors. Fitted on the training rows only; the fitted config is saved in the bundle so the
 * browser, the share page and the REST API encode new rows identically.
 *
 *   numeric     → (x - mean) / std; a missing cell becomes 0 (the mean) plus a 0/1 "missing"
 *                 feature when the training data had missing cells in that column
 *   categorical → one-hot over the most frequent categories + one "unknown/other" slot
 *   text        → hashed bag of word and character n-grams, L2-normalised
 */
import { tokenizeBag, type BagTokenizerConfig } from "../text/tokenizer";
import type { TabularRow, Task } from "../types";

export type ColumnKind = "numeric" | "categorical" | "text" | "ignore";

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}

export type EncodedColumn =
  | { name: string; kind: "numeric"; mean: number; std: number; missingIndicator: boolean }
  | { name: string; kind: "categorical"; categories: string[] }
  | { name: string; kind: "text"; tokenizer: BagTokenizerConfig };

export type TargetEncoding =
  | { name: string; task: "classification"; labels: string[] }
  | { name: string; task: "regression"; mean: number; std: number };

export interface TabularPreprocessing {
  type: "tabular";
  version: 1;
  columns: EncodedColumn[];
  featureDim: number;
  target: TargetEncoding;
}

export interface FitTabularOptions {
  /** At most this many categories get their own slot; the rest share "unknown". */
  maxCategories?: number;
  /** Hash buckets of a text column. */
  textBuckets?: number;
}

export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "") || (typeof v === "number" && Number.isNaN(v));
}

/** A cell as a number, or null when missing or not numeric. Accepts "1,234.5", booleans and "true"/"false". */
export function parseNumber(v: unknown): number | null {
  if (isMissing(v)) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v ? 1 : 0;
  const s = String(v).trim().toLowerCase();
  if (s === "true") return 1;
  if (s === "false") return 0;
  const n = Number(s.replace(/,/g, ""));
  return Number.isFinite(n) ? n : null;
}

export function categoryOf(v: unknown): string | null {
  return isMissing(v) ? null : String(v).trim();
}

function columnWidth(c: EncodedColumn): number {
  switch (c.kind) {
    case "numeric":
      return c.missingIndicator ? 2 : 1;
    case "categorical":
      return c.categories.length + 1;
    case "text":
      return c.tokenizer.buckets - 1;
  }
}

/**
 * A row's own value for a column. Column names come from uploaded files and API callers, so one may
 * be called "__proto__", "constructor" or "toString": read as data, never inherited from Object.
 */
export function cellValue(row: TabularRow, name: string): TabularRow[string] {
  return Object.prototype.hasOwnProperty.call(row, name) ? row[name] : undefined;
}

/** Guesses each column's kind from its values (the wizard shows the guess and lets users change it). */
export function inferColumnSpecs(rows: readonly TabularRow[], targetName: string): ColumnSpec[] {
  const names = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) names.add(k);
  const specs: ColumnSpec[] = [];
  for (const name of names) {
    if (name === targetName) continue;
    const present = rows.map((r) => cellValue(r, name)).filter((v) => !isMissing(v));
    if (present.length === 0) {
      specs.push({ name, kind: "ignore" });
      continue;
    }
    const numeric = present.filter((v) => parseNumber(v) !== null).length;
    const distinct = new Set(present.map((v) => String(v).trim())).size;
    const avgLength = present.reduce<number>((s, v) => s + String(v).length, 0) / present.length;
    let kind: ColumnKind;
    if (numeric / present.length >= 0.95 && distinct > 2) kind = "numeric";
    else if (distinct <= Math.max(20, present.length * 0.05)) kind = "categorical";
    else if (avgLength >= 15) kind = "text";
    else if (distinct === present.length) kind = "ignore"; // an id column: unique short values
    else kind = "categorical";
    specs.push({ name, kind });
  }
  return specs;
}

/** Infers the task from the target column: numeric with many distinct values → regression. */
export function inferTask(rows: readonly TabularRow[], targetName: string): Task {
  const present = rows.map((r) => cellValue(r, targetName)).filter((v) => !isMissing(v));
  const numeric = present.filter((v) => parseNumber(v) !== null).length;
  const distinct = new Set(present.map((v) => String(v).trim())).size;
  return present.length > 0 && numeric === present.length && distinct > Math.min(20, present.length / 2) ? "regression" : "classification";
}

export function fitTabularPreprocessing(
  rows: readonly TabularRow[],
  columns: readonly ColumnSpec[],
  target: { name: string; task: Task },
  options: FitTabularOptions = {},
): TabularPreprocessing {
  const maxCategories = options.maxCategories ?? 50;
  const encoded: EncodedColumn[] = [];
  for (const spec of columns) {
    if (spec.kind === "ignore" || spec.name === target.name) continue;
    if (spec.kind === "numeric") {
      const values = rows.map((r) => parseNumber(cellValue(r, spec.name)));
      const present = values.filter((v): v is number => v !== null);
      const mean = present.length ? present.reduce((s, v) => s + v, 0) / present.length : 0;
      const variance = present.length ? present.reduce((s, v) => s + (v - mean) ** 2, 0) / present.length : 0;
      encoded.push({ name: spec.name, kind: "numeric", mean, std: Math.sqrt(variance) || 1, missingIndicator: present.length < values.length });
    } else if (spec.kind === "categorical") {
      const counts = new Map<string, number>();
      for (const r of rows) {
        const c = categoryOf(cellValue(r, spec.name));
        if (c !== null) counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      const categories = [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, maxCategories)
        .map(([c]) => c);
      encoded.push({ name: spec.name, kind: "categorical", categories });
    } else {
      encoded.push({
        name: spec.name,
        kind: "text",
        tokenizer: {
          type: "hashed-ngram-bag",
          version: 1,
          normalization: "nfkc-lowercase",
          hash: "fnv1a32-fmix",
          seed: 0x7ab1e,
          buckets: (options.textBuckets ?? 256) + 1,
          wordNgrams: [1, 1],
          charNgrams: [3, 4],
          cjkNgrams: [1, 2],
          maxTokens: 256,
        },
      });
    }
  }
  let targetEncoding: TargetEncoding;
  if (target.task === "classification") {
    const labels = [...new Set(rows.map((r) => categoryOf(cellValue(r, target.name))).filter((v): v is string => v !== null))].sort();
    targetEncoding = { name: target.name, task: "classification", labels };
  } else {
    const ys = rows.map((r) => parseNumber(cellValue(r, target.name))).filter((v): v is number => v !== null);
    const mean = ys.length ? ys.reduce((s, v) => s + v, 0) / ys.length : 0;
    const std = ys.length ? Math.sqrt(ys.reduce((s, v) => s + (v - mean) ** 2, 0) / ys.length) : 0;
    targetEncoding = { name: target.name, task: "regression", mean, std: std || 1 };
  }
  return { type: "tabular", version: 1, columns: encoded, featureDim: encoded.reduce((s, c) => s + columnWidth(c), 0), target: targetEncoding };
}

/** Writes the features of one row into out (length featureDim) at offset. */
export function encodeRowInto(row: TabularRow, prep: TabularPreprocessing, out: Float32Array, offset = 0): void {
  let o = offset;
  for (const c of prep.columns) {
    const v = cellValue(row, c.name);
    if (c.kind === "numeric") {
      const x = parseNumber(v);
      out[o] = x === null ? 0 : (x - c.mean) / c.std;
      if (c.missingIndicator) out[o + 1] = x === null ? 1 : 0;
    } else if (c.kind === "categorical") {
      const cat = categoryOf(v);
      const i = cat === null ? -1 : c.categories.indexOf(cat);
      out[o + (i >= 0 ? i : c.categories.length)] = 1;
    } else {
      const text = isMissing(v) ? "" : String(v);
      const ids = tokenizeBag(text, c.tokenizer);
      let norm = 0;
      const start = o;
      for (const id of ids) out[start + id - 1] += 1;
      for (let k = 0; k < c.tokenizer.buckets - 1; k++) norm += out[start + k] ** 2;
      if (norm > 0) {
        const inv = 1 / Math.sqrt(norm);
        for (let k = 0; k < c.tokenizer.buckets - 1; k++) out[start + k] *= inv;
      }
    }
    o += columnWidth(c);
  }
}

/** Features of many rows, row-major [rows.length * featureDim]. */
export function encodeRows(rows: readonly TabularRow[], prep: TabularPreprocessing): Float32Array {
  const out = new Float32Array(rows.length * prep.featureDim);
  rows.forEach((row, i) => encodeRowInto(row, prep, out, i * prep.featureDim));
  return out;
}

/** Names of the input columns a row must (or may) provide, for forms and API docs. */
export function inputColumns(prep: TabularPreprocessing): { name: string; kind: Exclude<ColumnKind, "ignore">; categories?: string[] }[] {
  return prep.columns.map((c) => (c.kind === "categorical" ? { name: c.name, kind: c.kind, categories: c.categories } : { name: c.name, kind: c.kind }));
}
