/** Values a CSV cell can be written from. */
export type CsvCell = string | number | boolean | null | undefined | Date;

export interface ToCsvOptions {
  delimiter?: "," | "\t" | ";";
  /** Prefix a UTF-8 BOM so Excel opens Chinese text correctly (default true). */
  bom?: boolean;
}

// Spreadsheets run a cell that starts with these as a formula (CSV/formula injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a text cell that a spreadsheet would run as a formula by prefixing a single quote.
 * Numbers are written as numbers, so a negative number stays a number.
 */
export function escapeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function cellText(v: CsvCell): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "" : v.toISOString();
  return escapeFormula(v);
}

/**
 * Writes rows as CSV per RFC 4180 (CRLF line ends; cells with the delimiter, a quote, CR or LF are
 * quoted and quotes doubled), with formula-injection protection on text cells.
 */
export function toCsv(rows: readonly (readonly CsvCell[])[], options: ToCsvOptions = {}): string {
  const d = options.delimiter ?? ",";
  const body = rows
    .map((r) =>
      r
        .map((v) => {
          const s = cellText(v);
          return s.includes(d) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        })
        .join(d),
    )
    .join("\r\n");
  return (options.bom ?? true ? "\uFEFF" : "") + (rows.length ? body + "\r\n" : "");
}
