import type { ByteSource } from "./csv";
import type { DataIssue } from "./issues";
import type { Table } from "./table";

/**
 * A parsed table written once and read back for the import, so an upload is parsed once: JSON
 * Lines, UTF-8. Line 1 is `{"studioTable":1,"table":{…Table without rows…},"rowCount":n,
 * "issues":[…]}`; every further line is one row, `[rowNumber,"cell",…]`, cells exactly as parsed.
 */
export const TABLE_FILE_MIME = "application/vnd.studio.table+jsonl";
const VERSION = 1;

interface TableFileHead {
  studioTable: number;
  table: Omit<Table, "rows" | "rowNumbers">;
  rowCount: number;
  issues: DataIssue[];
}

/** The file as UTF-8 chunks of about `chunkBytes`, made one at a time (write each as it comes). */
export function* tableFileChunks(table: Table & { sheetNames?: string[] }, issues: DataIssue[], chunkBytes = 1024 * 1024): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  const { rows, rowNumbers, ...meta } = table;
  const head: TableFileHead = { studioTable: VERSION, table: meta, rowCount: rows.length, issues };
  let pending: string[] = [JSON.stringify(head)];
  let pendingChars = pending[0].length;
  for (let i = 0; i < rows.length; i++) {
    const line = JSON.stringify([rowNumbers[i], ...rows[i]]);
    pending.push(line);
    pendingChars += line.length + 1;
    if (pendingChars >= chunkBytes) {
      yield encoder.encode(`${pending.join("\n")}\n`);
      pending = [];
      pendingChars = 0;
    }
  }
  if (pending.length) yield encoder.encode(`${pending.join("\n")}\n`);
}

/** The whole file, in chunks. */
export function encodeTableFile(table: Table & { sheetNames?: string[] }, issues: DataIssue[], chunkBytes = 1024 * 1024): Uint8Array[] {
  return [...tableFileChunks(table, issues, chunkBytes)];
}

/** Reads a table file back (chunk by chunk); throws on anything that is not one. */
export async function readTableFile(source: ByteSource): Promise<{ table: Table; issues: DataIssue[] }> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let head: TableFileHead | null = null;
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  let rest = "";
  const line = (text: string) => {
    if (text === "") return;
    const value = JSON.parse(text) as unknown;
    if (!head) {
      const h = value as TableFileHead;
      if (!h || h.studioTable !== VERSION || !h.table || !Array.isArray(h.table.headers)) throw new Error("not a table file");
      head = h;
      return;
    }
    if (!Array.isArray(value) || typeof value[0] !== "number") throw new Error("bad table row");
    rowNumbers.push(value[0]);
    rows.push(value.slice(1) as string[]);
  };
  const take = (text: string) => {
    const lines = (rest + text).split("\n");
    rest = lines.pop() ?? "";
    for (const l of lines) line(l);
  };
  for await (const chunk of source()) take(decoder.decode(chunk, { stream: true }));
  take(decoder.decode());
  line(rest);
  const h = head as TableFileHead | null;
  if (!h || rows.length !== h.rowCount) throw new Error("truncated table file");
  return { table: { ...h.table, rows, rowNumbers }, issues: h.issues };
}
