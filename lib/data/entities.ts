import { readTextInput } from "./csv";
import { decodeText } from "./encoding";
import type { DataInput } from "./input";
import { type DataIssue, type Result, error, fail, hasErrors, ok, warning, withFile } from "./issues";
import { readJsonRecords } from "./jsonl";
import { type DataLimits, resolveLimits } from "./limits";

/**
 * Entity-extraction data in three formats, all normalised to {text, spans}. Span offsets are
 * JavaScript string indices (UTF-16 code units), `end` exclusive, sorted, never overlapping.
 */

export interface EntitySpan {
  start: number;
  end: number;
  label: string;
}

export interface EntitySample {
  text: string;
  spans: EntitySpan[];
  /** Line of the sample in the file (first token line for CoNLL). */
  row: number;
}

export const ENTITY_FORMAT_IDS = ["conll", "jsonl-spans", "inline-markup"] as const;
export type EntityFormatId = (typeof ENTITY_FORMAT_IDS)[number];

export interface EntityOptions {
  fileName?: string;
  limits?: Partial<DataLimits>;
}

/** Entity type names: letters (any script), digits, "_", "-", "."; e.g. CITY, B2B, 城市. */
export const ENTITY_LABEL_RE = /^[\p{L}\p{N}_\-.]+$/u;

/* ------------------------------------------------------------------------------------------------
 * Span validation
 * ---------------------------------------------------------------------------------------------- */

/**
 * Checks spans against their text: integer offsets with start < end ("span-invalid"), inside the
 * text ("span-out-of-range"), a label ("span-label-empty"), no overlaps ("span-overlap").
 * Returns the spans sorted by start, exact duplicates removed. Issues carry no row.
 */
export function validateSpans(text: string, spans: readonly EntitySpan[]): { spans: EntitySpan[]; issues: DataIssue[] } {
  const issues: DataIssue[] = [];
  const good: EntitySpan[] = [];
  for (const s of spans) {
    const label = typeof s.label === "string" ? s.label.trim() : "";
    if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.start >= s.end) {
      issues.push(error("span-invalid", { start: String(s.start), end: String(s.end), label }));
    } else if (s.end > text.length) {
      issues.push(error("span-out-of-range", { start: s.start, end: s.end, length: text.length, label }));
    } else if (!label) {
      issues.push(error("span-label-empty", { start: s.start, end: s.end, entity: text.slice(s.start, s.end) }));
    } else {
      good.push({ start: s.start, end: s.end, label });
    }
  }
  good.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: EntitySpan[] = [];
  for (const s of good) {
    const prev = out[out.length - 1];
    if (prev && prev.start === s.start && prev.end === s.end && prev.label === s.label) continue;
    if (prev && s.start < prev.end) {
      issues.push(
        error("span-overlap", {
          entity: text.slice(s.start, s.end),
          label: s.label,
          otherEntity: text.slice(prev.start, prev.end),
          otherLabel: prev.label,
        }),
      );
      continue;
    }
    out.push(s);
  }
  return { spans: out, issues };
}

/* ------------------------------------------------------------------------------------------------
 * BIO tags (CoNLL files and JSONL tokens+tags)
 * ---------------------------------------------------------------------------------------------- */

const TAG_RE = /^(?:([BIESLU])[-_](.+)|O)$/i;

/** True for "O", "B-CITY", "I-CITY", and the BIOES/BILOU variants (E-, S-, L-, U-). */
export function isBioTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

