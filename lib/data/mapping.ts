import { getScene } from "../scenes";
import type { SceneDecl } from "../scenes/types";
import { type ColumnRole, nameScore } from "./column-names";
import { type DataIssue, type Result, error, fail, ok, warning } from "./issues";
import { type DataLimits, resolveLimits } from "./limits";
import type { Table } from "./table";
import { type ColumnProfile, isMissing, parseDate, parseNumber, profileColumns } from "./tabular";

/* ------------------------------------------------------------------------------------------------
 * Column mappings: which column plays which role. Columns are referenced by header name (Table
 * headers are unique). guessMapping proposes one, the user confirms, applyMapping builds samples.
 * ---------------------------------------------------------------------------------------------- */

/** text-classification and intent-chatbot: one example text and its label (intent), optional bot reply. */
export interface TextMapping {
  kind: "text";
  text: string;
  label: string;
  reply?: string;
}

/** faq-retrieval: question, answer, and any number of paraphrase columns (cells may hold "a | b"). */
export interface FaqMapping {
  kind: "faq";
  question: string;
  answer: string;
  paraphrases: string[];
}

/** tabular-prediction: the target column chosen by the user; features default to the useful others. */
export interface TabularMapping {
  kind: "tabular";
  target: string;
  features?: string[];
  /** Default: regression for a numeric target with many values, classification otherwise. */
  task?: "classification" | "regression";
}

/** recommendation: user, item, optional rating (absent → implicit feedback, every pair counts as 1). */
export interface RatingsMapping {
  kind: "ratings";
  user: string;
  item: string;
  rating?: string;
}

/** image-tagging CSV: an image file name and its tags ("outdoor, people"). */
export interface ImageTagsMapping {
  kind: "image-tags";
  file: string;
  tags: string;
}

export type ColumnMapping = TextMapping | FaqMapping | TabularMapping | RatingsMapping | ImageTagsMapping;
export type MappingKind = ColumnMapping["kind"];

export interface TextSample {
  text: string;
  label: string;
  row: number;
}
export interface FaqSample {
  question: string;
  answer: string;
  paraphrases: string[];
  row: number;
}
export interface TabularSample {
  /** Feature values: numbers for number columns, ISO strings for dates, strings otherwise; null = missing. */
  values: Record<string, number | string | null>;
  target: number | string;
  row: number;
}
export interface RatingSample {
  user: string;
  item: string;
  rating: number;
  row: number;
}
export interface ImageTagsSample {
  fileName: string;
  tags: string[];
  row: number;
}

export interface MappedText {
  kind: "text";
  samples: TextSample[];
  /** Labels in first-seen order. */
  labels: string[];
  /** Distinct replies per label (intent), when a reply column is mapped. */
  replies: Record<string, string[]>;
}
export interface MappedFaq {
  kind: "faq";
  samples: FaqSample[];
}
export interface MappedTabular {
  kind: "tabular";
  samples: TabularSample[];
  task: "classification" | "regression";
  target: string;
  features: string[];
  /** Profiles of every column in the table (types as reported to the user). */
  columns: ColumnProfile[];
  /** Classification only: target classes in first-seen order. */
  classes?: string[];
}
export interface MappedRatings {
  kind: "ratings";
  samples: RatingSample[];
  users: string[];
  items: string[];
  /** True when there was no rating column and every pair was counted as 1. */
  implicit: boolean;
  minRating: number;
  maxRating: number;
}
export interface MappedImageTags {
  kind: "image-tags";
  samples: ImageTagsSample[];
  tags: string[];
}

export type MappedDataset = MappedText | MappedFaq | MappedTabular | MappedRatings | MappedImageTags;

export type MappingRole = "text" | "label" | "reply" | "question" | "answer" | "paraphrases" | "target" | "user" | "item" | "rating" | "file" | "tags";

export interface MappingGuess {
  /** Null when the scene's data does not come as a table, or the table has too few columns. */
  mapping: ColumnMapping | null;
  /** How each role was found, so the UI can ask the user to check the uncertain ones. */
  matchedBy: Partial<Record<MappingRole, "name" | "content" | "position">>;
}

export interface ApplyOptions {
  limits?: Partial<DataLimits>;
}

