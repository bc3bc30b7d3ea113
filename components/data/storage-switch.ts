import { apiFetch } from "@/lib/client/api";
import { allSamples, addSamples, changeSamples, clearProject, countSamples, getMeta, type StoredRow } from "@/lib/client/local-dataset";
import { uploadBatches } from "@/lib/client/local-dataset-core";
import type { DataKind } from "@/lib/scenes/types";
import type { DatasetView, SampleView, UploadResult } from "./types";

/* Moving a project's examples between the server and this device, when the owner switches
 * "Keep training data on this device only". Every step is safe to repeat: examples are copied
 * first and removed from where they were only once the copy is stored. */

export interface SwitchScene {
  id: string;
  dataKind: DataKind;
}

export type Progress = (done: number, total: number) => void;

class SwitchError extends Error {}

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new SwitchError(r.error.message);
  return r.data;
}

export function switchErrorMessage(e: unknown, fallback: string): string {
  return e instanceof SwitchError || e instanceof Error ? e.message || fallback : fallback;
}

/** How many examples the server holds for the project (its own samples, not device summaries). */
export async function serverSampleCount(projectId: string): Promise<number> {
  const r = await apiFetch<{ total: number }>(`/api/projects/${projectId}/samples?limit=1`);
  return r.ok ? r.data.total : 0;
}

export async function deviceSampleCount(projectId: string): Promise<number> {
  try {
    return await countSamples(projectId);
  } catch {
    return 0;
  }
}

export async function setDeviceOnly(projectId: string, localDataOnly: boolean): Promise<void> {
  await ok(apiFetch(`/api/projects/${projectId}/settings`, { method: "PATCH", body: { localDataOnly } }));
}

/**
 * Copies every server example (files included) into this browser and returns the server ids
 * copied. If anything fails, the copies made so far are removed again and the server is untouched.
 */
export async function copyServerToDevice(projectId: string, schema: DatasetView["schema"] | null, onProgress: Progress): Promise<string[]> {
  const base = `/api/projects/${projectId}`;
  const total = await serverSampleCount(projectId);
  const copiedServerIds: string[] = [];
  const localIds: string[] = [];
  try {
    for (let offset = 0; offset < total; offset += 500) {
      const page = await ok(apiFetch<{ samples: SampleView[] }>(`${base}/samples?offset=${offset}&limit=500`));
      const rows: StoredRow[] = [];
      for (const s of page.samples) {
        let blob: Blob | null = null;
        if (s.blobId) {
          const res = await fetch(`${base}/blobs/${s.blobId}`);
          if (!res.ok) throw new SwitchError(res.statusText || String(res.status));
          blob = await res.blob();
        }
        rows.push({ text: s.text, label: s.label, data: s.data, fileName: s.fileName, source: "server", blob, blobHash: s.blobId });
        copiedServerIds.push(s.id);
      }
      const added = await addSamples(projectId, rows, (m) => {
        if (!schema) return;
        for (const l of schema.labels) if (!m.labels.includes(l)) m.labels.push(l);
        for (const [k, v] of Object.entries(schema.replies ?? {})) if (!m.replies[k]) m.replies[k] = v;
        if (!m.mapping && schema.mapping) m.mapping = schema.mapping as never;
        if (!m.columns && schema.columns) m.columns = schema.columns as never;
        if (!m.task && schema.task) m.task = schema.task;
      });
      localIds.push(...added.ids);
      onProgress(Math.min(total, offset + page.samples.length), total);
      if (page.samples.length === 0) break;
    }
  } catch (e) {
    if (localIds.length) await changeSamples(projectId, localIds, { action: "delete" }).catch(() => false);
    throw e;
  }
  return copiedServerIds;
}

/** Deletes server examples (after they were copied to the device), 1000 per request. */
export async function deleteServerSamples(projectId: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await ok(apiFetch(`/api/projects/${projectId}/samples/bulk`, { body: { action: "delete", ids: ids.slice(i, i + 1000) } }));
  }
}

