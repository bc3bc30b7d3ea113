import Papa from "papaparse";
import { readTextInput, type TextTableOptions } from "./csv";
import type { DataInput } from "./input";
import { type DataIssue, type Result, error, fail, ok, warning, withFile } from "./issues";
import { resolveLimits } from "./limits";
import { type Table, buildTable } from "./table";

/**
 * Pasted lines, two obvious forms decided for the whole paste:
 *
 * 1. Tab-separated, as copied from a spreadsheet: `text<TAB>label[<TAB>reply]` (columns are then
 *    mapped like a CSV; a first line such as `text<TAB>label` is recognised as a header).
 *    Chosen when at least half of the non-empty lines contain a tab.
 * 2. Otherwise `label: text`, one example per line. The label is everything before the first colon
 *    (`:` or the Chinese `：`), e.g. `refund: I want my money back` or `退款：我要退钱`.
 *    A line without a colon is reported and skipped.
 *
 * Blank lines are ignored; row numbers are line numbers.
 */
export function parsePastedLines(input: DataInput, options: Omit<TextTableOptions, "delimiter"> = {}): Result<Table> {
  const limits = resolveLimits(options.limits);
  const read = readTextInput(input, limits);
  if (!read.ok) return fail(withFile(read.issues, options.fileName));
  const text = read.decoded.text;
  const lines = text.split(/\r\n|\n|\r/);
  const filled = lines.filter((l) => l.trim() !== "");
  const tabbed = filled.filter((l) => l.includes("\t")).length;

  if (tabbed * 2 >= filled.length) {
    const parsed = Papa.parse<string[]>(text, { delimiter: "\t", skipEmptyLines: false });
    // line numbers: Papa records equal lines unless a quoted cell spans lines, so count them
    const rows: number[] = [];
    let line = 1;
    for (const r of parsed.data) {
      rows.push(line);
      line += r.reduce((n, c) => n + (c.match(/\r\n|\n|\r/g)?.length ?? 0), 0) + 1;
    }
    const table = buildTable(parsed.data, rows, { format: "pasted-lines", delimiter: "\t" }, options.header ?? "auto", limits);
    const issues = [...read.issues, ...table.issues];
    withFile(issues, options.fileName);
    return table.ok ? ok(table.value, issues) : fail(issues);
  }

  const issues: DataIssue[] = [...read.issues];
  const out: string[][] = [];
  const rowNumbers: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === "") return;
    const m = /^([^:：]*)[:：](.*)$/s.exec(l);
    if (!m || m[1].trim() === "") {
      issues.push(error("pasted-no-label", {}, { row: i + 1 }));
      return;
    }
    if (out.length >= limits.maxRows) {
      if (!issues.some((x) => x.code === "table-too-many-rows")) {
        issues.push(warning("table-too-many-rows", { limit: limits.maxRows }, { row: i + 1 }));
      }
      return;
    }
    out.push([m[1].trim(), m[2].trim()]);
    rowNumbers.push(i + 1);
  });
  withFile(issues, options.fileName);
  if (out.length === 0) return fail(issues.length ? issues : [error("file-empty")]);
  return ok(
    { headers: ["label", "text"], rows: out, rowNumbers, hasHeader: false, format: "pasted-lines", delimiter: ":" },
    issues,
  );
}
