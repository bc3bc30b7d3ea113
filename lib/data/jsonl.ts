import { readTextInput, type TextTableOptions } from "./csv";
import type { DataInput } from "./input";
import { type DataIssue, type Result, error, fail, hasErrors, ok, warning, withFile } from "./issues";
import { MAX_JSON_DEPTH, parseJsonWithin } from "./json-depth";
import { resolveLimits } from "./limits";
import type { Table } from "./table";

/** One parsed JSON object with the line (or array position) it came from. */
export interface JsonRecord {
  value: Record<string, unknown>;
  row: number;
}

/**
 * Reads JSON Lines (one object per line; blank lines skipped) or, if the text starts with "[",
 * a JSON array of objects (row = position in the array, from 1). A line (or array element) nested
 * deeper than MAX_JSON_DEPTH is refused before it is parsed, so nothing after this walks a
 * structure deep enough to overflow the stack.
 */
export function readJsonRecords(
  input: DataInput,
  options: Pick<TextTableOptions, "fileName" | "limits"> = {},
): Result<JsonRecord[]> {
  const limits = resolveLimits(options.limits);
  const read = readTextInput(input, limits);
  if (!read.ok) return fail(withFile(read.issues, options.fileName));
  const issues: DataIssue[] = [...read.issues];
  const text = read.decoded.text;
  const records: JsonRecord[] = [];
  const push = (value: unknown, row: number) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      issues.push(error("jsonl-not-object", {}, { row }));
    } else if (records.length >= limits.maxRows) {
      if (!issues.some((i) => i.code === "table-too-many-rows")) {
        issues.push(warning("table-too-many-rows", { limit: limits.maxRows }, { row }));
      }
    } else {
      records.push({ value: value as Record<string, unknown>, row });
    }
  };
  if (text.trimStart().startsWith("[")) {
    const parsed = parseJsonWithin(text, MAX_JSON_DEPTH + 1); // + 1: the array around the rows
    if (!parsed.ok && parsed.reason === "too-deep") {
      return fail(withFile([error("jsonl-too-deep", { limit: MAX_JSON_DEPTH }, { row: parsed.tooDeep.element })], options.fileName));
    }
    if (!parsed.ok) return fail(withFile([error("jsonl-invalid-json", {}, { row: 1 })], options.fileName));
    const arr = parsed.value;
    if (!Array.isArray(arr)) return fail(withFile([error("jsonl-not-object", {}, { row: 1 })], options.fileName));
    arr.forEach((v, i) => push(v, i + 1));
  } else {
    const lines = text.split(/\r\n|\n|\r/);
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      const parsed = parseJsonWithin(line, MAX_JSON_DEPTH);
      if (parsed.ok) push(parsed.value, i + 1);
      else if (parsed.reason === "too-deep") issues.push(error("jsonl-too-deep", { limit: MAX_JSON_DEPTH }, { row: i + 1 }));
      else issues.push(error("jsonl-invalid-json", {}, { row: i + 1 }));
    });
  }
  withFile(issues, options.fileName);
  if (records.length === 0) {
    if (!hasErrors(issues)) issues.push(...withFile([error("file-empty")], options.fileName));
    return fail(issues);
  }
  return ok(records, issues);
}

/** A JSON value as a table cell: arrays of strings become "a | b" (how FAQ paraphrases are split). */
export function jsonCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v.trim();
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null)) {
    return v.map((x) => jsonCell(x)).filter(Boolean).join(" | ");
  }
  return JSON.stringify(v) ?? "";
}

/** JSONL/JSON array as a Table: columns are the union of keys in first-seen order; row = line. */
export function parseJsonl(input: DataInput, options: Pick<TextTableOptions, "fileName" | "limits"> = {}): Result<Table> {
  const read = readJsonRecords(input, options);
  if (!read.ok) return read;
  const headers: string[] = [];
  const seen = new Set<string>();
  for (const r of read.value) {
    for (const k of Object.keys(r.value)) {
      if (!seen.has(k)) {
        seen.add(k);
        headers.push(k);
      }
    }
  }
  const limits = resolveLimits(options.limits);
  if (headers.length > limits.maxColumns) {
    return fail(withFile([error("table-too-many-columns", { count: headers.length, limit: limits.maxColumns })], options.fileName));
  }
  // Own keys only: a line without "constructor" or "__proto__" has an empty cell there, not Object's.
  const rows = read.value.map((r) => headers.map((h) => jsonCell(Object.hasOwn(r.value, h) ? r.value[h] : undefined)));
  return ok(
    { headers, rows, rowNumbers: read.value.map((r) => r.row), hasHeader: true, format: "jsonl" },
    read.issues,
  );
}