export interface UploadReport {
  uploaded: number;
  /** Examples the server refused; they stay on the device. */
  failed: number;
  messages: string[];
}

/**
 * Uploads the device's examples through the ordinary upload route (the project must already store
 * data on the server): pictures and clips one by one into their class, table-like examples as JSON
 * Lines files imported with a fixed column mapping. Each example is removed from the device once
 * the server has it; what the server refuses stays on the device.
 */
export async function uploadDeviceToServer(projectId: string, scene: SwitchScene, onProgress: Progress): Promise<UploadReport> {
  const base = `/api/projects/${projectId}`;
  const [meta, rows] = await Promise.all([getMeta(projectId), allSamples(projectId)]);
  const report: UploadReport = { uploaded: 0, failed: 0, messages: [] };
  const total = rows.length;
  let done = 0;
  onProgress(0, total);

  const post = async (body: Blob, name: string, label?: string): Promise<UploadResult> => {
    const q = new URLSearchParams({ name });
    if (label) q.set("label", label);
    let res: Response;
    try {
      res = await fetch(`${base}/uploads?${q}`, { method: "POST", body, headers: { "content-type": "application/octet-stream" } });
    } catch {
      throw new SwitchError("");
    }
    const json = await res.json().catch(() => null);
    if (!json || "error" in json) throw new SwitchError(json?.error?.message ?? res.statusText);
    return json as UploadResult;
  };

  if (scene.dataKind === "image" || scene.dataKind === "audio") {
    for (const r of rows) {
      if (!r.blob || !r.label) {
        report.failed++;
        continue;
      }
      let result: UploadResult;
      try {
        result = await post(r.blob, r.fileName ?? "file", r.label);
      } catch (e) {
        // A refused file (e.g. over the server's size limit) stays on the device; a network error stops.
        if (e instanceof SwitchError && e.message) {
          report.failed++;
          report.messages.push(`${r.fileName ?? ""}: ${e.message}`);
          continue;
        }
        throw e;
      }
      if (result.kind === "imported") {
        await changeSamples(projectId, [r.id], { action: "delete" });
        report.uploaded++;
      } else {
        report.failed++;
        if (result.kind === "rejected") report.messages.push(...result.issues.map((i) => i.message));
      }
      onProgress(++done, total);
    }
  } else {
    for (const batch of uploadBatches(scene.id, scene.dataKind, meta, rows)) {
      let result = await post(new Blob([batch.body], { type: "application/octet-stream" }), batch.fileName);
      if (result.kind === "table") {
        if (!batch.mapping) throw new SwitchError("");
        result = await ok(apiFetch<UploadResult>(`${base}/imports`, { body: { uploadId: result.uploadId, mapping: batch.mapping } }));
      }
      if (result.kind === "imported") {
        // A row the server refused is named by its line in the file: that example stays on the device.
        const refused = new Set(result.issues.filter((i) => i.severity === "error" && i.row).map((i) => batch.ids[(i.row ?? 0) - 1]));
        const accepted = batch.ids.filter((id) => !refused.has(id));
        if (accepted.length) await changeSamples(projectId, accepted, { action: "delete" });
        report.uploaded += accepted.length;
        report.failed += refused.size;
        report.messages.push(...result.issues.filter((i) => i.severity === "error").map((i) => i.message));
      } else {
        report.failed += batch.ids.length;
        if (result.kind === "rejected") report.messages.push(...result.issues.map((i) => i.message));
      }
      done += batch.ids.length;
      onProgress(done, total);
    }
  }

  // Classes the user added without examples yet, and intent replies.
  for (const label of meta.labels) {
    if (!rows.some((r) => r.label === label)) await apiFetch(`${base}/classes`, { body: { label } });
  }
  if (Object.keys(meta.replies).length) await apiFetch(`${base}/replies`, { method: "PUT", body: { replies: meta.replies } });

  if ((await countSamples(projectId)) === 0) await clearProject(projectId);
  return report;
}
