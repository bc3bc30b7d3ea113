/** fetch() helpers that report download progress in bytes (browser, worker, Node 18+). */
import type { ProgressCallback } from "./types";

export interface Download {
  url: string;
  /** Expected size when known (used for the total before the response arrives). */
  bytes?: number;
}

/**
 * Downloads several files, reporting the running byte count across all of them as
 * { stage: "download", loadedBytes, totalBytes }. Rejects on any HTTP error.
 */
export async function fetchAllWithProgress(files: Download[], onProgress?: ProgressCallback): Promise<ArrayBuffer[]> {
  const loaded = new Array<number>(files.length).fill(0);
  const totals: (number | null)[] = files.map((f) => f.bytes ?? null);
  const report = () => {
    if (!onProgress) return;
    const totalBytes = totals.every((t) => t !== null) ? (totals as number[]).reduce((a, b) => a + b, 0) : null;
    onProgress({ stage: "download", loadedBytes: loaded.reduce((a, b) => a + b, 0), totalBytes });
  };
  report();
  return Promise.all(
    files.map(async (file, i) => {
      const res = await fetch(file.url);
      if (!res.ok) throw new Error(`Could not download ${file.url}: HTTP ${res.status}`);
      const length = Number(res.headers.get("content-length"));
      if (totals[i] === null && Number.isFinite(length) && length > 0) totals[i] = length;
      if (!res.body || !onProgress) {
        const buf = await res.arrayBuffer();
        loaded[i] = buf.byteLength;
        report();
        return buf;
      }
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded[i] += value.byteLength;
        report();
      }
      const out = new Uint8Array(loaded[i]);
      let offset = 0;
      for (const c of chunks) {
        out.set(c, offset);
        offset += c.byteLength;
      }
      return out.buffer;
    }),
  );
}

/** Resolves `relative` against a base URL that may itself be relative ("/models/x/model.json"). */
export function resolveUrl(base: string, relative: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(relative) || relative.startsWith("/")) return relative;
  const dir = base.slice(0, base.lastIndexOf("/") + 1);
  return dir + relative;
}