/** The mapping kind a scene's tables need, or null (entities, images, audio come as files). */
export function mappingKindForScene(scene: SceneDecl): MappingKind | null {
  switch (scene.dataKind) {
    case "text":
      return "text";
    case "faq":
      return "faq";
    case "tabular":
      return "tabular";
    case "ratings":
      return "ratings";
    case "image":
      return scene.dataFormats.includes("csv") ? "image-tags" : null;
    default:
      return null;
  }
}

/* ------------------------------------------------------------------------------------------------
 * Guessing
 * ---------------------------------------------------------------------------------------------- */

interface ColumnStats {
  filled: number;
  distinctRatio: number;
  meanLength: number;
  numeric: number;
}

function stats(rows: readonly (readonly string[])[], col: number): ColumnStats {
  const values = rows.map((r) => (r[col] ?? "").trim()).filter((v) => v !== "");
  const distinct = new Set(values).size;
  return {
    filled: values.length,
    distinctRatio: values.length ? distinct / values.length : 0,
    meanLength: values.length ? values.reduce((s, v) => s + [...v].length, 0) / values.length : 0,
    numeric: values.length ? values.filter((v) => parseNumber(v) !== null).length / values.length : 0,
  };
}

/** Best column for a role by name (score ≥ minScore), skipping taken columns. */
function byName(headers: readonly string[], role: ColumnRole, taken: Set<number>, minScore = 3): number {
  let best = -1;
  let bestScore = 0;
  headers.forEach((h, i) => {
    if (taken.has(i)) return;
    const s = nameScore(h, role);
    if (s >= minScore && s > bestScore) [best, bestScore] = [i, s];
  });
  return best;
}

/** Among free columns, the one with the highest score (or -1). */
function byContent(count: number, taken: Set<number>, score: (i: number) => number): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < count; i++) {
    if (taken.has(i)) continue;
    const s = score(i);
    if (s > bestScore) [best, bestScore] = [i, s];
  }
  return bestScore === -Infinity ? -1 : best;
}

type Found = { index: number; by: "name" | "content" | "position" };

function pick(
  headers: readonly string[],
  role: ColumnRole,
  taken: Set<number>,
  content: ((i: number) => number) | null,
): Found | null {
  const n = byName(headers, role, taken);
  if (n >= 0) return take(taken, n, "name");
  if (!content) return null;
  const c = byContent(headers.length, taken, content);
  return c >= 0 ? take(taken, c, "content") : null;
}

function take(taken: Set<number>, index: number, by: Found["by"]): Found {
  taken.add(index);
  return { index, by };
}

/**
 * Proposes a column mapping for a scene from header names (English and Chinese synonyms) and, where
 * names say nothing, from the content: a label column repeats a few short values, a text column
 * holds longer, mostly different ones; an intent's reply is the same for every row of the intent.
 */