const CJK = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;
const NO_SPACE_BEFORE = /^[.,!?;:%)\]}]+$/;
const NO_SPACE_AFTER = /^[([{]$/;

/** Joins tokens into text: a space between words, none around CJK characters or before punctuation. */
export function joinTokens(tokens: readonly string[]): { text: string; offsets: number[] } {
  let text = "";
  const offsets: number[] = [];
  tokens.forEach((t, i) => {
    if (i > 0) {
      const prev = tokens[i - 1];
      const glue =
        CJK.test(prev[prev.length - 1] ?? "") || CJK.test(t[0] ?? "") || NO_SPACE_BEFORE.test(t) || NO_SPACE_AFTER.test(prev);
      if (!glue) text += " ";
    }
    offsets.push(text.length);
    text += t;
  });
  return { text, offsets };
}

/**
 * Turns tokens and BIO tags into text and spans. An I- tag that does not continue an entity of the
 * same type is read as the start of a new one (a "bio-inside-without-begin" warning on its row).
 */
export function bioToSpans(
  tokens: readonly string[],
  tags: readonly string[],
  rows: readonly number[],
): { text: string; spans: EntitySpan[]; issues: DataIssue[] } {
  const { text, offsets } = joinTokens(tokens);
  const spans: EntitySpan[] = [];
  const issues: DataIssue[] = [];
  // the entity being read: its label and first/last token
  const cur: { open: { label: string; from: number; to: number } | null } = { open: null };
  const close = () => {
    const o = cur.open;
    if (o) spans.push({ start: offsets[o.from], end: offsets[o.to] + tokens[o.to].length, label: o.label });
    cur.open = null;
  };
  for (let k = 0; k < tags.length; k++) {
    const m = TAG_RE.exec(tags[k])!;
    if (!m[1]) {
      close();
      continue;
    }
    const prefix = m[1].toUpperCase();
    const label = m[2];
    if (prefix === "B" || prefix === "S" || prefix === "U") {
      close();
      cur.open = { label, from: k, to: k };
    } else if (cur.open && cur.open.label === label) {
      cur.open.to = k; // I-, E-, L- continuing the open entity
    } else {
      issues.push(warning("bio-inside-without-begin", { tag: tags[k], token: tokens[k] }, { row: rows[k] }));
      close();
      cur.open = { label, from: k, to: k };
    }
    // single-token and end tags close the entity at once
    if (prefix === "S" || prefix === "U" || prefix === "E" || prefix === "L") close();
  }
  close();
  return { text, spans, issues };
}

/**
 * CoNLL / BIO: one token per line, then whitespace or a tab, then its tag (extra middle columns such
 * as POS tags are ignored: the first column is the token, the last the tag); a blank line ends a
 * sentence; "-DOCSTART-" and "#" comment lines are skipped. A sentence with a bad line is rejected.
 */
export function parseConll(input: DataInput, options: EntityOptions = {}): Result<EntitySample[]> {
  const limits = resolveLimits(options.limits);
  const read = readTextInput(input, limits);
  if (!read.ok) return fail(withFile(read.issues, options.fileName));
  const issues: DataIssue[] = [...read.issues];
  const samples: EntitySample[] = [];
  let tokens: string[] = [];
  let tags: string[] = [];
  let rows: number[] = [];
  let bad = false;
  const flush = () => {
    if (tokens.length && !bad) {
      const r = bioToSpans(tokens, tags, rows);
      issues.push(...r.issues);
      pushSample(samples, issues, { text: r.text, spans: r.spans, row: rows[0] }, limits);
    }
    tokens = [];
    tags = [];
    rows = [];
    bad = false;
  };
  read.decoded.text.split(/\r\n|\n|\r/).forEach((line, i) => {
    const row = i + 1;
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("-DOCSTART-")) return flush();
    const fields = (line.includes("\t") ? line.split("\t") : trimmed.split(/\s+/)).map((f) => f.trim()).filter(Boolean);
    const tag = fields[fields.length - 1];
    if (trimmed.startsWith("#") && (fields.length < 2 || !isBioTag(tag))) return; // comment line
    if (fields.length < 2) {
      issues.push(error("conll-missing-tag", { token: fields[0] }, { row }));
      bad = true;
      return;
    }
    if (!isBioTag(tag)) {
      issues.push(error("conll-invalid-tag", { tag }, { row }));
      bad = true;
      return;
    }
    tokens.push(fields[0]);
    tags.push(tag);
    rows.push(row);
  });
  flush();
  return finish(samples, issues, options.fileName);
}

function pushSample(samples: EntitySample[], issues: DataIssue[], s: EntitySample, limits: DataLimits): void {
  if (s.text.length > limits.maxTextChars) {
    issues.push(error("text-too-long", { length: s.text.length, limit: limits.maxTextChars }, { row: s.row }));
    return;
  }
  const long = s.spans.find((x) => x.label.length > limits.maxLabelChars);
  if (long) {
    issues.push(error("label-too-long", { length: long.label.length, limit: limits.maxLabelChars }, { row: s.row }));
    return;
  }
  samples.push(s);
}

function finish(samples: EntitySample[], issues: DataIssue[], fileName?: string): Result<EntitySample[]> {
  withFile(issues, fileName);
  if (samples.length === 0) {
    if (!hasErrors(issues)) issues.push(...withFile([error("file-empty")], fileName));
    return fail(issues);
  }
  return ok(samples, issues);
}

/* ------------------------------------------------------------------------------------------------
 * JSONL with character spans
 * ---------------------------------------------------------------------------------------------- */

/** Maps code-point offsets (Python, spaCy, doccano) to JavaScript string indices. */
function codePointIndex(text: string): (cp: number) => number {
  // identical for text without characters outside the BMP (emoji, rare CJK)
  if (!/[\ud800-\udbff]/.test(text)) return (cp) => cp;
  const map: number[] = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  // past the end stays past the end, so validation still reports it as out of range
  return (cp) => (cp >= 0 && cp < map.length ? map[cp] : cp + (u - (map.length - 1)));
}

function readSpan(e: unknown): EntitySpan {
  if (Array.isArray(e)) return { start: e[0] as number, end: e[1] as number, label: String(e[2] ?? "") };
  if (e && typeof e === "object") {
    const o = e as Record<string, unknown>;
    const label = o.label ?? o.type ?? o.entity ?? o.tag ?? "";
    return {
      start: (o.start ?? o.start_offset ?? o.begin) as number,
      end: (o.end ?? o.end_offset) as number,
      label: typeof label === "string" ? label : String(label),
    };
  }
  return { start: NaN, end: NaN, label: "" };
}

/**
 * JSONL, one sentence per line: {"text": "...", "entities": [{"start": 0, "end": 5, "label": "CITY"}]}.
 * Also accepted: entities as [start, end, label] arrays; the keys "spans", "label" or "labels"
 * (doccano) instead of "entities"; "type" instead of "label"; and {"tokens": [...], "tags": [...]}
 * (or "ner_tags") with BIO tags. Offsets count Unicode characters (code points), `end` exclusive.
 */
export function parseJsonlSpans(input: DataInput, options: EntityOptions = {}): Result<EntitySample[]> {
  const limits = resolveLimits(options.limits);
  const read = readJsonRecords(input, options);
  if (!read.ok) return read;
  const issues: DataIssue[] = [...read.issues];
  const samples: EntitySample[] = [];
  for (const { value: rec, row } of read.value) {
    const tokens = rec.tokens;
    const tagList = rec.tags ?? rec.ner_tags;
    if (typeof rec.text !== "string" && Array.isArray(tokens) && Array.isArray(tagList)) {
      if (tokens.length !== tagList.length || tokens.some((t) => typeof t !== "string")) {
        issues.push(error("tokens-tags-mismatch", { tokens: tokens.length, tags: tagList.length }, { row }));
        continue;
      }
      const badTag = tagList.find((t) => typeof t !== "string" || !isBioTag(t));
      if (badTag !== undefined) {
        issues.push(error("conll-invalid-tag", { tag: String(badTag) }, { row }));
        continue;
      }
      const r = bioToSpans(tokens as string[], tagList as string[], tokens.map(() => row));
      issues.push(...r.issues);
      pushSample(samples, issues, { text: r.text, spans: r.spans, row }, limits);
      continue;
    }
    const text = typeof rec.text === "string" ? rec.text : typeof rec.sentence === "string" ? rec.sentence : "";
    if (!text.trim()) {
      issues.push(error("text-empty", {}, { row }));
      continue;
    }
    const rawList = rec.entities ?? rec.spans ?? rec.labels ?? rec.label ?? [];
    if (!Array.isArray(rawList)) {
      issues.push(error("span-invalid", { start: "?", end: "?", label: "" }, { row }));
      continue;
    }
    const toUtf16 = codePointIndex(text);
    const spans = rawList.map(readSpan).map((s) => ({
      ...s,
      start: Number.isInteger(s.start) ? toUtf16(s.start) : s.start,
      end: Number.isInteger(s.end) ? toUtf16(s.end) : s.end,
    }));
    const v = validateSpans(text, spans);
    if (v.issues.length) {
      for (const i of v.issues) i.row = row;
      issues.push(...v.issues);
      continue;
    }
    pushSample(samples, issues, { text, spans: v.spans, row }, limits);
  }
  return finish(samples, issues, options.fileName);
}

/* ------------------------------------------------------------------------------------------------
 * Inline markup
 * ---------------------------------------------------------------------------------------------- */

const OPEN_CLOSE: Record<string, string> = { "[": "]", "【": "】" };
const PAREN: Record<string, string> = { "(": ")", "（": "）" };
const ESCAPABLE = "[]()【】（）\\";

/**
 * Parses one line of inline markup: `[Paris](CITY)`, also `【北京】（城市）` with full-width brackets.
 * `\[` writes a literal bracket. Text in brackets not followed by a valid (LABEL) stays as written.
 */
export function parseMarkupLine(line: string): { text: string; spans: EntitySpan[]; issues: DataIssue[] } {
  let text = "";
  const spans: EntitySpan[] = [];
  const issues: DataIssue[] = [];
  for (let i = 0; i < line.length; ) {
    const ch = line[i];
    if (ch === "\\" && i + 1 < line.length && ESCAPABLE.includes(line[i + 1])) {
      text += line[i + 1];
      i += 2;
      continue;
    }
    const close = OPEN_CLOSE[ch];
    if (close) {
      const j = line.indexOf(close, i + 1);
      const parenClose = j > 0 ? PAREN[line[j + 1]] : undefined;
      const k = parenClose ? line.indexOf(parenClose, j + 2) : -1;
      const inner = j > 0 ? line.slice(i + 1, j) : "";
      if (k > 0 && !inner.includes(ch)) {
        const label = line.slice(j + 2, k).trim();
        if (ENTITY_LABEL_RE.test(label)) {
          const body = inner.trim();
          if (!body) {
            issues.push(error("markup-empty-entity", { label }));
          } else {
            const lead = inner.length - inner.trimStart().length;
            text += inner.slice(0, lead);
            spans.push({ start: text.length, end: text.length + body.length, label });
            text += body + inner.slice(lead + body.length);
          }
          i = k + 1;
          continue;
        }
        if (ch === "[") issues.push(warning("markup-label-invalid", { label }));
      } else if (ch === "[" && (j < 0 || (parenClose !== undefined && k < 0))) {
        issues.push(warning("markup-unclosed", {})); // "[Paris(CITY)" or "[Paris](CITY"
      }
    }
    text += ch;
    i++;
  }
  return { text, spans, issues };
}

/**
 * Inline markup, one sentence per line: `I flew from [Paris](CITY) to [Tokyo](CITY) on [May 3](DATE).`
 * or `[明天](DATE)[上午十点](TIME)从[北京](CITY)出发`. Blank lines are skipped; a line without markup is
 * a sentence with no entities. Row numbers are line numbers.
 */
export function parseInlineMarkup(input: DataInput, options: EntityOptions = {}): Result<EntitySample[]> {
  const limits = resolveLimits(options.limits);
  const read = readTextInput(input, limits);
  if (!read.ok) return fail(withFile(read.issues, options.fileName));
  const issues: DataIssue[] = [...read.issues];
  const samples: EntitySample[] = [];
  read.decoded.text.split(/\r\n|\n|\r/).forEach((line, i) => {
    if (line.trim() === "") return;
    const row = i + 1;
    const r = parseMarkupLine(line);
    for (const x of r.issues) x.row = row;
    issues.push(...r.issues);
    if (hasErrors(r.issues)) return;
    const lead = r.text.length - r.text.trimStart().length;
    const text = r.text.trim();
    const spans = r.spans.map((s) => ({ ...s, start: s.start - lead, end: s.end - lead }));
    pushSample(samples, issues, { text, spans, row }, limits);
  });
  return finish(samples, issues, options.fileName);
}

/** Writes a sample back as inline markup (brackets in the text are escaped). */
export function toInlineMarkup(sample: Pick<EntitySample, "text" | "spans">): string {
  const esc = (s: string) => s.replace(/[\\[\]()【】（）]/g, (c) => `\\${c}`);
  let out = "";
  let at = 0;
  for (const s of sample.spans) {
    out += esc(sample.text.slice(at, s.start)) + `[${esc(sample.text.slice(s.start, s.end))}](${s.label})`;
    at = s.end;
  }
  return out + esc(sample.text.slice(at));
}

/** Which entity format a text looks like: JSON objects, token/tag lines, otherwise inline markup. */
export function detectEntityFormat(text: string): EntityFormatId {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return "inline-markup";
  if (lines[0].startsWith("{") || lines[0].startsWith("[{")) return "jsonl-spans";
  const sample = lines.filter((l) => !l.startsWith("#") && !l.startsWith("-DOCSTART-")).slice(0, 100);
  const tagged = sample.filter((l) => {
    const f = l.split(/\s+/);
    return f.length >= 2 && isBioTag(f[f.length - 1]);
  }).length;
  return sample.length > 0 && tagged >= sample.length * 0.8 ? "conll" : "inline-markup";
}

/** Parses entity data in the given (or detected) format. */
export function parseEntities(input: DataInput, format?: EntityFormatId, options: EntityOptions = {}): Result<EntitySample[]> {
  const f = format ?? detectEntityFormat(decodeText(input).text.slice(0, 65536));
  if (f === "conll") return parseConll(input, options);
  if (f === "jsonl-spans") return parseJsonlSpans(input, options);
  return parseInlineMarkup(input, options);
}
