/** Shapes returned by the dataset routes (lib/server/datasets.ts), as the browser sees them. */
export interface FormattedIssue {
  code: string;
  severity: "error" | "warning";
  row?: number;
  file?: string;
  column?: string;
  message: string;
}

export interface DatasetView {
  id: string;
  kind: string;
  version: number;
  schema: {
    labels: string[];
    replies: Record<string, string>;
    mapping?: Record<string, unknown>;
    columns?: { name: string; type: string }[];
    task?: "classification" | "regression";
  };
  total: number;
  classes: { label: string; count: number }[];
  issues: FormattedIssue[];
  canTrain: boolean;
  localDataOnly: boolean;
}

export interface SampleView {
  id: string;
  label: string | null;
  text: string | null;
  data: Record<string, unknown> | null;
  blobId: string | null;
  fileName: string | null;
  source: string;
  /** Where the browser loads the picture or clip from (a server route or a device object URL). */
  mediaUrl?: string | null;
}

export interface TablePreview {
  kind: "table";
  uploadId: string;
  fileName: string;
  format: string;
  encoding?: string;
  headers: string[];
  /** The first rows; a cell longer than the preview shows is cut and ends with "…". */
  rows: string[][];
  rowCount: number;
  /** How many shown cells were cut (the import uses the full text). */
  cutCells: number;
  mapping: Record<string, unknown> | null;
  matchedBy: Record<string, string>;
  columns: { name: string; type: string }[];
  issues: FormattedIssue[];
}

export interface ImportResult {
  kind: "imported";
  added: number;
  skipped: number;
  version: number;
  issues: FormattedIssue[];
}

export interface RejectedUpload {
  kind: "rejected";
  issues: FormattedIssue[];
}

export type UploadResult = TablePreview | ImportResult | RejectedUpload;