export function guessMapping(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  scene: SceneDecl | string,
): MappingGuess {
  const decl = typeof scene === "string" ? getScene(scene) : scene;
  const kind = decl ? mappingKindForScene(decl) : null;
  const none: MappingGuess = { mapping: null, matchedBy: {} };
  if (!decl || !kind) return none;
  const sample = rows.slice(0, 500);
  const st = headers.map((_, i) => stats(sample, i));
  const taken = new Set<number>();
  const matchedBy: MappingGuess["matchedBy"] = {};
  const use = (role: MappingRole, f: Found | null) => {
    if (f) matchedBy[role] = f.by;
    return f ? headers[f.index] : undefined;
  };

  if (kind === "text") {
    if (headers.length < 2) return none;
    // label first: a short, repeating column; then the longest remaining column is the text
    const labelFound = pick(headers, "label", taken, (i) =>
      st[i].filled === 0 || st[i].meanLength > 40 ? -1e9 : -st[i].distinctRatio - st[i].meanLength / 1000,
    );
    const textFound = pick(headers, "text", taken, (i) => st[i].meanLength + st[i].distinctRatio);
    if (!labelFound || !textFound) return none;
    const mapping: TextMapping = { kind: "text", text: use("text", textFound)!, label: use("label", labelFound)! };
    if (decl.id === "intent-chatbot") {
      const replyFound =
        pick(headers, "reply", taken, null) ?? replyByDependency(headers, sample, labelFound.index, taken);
      const reply = use("reply", replyFound);
      if (reply) mapping.reply = reply;
    }
    return { mapping, matchedBy };
  }

  if (kind === "faq") {
    if (headers.length < 2) return none;
    const q = pick(headers, "question", taken, (i) => -i); // first free column
    const a = pick(headers, "answer", taken, (i) => st[i].meanLength);
    if (!q || !a) return none;
    const paraphrases = headers.filter((h, i) => !taken.has(i) && nameScore(h, "paraphrase") >= 2);
    if (paraphrases.length) matchedBy.paraphrases = "name";
    return {
      mapping: { kind: "faq", question: use("question", q)!, answer: use("answer", a)!, paraphrases },
      matchedBy,
    };
  }

  if (kind === "tabular") {
    if (headers.length < 2) return none;
    const named = byName(headers, "target", taken);
    const target = named >= 0 ? take(taken, named, "name") : take(taken, headers.length - 1, "position");
    const profiles = profileColumns({ headers: [...headers], rows: sample.map((r) => [...r]) });
    const features = headers.filter((_, i) => i !== target.index && !profiles[i].idLike && profiles[i].type !== "empty");
    matchedBy.target = target.by;
    return { mapping: { kind: "tabular", target: headers[target.index], features }, matchedBy };
  }

  if (kind === "ratings") {
    if (headers.length < 2) return none;
    const user = pick(headers, "user", taken, null) ?? firstFree(taken, headers.length);
    const item = pick(headers, "item", taken, null) ?? firstFree(taken, headers.length);
    if (!user || !item) return none;
    const rating =
      pick(headers, "rating", taken, null) ??
      (() => {
        const i = byContent(headers.length, taken, (c) => (st[c].numeric >= 0.95 ? -c : -Infinity));
        return i >= 0 && st[i].numeric >= 0.95 ? take(taken, i, "content") : null;
      })();
    const mapping: RatingsMapping = { kind: "ratings", user: use("user", user)!, item: use("item", item)! };
    const r = use("rating", rating);
    if (r) mapping.rating = r;
    return { mapping, matchedBy };
  }

  // image-tags
  if (headers.length < 2) return none;
  const file = pick(headers, "file", taken, (i) => -i);
  const tags = pick(headers, "tags", taken, (i) => -i);
  if (!file || !tags) return none;
  return { mapping: { kind: "image-tags", file: use("file", file)!, tags: use("tags", tags)! }, matchedBy };
}

function firstFree(taken: Set<number>, count: number): Found | null {
  for (let i = 0; i < count; i++) if (!taken.has(i)) return take(taken, i, "position");
  return null;
}

/** A free column whose non-empty value is the same for every row of an intent: the reply. */
function replyByDependency(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  labelCol: number,
  taken: Set<number>,
): Found | null {
  for (let c = 0; c < headers.length; c++) {
    if (taken.has(c)) continue;
    const per = new Map<string, Set<string>>();
    let filled = 0;
    for (const r of rows) {
      const v = (r[c] ?? "").trim();
      if (!v) continue;
      filled++;
      const l = (r[labelCol] ?? "").trim();
      if (!per.has(l)) per.set(l, new Set());
      per.get(l)!.add(v);
    }
    // replies may come in a language each, so allow two values per intent
    if (filled >= 2 && per.size >= 2 && [...per.values()].every((s) => s.size <= 2)) return take(taken, c, "content");
  }
  return null;
}

/* ------------------------------------------------------------------------------------------------
 * Applying
 * ---------------------------------------------------------------------------------------------- */

const ROLES: Record<MappingKind, { role: MappingRole; required: boolean; many?: boolean }[]> = {
  text: [
    { role: "text", required: true },
    { role: "label", required: true },
    { role: "reply", required: false },
  ],
  faq: [
    { role: "question", required: true },
    { role: "answer", required: true },
    { role: "paraphrases", required: false, many: true },
  ],
  tabular: [{ role: "target", required: true }],
  ratings: [
    { role: "user", required: true },
    { role: "item", required: true },
    { role: "rating", required: false },
  ],
  "image-tags": [
    { role: "file", required: true },
    { role: "tags", required: true },
  ],
};

/**
 * Mapping problems that stop applyMapping: a required role without a column, a column name not in
 * the table ("mapping-unknown-column"), or one column used for two roles.
 */
