import type { Table } from "./table";

/** Column types for tabular prediction, reported to the user and used by the trainer's encoders. */
export type ColumnType = "number" | "category" | "text" | "date" | "empty";

export interface ColumnProfile {
  name: string;
  index: number;
  type: ColumnType;
  /** Rows where the cell is empty or a missing-value marker ("NA", "null", "-", "无"…). */
  missing: number;
  /** Distinct non-missing values. */
  distinct: number;
  /** Every value is different (an identifier such as a customer number): a poor feature. */
  idLike: boolean;
  /** Up to three distinct values, for the UI. */
  examples: string[];
  /** number columns */
  min?: number;
  max?: number;
  mean?: number;
  /** category columns: the most frequent values (up to 20). */
  categories?: { value: string; count: number }[];
}

const MISSING = new Set(["", "na", "n/a", "nan", "null", "none", "nil", "-", "--", "?", "无", "空", "缺失", "#n/a"]);

/** True for an empty cell or a common missing-value marker. */
export function isMissing(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}

/**
 * A number from a cell, tolerant of what spreadsheets produce: thousands separators ("1,234.5"),
 * currency signs ("$12", "¥30"), percentages ("12%" → 0.12). Null when it is not a number.
 */
export function parseNumber(cell: string): number | null {
  let s = cell.trim().replace(/^[$€£¥￥]\s*/, "").replace(/\s*(元|円)$/, "");
  let scale = 1;
  if (s.endsWith("%")) {
    s = s.slice(0, -1).trim();
    scale = 0.01;
  }
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return null;
  const n = Number(s) * scale;
  return Number.isFinite(n) ? n : null;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * An ISO date ("YYYY-MM-DD", plus " HH:MM[:SS]" when present) from common spellings:
 * 2024-03-05, 2024/3/5, 2024.03.05, 2024年3月5日, 05/03/2024 (day first when the first number > 12,
 * otherwise month first). Null when it is not a date.
 */
export function parseDate(cell: string): string | null {
  const s = cell.trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  let y: number, mo: number, d: number;
  let time: string[] | null = null;
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m[4] !== undefined) time = [m[4], m[5], m[6] ?? "00"];
  } else if ((m = /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/.exec(s))) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s))) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    y = Number(m[3]);
    [d, mo] = a > 12 ? [a, b] : [b, a];
  } else {
    return null;
  }
  if (!validDate(y, mo, d)) return null;
  const date = `${y}-${pad2(mo)}-${pad2(d)}`;
  if (!time) return date;
  const [hh, mm, ss] = time.map(Number);
  if (hh > 23 || mm > 59 || ss > 59) return null;
  return `${date} ${pad2(hh)}:${pad2(mm)}:${pad2(ss)}`;
}

const ID_NAME = /(^|[\s_-])(id|no|num|number|index|idx)$|^id[\s_-]|序号|编号|行号/i;

/** Share of values that must parse for a column to count as number or date (a few typos are tolerated). */
const TYPE_SHARE = 0.95;

function textLength(s: string): number {
  // a CJK character carries about as much as an English word, so count it as 4 letters
  let n = 0;
  for (const ch of s) n += /[\u3400-\u9fff\uf900-\ufaff]/.test(ch) ? 4 : 1;
  return n;
}

/** Infers the type of one column from its cells. */
export function inferColumnType(cells: readonly string[]): ColumnType {
  const values = cells.map((c) => c.trim()).filter((c) => !isMissing(c));
  if (values.length === 0) return "empty";
  const nums = values.filter((v) => parseNumber(v) !== null).length;
  if (nums >= values.length * TYPE_SHARE) return "number";
  const dates = values.filter((v) => parseDate(v) !== null).length;
  if (dates >= values.length * TYPE_SHARE) return "date";
  const distinct = new Set(values).size;
  const meanLen = values.reduce((s, v) => s + textLength(v), 0) / values.length;
  const words = values.reduce((s, v) => s + v.split(/\s+/).length, 0) / values.length;
  if (meanLen >= 30 || (distinct / values.length > 0.8 && (words >= 3 || meanLen >= 16))) return "text";
  return "category";
}

/** Profiles every column of a table (type, missing values, ranges, categories). */
export function profileColumns(table: Pick<Table, "headers" | "rows">): ColumnProfile[] {
  return table.headers.map((name, index) => {
    const cells = table.rows.map((r) => r[index] ?? "");
    const present = cells.map((c) => c.trim()).filter((c) => !isMissing(c));
    const type = inferColumnType(cells);
    const counts = new Map<string, number>();
    for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
    const profile: ColumnProfile = {
      name,
      index,
      type,
      missing: cells.length - present.length,
      distinct: counts.size,
      idLike: false,
      examples: [...counts.keys()].slice(0, 3),
    };
    const allUnique = present.length >= 10 && counts.size === present.length;
    if (type === "number") {
      const nums = present.map(parseNumber).filter((n): n is number => n !== null);
      profile.min = Math.min(...nums);
      profile.max = Math.max(...nums);
      profile.mean = nums.reduce((s, n) => s + n, 0) / nums.length;
      // unique consecutive integers from 0/1 (or under an id-like name) are a row number, not a measurement
      const sorted = [...nums].sort((a, b) => a - b);
      const consecutive = sorted.every((n, i) => Number.isInteger(n) && (i === 0 || n - sorted[i - 1] === 1));
      profile.idLike = allUnique && consecutive && (sorted[0] <= 1 || ID_NAME.test(name));
    } else if (type === "category") {
      profile.idLike = allUnique;
      profile.categories = [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 20)
        .map(([value, count]) => ({ value, count }));
    }
    return profile;
  });
}
