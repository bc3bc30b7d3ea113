/**
 * Structured problems found in user data. Parsers never throw on bad data: they keep the good
 * rows and report each rejected row or file as a DataIssue; messages.ts turns one into words.
 */

export const ISSUE_CODES = [
  // whole file
  "file-empty",
  "file-too-large",
  "file-not-text",
  "file-old-excel",
  "file-unreadable-xlsx",
  "file-encoding-guessed",
  "table-no-rows",
  "table-too-many-rows",
  "table-too-many-columns",
  "table-too-many-cells",
  "more-issues",
  "file-too-complex",
  "xlsx-too-large",
  "xlsx-too-many-strings",
  // rows of a table
  "row-extra-cells",
  "csv-unclosed-quote",
  "jsonl-invalid-json",
  "jsonl-not-object",
  "jsonl-too-deep",
  "pasted-no-label",
  // column mapping
  "mapping-unknown-column",
  "mapping-missing-column",
  "mapping-same-column",
  // samples
  "text-empty",
  "label-empty",
  "text-too-long",
  "label-too-long",
  "label-spelling-merged",
  "too-many-classes",
  "question-empty",
  "answer-empty",
  "duplicate-question",
  "intent-without-reply",
  "target-empty",
  "target-not-number",
  "column-values-not-numbers",
  "user-empty",
  "item-empty",
  "rating-not-number",
  "duplicate-rating",
  "file-name-empty",
  "tags-empty",
  // entities
  "conll-missing-tag",
  "conll-invalid-tag",
  "bio-inside-without-begin",
  "tokens-tags-mismatch",
  "span-invalid",
  "span-out-of-range",
  "span-overlap",
  "span-label-empty",
  "markup-unclosed",
  "markup-label-invalid",
  "markup-empty-entity",
  // images
  "image-unknown-format",
  "image-unsupported-format",
  "image-corrupt",
  "image-truncated",
  "image-too-large-dimensions",
  // audio
  "audio-unknown-format",
  "audio-unsupported-format",
  "wav-invalid",
  "wav-truncated",
  "wav-unsupported-encoding",
  "audio-too-long",
  "audio-empty",
  // zip archives
  "zip-invalid",
  "zip-no-files",
  "zip-too-many-files",
  "zip-too-large-uncompressed",
  "zip-entry-too-large",
  "zip-ratio-too-high",
  "zip-unsafe-path",
  "zip-symlink",
  "zip-encrypted",
  "zip-unsupported-compression",
  "zip-entry-corrupt",
  "zip-file-outside-folder",
  "tags-file-missing",
  "tagged-image-missing",
  "image-without-tags",
  // dataset quality
  "no-samples",
  "single-class",
  "class-too-small",
  "class-imbalance",
  "duplicate-text",
  "conflicting-labels",
  "no-entities",
  "entity-type-too-small",
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

/** "error": the row/file was rejected (or training cannot start); "warning": kept, but worth a look. */
export type IssueSeverity = "error" | "warning";

export interface DataIssue {
  code: IssueCode;
  severity: IssueSeverity;
  /**
   * 1-based row as the user sees it: a spreadsheet row for CSV/XLSX (the header is row 1),
   * a line number for JSONL, pasted lines, CoNLL and inline markup.
   */
  row?: number;
  /** File name (or path inside a ZIP), shown to the user, never used as a path. */
  file?: string;
  /** Column header the issue concerns. */
  column?: string;
  /** Values for the message template; byte sizes use keys ending in "Bytes". */
  params: Record<string, string | number>;
}

/** Where an issue happened; merged into the issue. */
export interface IssueLocation {
  row?: number;
  file?: string;
  column?: string;
}

export function makeIssue(
  code: IssueCode,
  severity: IssueSeverity,
  params: Record<string, string | number> = {},
  where: IssueLocation = {},
): DataIssue {
  const issue: DataIssue = { code, severity, params };
  if (where.row !== undefined) issue.row = where.row;
  if (where.file !== undefined) issue.file = where.file;
  if (where.column !== undefined) issue.column = where.column;
  return issue;
}

export const error = (code: IssueCode, params?: Record<string, string | number>, where?: IssueLocation) =>
  makeIssue(code, "error", params, where);
export const warning = (code: IssueCode, params?: Record<string, string | number>, where?: IssueLocation) =>
  makeIssue(code, "warning", params, where);

/**
 * Outcome of parsing: `ok: false` means the whole input was rejected (its issues say why);
 * `ok: true` still carries row-level issues for the rows that were skipped or repaired.
 */
export type Result<T> = { ok: true; value: T; issues: DataIssue[] } | { ok: false; issues: DataIssue[] };

export const ok = <T>(value: T, issues: DataIssue[] = []): Result<T> => ({ ok: true, value, issues });
export const fail = <T = never>(issues: DataIssue[]): Result<T> => ({ ok: false, issues });

export function hasErrors(issues: readonly DataIssue[]): boolean {
  return issues.some((i) => i.severity === "error");
}

/** Sets `file` on issues that have none (a parser does not know the upload's name). */
export function withFile(issues: DataIssue[], file: string | undefined): DataIssue[] {
  if (file === undefined) return issues;
  for (const i of issues) if (i.file === undefined) i.file = file;
  return issues;
}