export function validateMapping(table: Pick<Table, "headers">, mapping: ColumnMapping): DataIssue[] {
  const issues: DataIssue[] = [];
  const used = new Map<string, string>();
  const m = mapping as unknown as Record<string, string | string[] | undefined>;
  const check = (role: string, column: string) => {
    if (!table.headers.includes(column)) {
      issues.push(error("mapping-unknown-column", { role }, { column }));
    } else if (used.has(column)) {
      issues.push(error("mapping-same-column", { role, otherRole: used.get(column)! }, { column }));
    } else {
      used.set(column, role);
    }
  };
  for (const { role, required, many } of ROLES[mapping.kind]) {
    const v = m[role];
    if (many) {
      for (const c of (v as string[] | undefined) ?? []) check(role, c);
    } else if (typeof v === "string" && v !== "") {
      check(role, v);
    } else if (required) {
      issues.push(error("mapping-missing-column", { role }));
    }
  }
  if (mapping.kind === "tabular") {
    for (const f of mapping.features ?? []) {
      if (f === mapping.target) continue;
      if (!table.headers.includes(f)) issues.push(error("mapping-unknown-column", { role: "feature" }, { column: f }));
    }
  }
  return issues;
}

/** Collapses spaces in a label; letters keep their case. */
const cleanLabel = (s: string) => s.trim().replace(/\s+/g, " ");
/** Key under which spelling variants of a label are merged ("Positive", "positive ", "ｐｏｓｉｔｉｖｅ"). */
const labelKey = (s: string) => cleanLabel(s).normalize("NFKC").toLowerCase();

export function applyMapping(table: Table, mapping: TextMapping, options?: ApplyOptions): Result<MappedText>;
export function applyMapping(table: Table, mapping: FaqMapping, options?: ApplyOptions): Result<MappedFaq>;
export function applyMapping(table: Table, mapping: TabularMapping, options?: ApplyOptions): Result<MappedTabular>;
export function applyMapping(table: Table, mapping: RatingsMapping, options?: ApplyOptions): Result<MappedRatings>;
export function applyMapping(table: Table, mapping: ImageTagsMapping, options?: ApplyOptions): Result<MappedImageTags>;
export function applyMapping(table: Table, mapping: ColumnMapping, options?: ApplyOptions): Result<MappedDataset>;
/**
 * Builds samples from a table with a confirmed mapping. Bad rows are reported (row numbers as in the
 * file) and skipped; good rows are kept. Fails as a whole only when the mapping itself is wrong.
 */
export function applyMapping(table: Table, mapping: ColumnMapping, options: ApplyOptions = {}): Result<MappedDataset> {
  const problems = validateMapping(table, mapping);
  if (problems.length) return fail(problems);
  const limits = resolveLimits(options.limits);
  switch (mapping.kind) {
    case "text":
      return applyText(table, mapping, limits);
    case "faq":
      return applyFaq(table, mapping, limits);
    case "tabular":
      return applyTabular(table, mapping, limits);
    case "ratings":
      return applyRatings(table, mapping);
    case "image-tags":
      return applyImageTags(table, mapping, limits);
  }
}

const col = (table: Table, name: string) => table.headers.indexOf(name);

function applyText(table: Table, m: TextMapping, limits: DataLimits): Result<MappedText> {
  const ti = col(table, m.text);
  const li = col(table, m.label);
  const ri = m.reply ? col(table, m.reply) : -1;
  const issues: DataIssue[] = [];
  const samples: TextSample[] = [];
  const spelling = new Map<string, string>(); // labelKey → first spelling seen
  const merged = new Set<string>();
  const replies: Record<string, string[]> = {};
  table.rows.forEach((cells, i) => {
    const row = table.rowNumbers[i];
    const text = cells[ti].trim();
    const rawLabel = cleanLabel(cells[li]);
    const reply = ri >= 0 ? cells[ri].trim() : "";
    if (!text && !rawLabel && !reply) return; // a row with nothing in the mapped columns
    if (!text) return void issues.push(error("text-empty", {}, { row, column: m.text }));
    if (!rawLabel) return void issues.push(error("label-empty", {}, { row, column: m.label }));
    if (text.length > limits.maxTextChars) {
      return void issues.push(error("text-too-long", { length: text.length, limit: limits.maxTextChars }, { row, column: m.text }));
    }
    if (rawLabel.length > limits.maxLabelChars) {
      return void issues.push(
        error("label-too-long", { length: rawLabel.length, limit: limits.maxLabelChars }, { row, column: m.label }),
      );
    }
    const key = labelKey(rawLabel);
    let label = spelling.get(key);
    if (label === undefined) {
      spelling.set(key, rawLabel);
      label = rawLabel;
    } else if (label !== rawLabel && !merged.has(rawLabel)) {
      merged.add(rawLabel); // once per variant, not once per row
      issues.push(warning("label-spelling-merged", { label, variant: rawLabel }, { row, column: m.label }));
    }
    samples.push({ text, label, row });
    if (ri >= 0) {
      const list = (replies[label] ??= []);
      if (reply && !list.includes(reply)) list.push(reply);
    }
  });
  const labels = [...spelling.values()];
  if (labels.length > limits.maxClasses) {
    return fail([error("too-many-classes", { count: labels.length, limit: limits.maxClasses }), ...issues]);
  }
  if (ri >= 0) {
    for (const l of labels) {
      if (!replies[l]?.length) issues.push(warning("intent-without-reply", { label: l }, { column: m.reply }));
    }
  }
  return ok({ kind: "text", samples, labels, replies }, issues);
}

