import type { SceneDecl } from "../scenes/types";
import { type ColumnMapping, guessMapping } from "./mapping";
import type { Table } from "./table";
import { type ColumnProfile, profileColumns } from "./tabular";

/** Rows shown in the column-mapping step. */
export const PREVIEW_ROWS = 20;
/** Characters of one cell shown there; a longer cell is cut and ends with "…". */
export const PREVIEW_CELL_CHARS = 200;

/** What the column-mapping step shows of a parsed table (small whatever the table's size). */
export interface TablePreviewData {
  headers: string[];
  /** The first PREVIEW_ROWS rows, each cell cut to PREVIEW_CELL_CHARS. */
  rows: string[][];
  rowCount: number;
  /** How many cells of `rows` (and column examples) were cut: the UI says so. */
  cutCells: number;
  mapping: ColumnMapping | null;
  matchedBy: Record<string, string>;
  /** Tabular scenes: the type of every column (examples and categories cut like cells). */
  columns: ColumnProfile[];
}

/** The preview of a table for a scene: the mapping guess, the first rows, column types for tabular data. */
export function previewTable(table: Table, scene: SceneDecl | null | undefined): TablePreviewData {
  let cutCells = 0;
  const cut = (cell: string) => {
    if (cell.length <= PREVIEW_CELL_CHARS) return cell;
    cutCells++;
    return `${cell.slice(0, PREVIEW_CELL_CHARS - 1)}…`;
  };
  const guess = scene ? guessMapping(table.headers, table.rows, scene) : { mapping: null, matchedBy: {} };
  const columns =
    scene?.dataKind === "tabular"
      ? profileColumns(table).map((c) => ({
          ...c,
          examples: c.examples.map(cut),
          ...(c.categories ? { categories: c.categories.map((k) => ({ ...k, value: cut(k.value) })) } : {}),
        }))
      : [];
  return {
    headers: table.headers,
    rows: table.rows.slice(0, PREVIEW_ROWS).map((r) => r.map(cut)),
    rowCount: table.rows.length,
    cutCells,
    mapping: guess.mapping,
    matchedBy: guess.matchedBy as Record<string, string>,
    columns,
  };
}
