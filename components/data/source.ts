import { apiFetch } from "@/lib/client/api";
import type { DatasetView, SampleView, TablePreview, UploadResult } from "./types";

export type UploadOutcome = UploadResult | { kind: "error"; message: string };

/**
 * Where the Data tab's examples live. The tab's UI (mapping step, chart, warnings, label edit,
 * delete, move, classes, capture, export) talks only to this interface; one implementation keeps
 * the data on the server, the other in this browser's IndexedDB (local-source.ts).
 * Methods that change data return a translated error message, or null when it worked.
 */
export interface DatasetSource {
  readonly mode: "server" | "device";
  dataset(): Promise<DatasetView>;
  samples(offset: number, limit: number): Promise<{ samples: SampleView[]; total: number }>;
  /** A dropped file, a webcam frame or a recorded clip; `label` is the class for one picture or clip. */
  upload(file: Blob, name: string, opts?: { label?: string; format?: string; source?: string }): Promise<UploadOutcome>;
  /** Second step for tables: the confirmed column mapping. */
  importTable(preview: TablePreview, mapping: Record<string, unknown>, format?: string): Promise<UploadOutcome>;
  loadSample(): Promise<UploadOutcome>;
  relabel(id: string, label: string): Promise<string | null>;
  bulk(action: "delete" | "move", ids: string[], label?: string): Promise<string | null>;
  addClass(label: string): Promise<string | null>;
  /** Downloads the dataset as CSV. */
  exportCsv(): Promise<string | null>;
  /** Frees what the source holds (object URLs of pictures and clips). */
  dispose(): void;
}

/** Messages the sources need, already translated. */
export interface SourceMessages {
  network: string;
  internal: string;
}

/** Starts a download of `href` as `fileName` without leaving the page. */
export function download(href: string, fileName: string) {
  const a = document.createElement("a");
  a.href = href;
  a.download = fileName;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Examples stored on the server in the user's account (the upload, import and sample routes). */
export class ServerSource implements DatasetSource {
  readonly mode = "server" as const;

  constructor(
    private readonly projectId: string,
    private readonly msg: SourceMessages,
  ) {}

  private get base() {
    return `/api/projects/${this.projectId}`;
  }

  async dataset(): Promise<DatasetView> {
    const d = await apiFetch<{ dataset: DatasetView }>(`${this.base}/dataset`);
    if (!d.ok) throw new Error(d.error.message);
    return d.data.dataset;
  }

  async samples(offset: number, limit: number) {
    const s = await apiFetch<{ samples: SampleView[]; total: number }>(`${this.base}/samples?offset=${offset}&limit=${limit}`);
    if (!s.ok) throw new Error(s.error.message);
    return {
      samples: s.data.samples.map((x) => ({ ...x, mediaUrl: x.blobId ? `${this.base}/blobs/${x.blobId}` : null })),
      total: s.data.total,
    };
  }

  async upload(file: Blob, name: string, opts: { label?: string; format?: string } = {}): Promise<UploadOutcome> {
    const q = new URLSearchParams({ name });
    if (opts.label) q.set("label", opts.label);
    if (opts.format) q.set("format", opts.format);
    let res: Response;
    try {
      res = await fetch(`${this.base}/uploads?${q}`, { method: "POST", body: file, headers: { "content-type": "application/octet-stream" } });
    } catch {
      return { kind: "error", message: this.msg.network };
    }
    const json = await res.json().catch(() => null);
    if (res.status === 413 || !json || "error" in json) return { kind: "error", message: json?.error?.message ?? this.msg.internal };
    return json as UploadResult;
  }

  async importTable(preview: TablePreview, mapping: Record<string, unknown>, format?: string): Promise<UploadOutcome> {
    const res = await apiFetch<UploadResult>(`${this.base}/imports`, {
      body: { uploadId: preview.uploadId, mapping, format },
      networkErrorMessage: this.msg.network,
    });
    if (!res.ok) return { kind: "error", message: res.error.message };
    return res.data;
  }

  async loadSample(): Promise<UploadOutcome> {
    const res = await apiFetch<UploadResult>(`${this.base}/sample-dataset`, { method: "POST", networkErrorMessage: this.msg.network });
    if (!res.ok) return { kind: "error", message: res.error.message };
    return res.data;
  }

  async relabel(id: string, label: string): Promise<string | null> {
    const res = await apiFetch(`${this.base}/samples/${id}`, { method: "PATCH", body: { label }, networkErrorMessage: this.msg.network });
    return res.ok ? null : (res.error.fields.label ?? res.error.message);
  }

  async bulk(action: "delete" | "move", ids: string[], label?: string): Promise<string | null> {
    const res = await apiFetch(`${this.base}/samples/bulk`, { body: { action, ids, label }, networkErrorMessage: this.msg.network });
    return res.ok ? null : res.error.message;
  }

  async addClass(label: string): Promise<string | null> {
    const res = await apiFetch(`${this.base}/classes`, { body: { label }, networkErrorMessage: this.msg.network });
    return res.ok ? null : (res.error.fields.label ?? res.error.message);
  }

  async exportCsv(): Promise<string | null> {
    download(`${this.base}/dataset/export`, "dataset.csv");
    return null;
  }

  dispose() {}
}