/** Splits a paraphrase cell: "|", "｜" or line breaks separate alternatives. */
export function splitParaphrases(cell: string): string[] {
  return cell
    .split(/\s*[|｜\n\r]+\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const normText = (s: string) => s.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();

function applyFaq(table: Table, m: FaqMapping, limits: DataLimits): Result<MappedFaq> {
  const qi = col(table, m.question);
  const ai = col(table, m.answer);
  const pis = m.paraphrases.map((p) => col(table, p));
  const issues: DataIssue[] = [];
  const samples: FaqSample[] = [];
  const seen = new Map<string, number>();
  table.rows.forEach((cells, i) => {
    const row = table.rowNumbers[i];
    const question = cells[qi].trim();
    const answer = cells[ai].trim();
    const extra = pis.flatMap((p) => splitParaphrases(cells[p]));
    if (!question && !answer && extra.length === 0) return;
    if (!question) return void issues.push(error("question-empty", {}, { row, column: m.question }));
    if (!answer) return void issues.push(error("answer-empty", {}, { row, column: m.answer }));
    for (const [value, column] of [[question, m.question], [answer, m.answer]] as const) {
      if (value.length > limits.maxTextChars) {
        return void issues.push(error("text-too-long", { length: value.length, limit: limits.maxTextChars }, { row, column }));
      }
    }
    const key = normText(question);
    const first = seen.get(key);
    if (first !== undefined) issues.push(warning("duplicate-question", { firstRow: first }, { row, column: m.question }));
    else seen.set(key, row);
    const paraphrases = [...new Set(extra)].filter((p) => normText(p) !== key);
    samples.push({ question, answer, paraphrases, row });
  });
  return ok({ kind: "faq", samples }, issues);
}

function applyTabular(table: Table, m: TabularMapping, limits: DataLimits): Result<MappedTabular> {
  const columns = profileColumns(table);
  const ti = col(table, m.target);
  const targetProfile = columns[ti];
  const features = (m.features ?? table.headers.filter((_, i) => i !== ti && !columns[i].idLike && columns[i].type !== "empty")).filter(
    (f) => f !== m.target,
  );
  const numericTarget = targetProfile.type === "number";
  const targetValues = table.rows.map((r) => parseNumber(r[ti])).filter((n): n is number => n !== null);
  const fewIntegers = targetValues.every(Number.isInteger) && new Set(targetValues).size <= 10;
  const task = m.task ?? (numericTarget && !fewIntegers ? "regression" : "classification");
  const issues: DataIssue[] = [];
  const samples: TabularSample[] = [];
  const bad = new Map<string, { count: number; example: string; row: number }>();
  const classes = new Set<string>();
  const fi = features.map((f) => ({ name: f, index: col(table, f), type: columns[col(table, f)].type }));
  table.rows.forEach((cells, i) => {
    const row = table.rowNumbers[i];
    const raw = cells[ti].trim();
    if (isMissing(raw)) return void issues.push(error("target-empty", {}, { row, column: m.target }));
    let target: number | string;
    if (task === "regression") {
      const n = parseNumber(raw);
      if (n === null) return void issues.push(error("target-not-number", { value: raw }, { row, column: m.target }));
      target = n;
    } else {
      target = cleanLabel(raw);
      if (target.length > limits.maxLabelChars) {
        return void issues.push(error("label-too-long", { length: target.length, limit: limits.maxLabelChars }, { row, column: m.target }));
      }
      classes.add(target);
    }
    // No prototype: a column called "__proto__" becomes an ordinary key instead of vanishing.
    const values: TabularSample["values"] = Object.create(null);
    for (const f of fi) {
      const cell = cells[f.index].trim();
      if (isMissing(cell)) {
        values[f.name] = null;
      } else if (f.type === "number" || f.type === "date") {
        const v = f.type === "number" ? parseNumber(cell) : parseDate(cell);
        if (v === null) {
          const b = bad.get(f.name) ?? { count: 0, example: cell, row };
          b.count++;
          bad.set(f.name, b);
        }
        values[f.name] = v;
      } else {
        values[f.name] = cell;
      }
    }
    samples.push({ values, target, row });
  });
  for (const [column, b] of bad) {
    const type = fi.find((f) => f.name === column)?.type ?? "number";
    issues.push(warning("column-values-not-numbers", { count: b.count, example: b.example, type }, { column, row: b.row }));
  }
  if (task === "classification" && classes.size > limits.maxClasses) {
    return fail([error("too-many-classes", { count: classes.size, limit: limits.maxClasses }), ...issues]);
  }
  const result: MappedTabular = { kind: "tabular", samples, task, target: m.target, features, columns };
  if (task === "classification") result.classes = [...classes];
  return ok(result, issues);
}

function applyRatings(table: Table, m: RatingsMapping): Result<MappedRatings> {
  const ui = col(table, m.user);
  const ii = col(table, m.item);
  const ri = m.rating ? col(table, m.rating) : -1;
  const issues: DataIssue[] = [];
  const byPair = new Map<string, RatingSample>();
  table.rows.forEach((cells, i) => {
    const row = table.rowNumbers[i];
    const user = cells[ui].trim();
    const item = cells[ii].trim();
    const rawRating = ri >= 0 ? cells[ri].trim() : "";
    if (!user && !item && !rawRating) return;
    if (!user) return void issues.push(error("user-empty", {}, { row, column: m.user }));
    if (!item) return void issues.push(error("item-empty", {}, { row, column: m.item }));
    let rating = 1;
    if (ri >= 0) {
      const n = parseNumber(rawRating);
      if (n === null) return void issues.push(error("rating-not-number", { value: rawRating }, { row, column: m.rating }));
      rating = n;
    }
    const key = JSON.stringify([user, item]);
    const prev = byPair.get(key);
    // the later rating wins: people change their minds, and exports list events in time order
    if (prev) issues.push(warning("duplicate-rating", { user, item, firstRow: prev.row }, { row }));
    byPair.set(key, { user, item, rating, row });
  });
  const samples = [...byPair.values()].sort((a, b) => a.row - b.row);
  const ratings = samples.map((s) => s.rating);
  return ok(
    {
      kind: "ratings",
      samples,
      users: [...new Set(samples.map((s) => s.user))],
      items: [...new Set(samples.map((s) => s.item))],
      implicit: ri < 0,
      minRating: ratings.length ? Math.min(...ratings) : 0,
      maxRating: ratings.length ? Math.max(...ratings) : 0,
    },
    issues,
  );
}

/** Splits a tag cell on commas, semicolons, "|" and the Chinese list marks "，；、". */
export function splitTags(cell: string): string[] {
  return [...new Set(cell.split(/[,;|，；、]+/).map(cleanLabel).filter(Boolean))];
}

function applyImageTags(table: Table, m: ImageTagsMapping, limits: DataLimits): Result<MappedImageTags> {
  const fi = col(table, m.file);
  const ti = col(table, m.tags);
  const issues: DataIssue[] = [];
  const samples: ImageTagsSample[] = [];
  const all = new Set<string>();
  table.rows.forEach((cells, i) => {
    const row = table.rowNumbers[i];
    const fileName = cells[fi].trim();
    const tags = splitTags(cells[ti]);
    if (!fileName && tags.length === 0) return;
    if (!fileName) return void issues.push(error("file-name-empty", {}, { row, column: m.file }));
    if (tags.length === 0) return void issues.push(error("tags-empty", {}, { row, column: m.tags }));
    const long = tags.find((t) => t.length > limits.maxLabelChars);
    if (long) {
      return void issues.push(error("label-too-long", { length: long.length, limit: limits.maxLabelChars }, { row, column: m.tags }));
    }
    tags.forEach((t) => all.add(t));
    samples.push({ fileName, tags, row });
  });
  return ok({ kind: "image-tags", samples, tags: [...all] }, issues);
}
