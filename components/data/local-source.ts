import { apiFetch } from "@/lib/client/api";
import { datasetReport, exportRows, labelProblem, mappedToRows, patchMetaFromMapped, sha256Hex, summarize } from "@/lib/client/local-dataset-core";
import {
  addSamples,
  allSamples,
  changeSamples,
  countSamples,
  getMeta,
  listSamples,
  updateMeta,
  type LocalSample,
  type StoredRow,
} from "@/lib/client/local-dataset";
import { inspectAudio, sniffAudio } from "@/lib/data/audio";
import { readTaggedImageZip } from "@/lib/data/tagged-zip";
import { readClassZip } from "@/lib/data/class-zip";
import { parseEntities } from "@/lib/data/entities";
import { toCsv } from "@/lib/data/export";
import { inspectImage, sniffImage } from "@/lib/data/image";
import { type DataIssue, error as issueError } from "@/lib/data/issues";
import { DEFAULT_LIMITS } from "@/lib/data/limits";
import { applyMapping, validateMapping, type ColumnMapping } from "@/lib/data/mapping";
import { formatIssue } from "@/lib/data/messages";
import { parseTable } from "@/lib/data/parse-table";
import { getSampleDataset, parseSampleDataset } from "@/lib/data/samples";
import type { Table } from "@/lib/data/table";
import { previewTable } from "@/lib/data/table-preview";
import { isZip } from "@/lib/data/zip";
import type { Locale } from "@/lib/i18n/config";
import { getScene } from "@/lib/scenes";
import type { DataKind } from "@/lib/scenes/types";
import { download, type DatasetSource, type SourceMessages, type UploadOutcome } from "./source";
import type { DatasetView, FormattedIssue, ImportResult, SampleView, TablePreview } from "./types";

const TABLE_KINDS: readonly DataKind[] = ["text", "faq", "tabular", "ratings"];

export interface LocalSourceMessages extends SourceMessages {
  /** Translates a full key such as "errors.classExists". */
  t: (key: string, params?: Record<string, string | number>) => string;
}

function mediaData(image?: { width: number; height: number; orientation: number; format: string }, audio?: { format: string; durationSec?: number }) {
  if (image) return { width: image.width, height: image.height, orientation: image.orientation, format: image.format };
  if (audio) return { format: audio.format, durationSec: audio.durationSec ?? null };
  return {};
}

const blobOf = (bytes: Uint8Array, mime: string) => new Blob([bytes as BlobPart], { type: mime });

/**
 * Examples kept only in this browser (IndexedDB). Files are parsed here with the same lib/data
 * parsers and limits as on the server; the server hears only counts per label and a checksum
 * (PUT /api/projects/:id/dataset/local-summary), which keeps the project status and the dataset
 * version right.
 */
export class LocalSource implements DatasetSource {
  readonly mode = "device" as const;
  private readonly limits = DEFAULT_LIMITS;
  private readonly pending = new Map<string, { table: Table; issues: DataIssue[] }>();
  private readonly urls = new Map<string, string>();
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly projectId: string,
    private readonly scene: { id: string; dataKind: DataKind },
    private readonly locale: Locale,
    private readonly msg: LocalSourceMessages,
    /** Told when reporting the counts to the server failed (null once it works again). */
    private readonly onSyncError: (message: string | null) => void = () => {},
  ) {}

  private fmt(issues: readonly DataIssue[]): FormattedIssue[] {
    return issues.map((i) => ({ ...i, message: formatIssue(i, this.locale) }));
  }

  private rejected(issues: DataIssue[], file?: string): UploadOutcome {
    return { kind: "rejected", issues: this.fmt(issues.map((i) => ({ ...i, file: i.file ?? file }))) };
  }

  /** Reports counts per label and a checksum to the server when they changed since the last report. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.report()).catch(() => {});
    return this.syncing;
  }

  private async report() {
    const [meta, rows] = await Promise.all([getMeta(this.projectId), allSamples(this.projectId)]);
    const summary = await summarize(this.scene.dataKind, meta, rows);
    const key = JSON.stringify(summary);
    if (meta.reportedSummary === key && meta.version > 0) return;
    const res = await apiFetch<{ version: number }>(`/api/projects/${this.projectId}/dataset/local-summary`, {
      method: "PUT",
      body: summary,
      networkErrorMessage: this.msg.network,
    });
    if (!res.ok) {
      this.onSyncError(res.error.message);
      return;
    }
    await updateMeta(this.projectId, (m) => {
      m.version = res.data.version;
      m.reportedSummary = key;
    });
    this.onSyncError(null);
  }

  async dataset(): Promise<DatasetView> {
    await this.sync();
    const [meta, rows] = await Promise.all([getMeta(this.projectId), allSamples(this.projectId)]);
    const report = datasetReport(this.scene.dataKind, meta, rows);
    return {
      id: `device:${this.projectId}`,
      kind: this.scene.dataKind,
      version: meta.version,
      schema: { labels: meta.labels, replies: meta.replies, mapping: meta.mapping as Record<string, unknown> | undefined, columns: meta.columns, task: meta.task },
      total: report.total,
      classes: report.classes,
      issues: this.fmt(report.issues),
      canTrain: report.canTrain,
      localDataOnly: true,
    };
  }

  async samples(offset: number, limit: number): Promise<{ samples: SampleView[]; total: number }> {
    const [rows, total] = await Promise.all([listSamples(this.projectId, offset, limit), countSamples(this.projectId)]);
    const keep = new Set(rows.map((r) => r.id));
    for (const [id, url] of this.urls) {
      if (!keep.has(id)) {
        URL.revokeObjectURL(url);
        this.urls.delete(id);
      }
    }
    return { samples: rows.map((r) => this.view(r)), total };
  }

  private view(r: LocalSample): SampleView {
    let mediaUrl: string | null = null;
    if (r.blob) {
      mediaUrl = this.urls.get(r.id) ?? URL.createObjectURL(r.blob);
      this.urls.set(r.id, mediaUrl);
    }
    return { id: r.id, label: r.label, text: r.text, data: r.data, blobId: r.blobHash ?? null, fileName: r.fileName, source: r.source, mediaUrl };
  }

  private async store(rows: StoredRow[], issues: DataIssue[], patch?: Parameters<typeof addSamples>[2]): Promise<ImportResult> {
    const r = await addSamples(this.projectId, rows, patch);
    return { kind: "imported", added: r.added, skipped: r.skipped, version: r.meta.version, issues: this.fmt(issues) };
  }

  async upload(file: Blob, name: string, opts: { label?: string; format?: string; source?: string } = {}): Promise<UploadOutcome> {
    const limits = this.limits;
    const fileName = name.slice(0, 200) || "upload";
    if (file.size === 0) return this.rejected([issueError("file-empty")], fileName);
    if (file.size > limits.maxUploadBytes) {
      return this.rejected([issueError("file-too-large", { sizeBytes: file.size, limitBytes: limits.maxUploadBytes })], fileName);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const kind = this.scene.dataKind;
    const source = opts.source ?? "upload";

    if (TABLE_KINDS.includes(kind)) {
      const format = opts.format === "pasted-lines" ? "pasted-lines" : undefined;
      const parsed = await parseTable(bytes, { fileName, limits, format });
      if (!parsed.ok) return this.rejected(parsed.issues, fileName);
      const table = parsed.value;
      const uploadId = await sha256Hex(bytes);
      this.pending.set(uploadId, { table, issues: parsed.issues });
      // the same preview the server sends: first rows, long cells cut, mapping guess, column types
      const { mapping, ...shown } = previewTable(table, getScene(this.scene.id));
      const preview: TablePreview = {
        kind: "table",
        uploadId,
        fileName,
        format: table.format,
        encoding: table.encoding,
        ...shown,
        mapping: mapping as Record<string, unknown> | null,
        issues: this.fmt(parsed.issues),
      };
      return preview;
    }

    if (kind === "entities") {
      const parsed = parseEntities(bytes, undefined, { limits });
      if (!parsed.ok) return this.rejected(parsed.issues, fileName);
      const rows = parsed.value.map((s) => ({ text: s.text, label: null, data: { spans: s.spans }, source }));
      return this.store(rows, parsed.issues);
    }

    if (kind === "image" || kind === "audio") {
      if (isZip(bytes) && this.scene.id === "image-tagging") return this.taggedZip(bytes, fileName, source);
      if (isZip(bytes)) return this.classZip(bytes, fileName, source);
      const label = opts.label?.trim();
      if (!label) return { kind: "error", message: this.msg.t("errors.classRequired") };
      if (label.length > limits.maxLabelChars) return { kind: "error", message: this.msg.t("errors.classTooLong", { max: limits.maxLabelChars }) };
      const blobHash = await sha256Hex(bytes);
      if (kind === "image") {
        if (sniffAudio(bytes) && !sniffImage(bytes)) return this.rejected([issueError("image-unknown-format", {}, { file: fileName })]);
        const info = inspectImage(bytes, { fileName, limits });
        if (!info.ok) return this.rejected(info.issues, fileName);
        return this.store([{ text: null, label, fileName, data: mediaData(info.value), blob: blobOf(bytes, info.value.mime), blobHash, source }], info.issues);
      }
      const info = inspectAudio(bytes, { fileName, limits });
      if (!info.ok) return this.rejected(info.issues, fileName);
      return this.store([{ text: null, label, fileName, data: mediaData(undefined, info.value), blob: blobOf(bytes, info.value.mime), blobHash, source }], info.issues);
    }
    return { kind: "error", message: this.msg.t("errors.uploadNotSupported") };
  }

  private async classZip(bytes: Uint8Array, fileName: string, source: string): Promise<UploadOutcome> {
    const accept = this.scene.dataKind === "audio" ? "audio" : "image";
    const zip = readClassZip(bytes, { accept, limits: this.limits });
    if (!zip.ok) return this.rejected(zip.issues, fileName);
    const rows: StoredRow[] = [];
    for (const entry of zip.value.entries) {
      const info = entry.image ?? entry.audio;
      rows.push({
        text: null,
        label: entry.className,
        fileName: entry.fileName,
        data: mediaData(entry.image, entry.audio),
        blob: blobOf(entry.bytes, info?.mime ?? "application/octet-stream"),
        blobHash: await sha256Hex(entry.bytes),
        source,
      });
    }
    return this.store(rows, zip.issues);
  }

  /** Pictures plus a tags table (scene understanding); the label holds the tags joined by ";". */
  private async taggedZip(bytes: Uint8Array, fileName: string, source: string): Promise<UploadOutcome> {
    const zip = await readTaggedImageZip(bytes, { fileName, limits: this.limits });
    if (!zip.ok) return this.rejected(zip.issues, fileName);
    const rows: StoredRow[] = [];
    for (const entry of zip.value.entries) {
      rows.push({
        text: null,
        label: entry.tags.join(";"),
        fileName: entry.fileName,
        data: { ...mediaData(entry.image, undefined), tags: entry.tags },
        blob: blobOf(entry.bytes, entry.image.mime),
        blobHash: await sha256Hex(entry.bytes),
        source,
      });
    }
    return this.store(rows, zip.issues);
  }

  async importTable(preview: TablePreview, rawMapping: Record<string, unknown>): Promise<UploadOutcome> {
    const meta = await getMeta(this.projectId);
    if (meta.importedUploads.includes(preview.uploadId)) return { kind: "error", message: this.msg.t("errors.alreadyImported") };
    const pending = this.pending.get(preview.uploadId);
    if (!pending) return { kind: "error", message: this.msg.t("errors.uploadExpired") };
    const mapping = rawMapping as unknown as ColumnMapping;
    const mappingIssues = validateMapping(pending.table, mapping);
    if (mappingIssues.some((i) => i.severity === "error")) return this.rejected(mappingIssues);
    const mapped = applyMapping(pending.table, mapping, { limits: this.limits });
    if (!mapped.ok) return this.rejected(mapped.issues);
    const rows = mappedToRows(mapped.value).map((r) => ({ ...r, source: "upload" }));
    const result = await this.store(rows, [...pending.issues, ...mapped.issues], (m) => {
      patchMetaFromMapped(m, mapped.value, mapping);
      m.importedUploads = [...m.importedUploads, preview.uploadId].slice(-200);
    });
    this.pending.delete(preview.uploadId);
    return result;
  }

  async loadSample(): Promise<UploadOutcome> {
    const sample = getSampleDataset(this.scene.id);
    if (!sample) return { kind: "error", message: this.msg.t("errors.noSampleDataset") };
    let bytes: Uint8Array;
    try {
      const res = await fetch(sample.path);
      if (!res.ok) return { kind: "error", message: this.msg.internal };
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch {
      return { kind: "error", message: this.msg.network };
    }
    const parsed = await parseSampleDataset(sample, bytes);
    if (!parsed.ok) return this.rejected(parsed.issues);
    const p = parsed.value;
    if (p.kind === "class-zip") return this.classZip(bytes, sample.path.split("/").pop() ?? "sample.zip", "sample");
    if (p.kind === "tagged-zip") return this.taggedZip(bytes, sample.path.split("/").pop() ?? "sample.zip", "sample");
    if (p.kind === "entities") return this.store(p.samples.map((s) => ({ text: s.text, label: null, data: { spans: s.spans }, source: "sample" })), parsed.issues);
    const rows = mappedToRows(p.dataset).map((r) => ({ ...r, source: "sample" }));
    return this.store(rows, parsed.issues, (m) => patchMetaFromMapped(m, p.dataset, sample.kind === "table" ? sample.mapping : undefined));
  }

  private labelError(label: string): string | null {
    const problem = labelProblem(label, this.limits);
    return problem ? this.msg.t(problem, { max: this.limits.maxLabelChars }) : null;
  }

  async relabel(id: string, label: string): Promise<string | null> {
    const bad = this.labelError(label);
    if (bad) return bad;
    const ok = await changeSamples(this.projectId, [id], { action: "relabel", label: label.trim() });
    return ok ? null : this.msg.t("errors.notFound");
  }

  async bulk(action: "delete" | "move", ids: string[], label?: string): Promise<string | null> {
    if (action === "move") {
      const bad = this.labelError(label ?? "");
      if (bad) return bad;
    }
    const ok = await changeSamples(this.projectId, ids, action === "delete" ? { action: "delete" } : { action: "relabel", label: (label ?? "").trim() });
    return ok ? null : this.msg.t("errors.notFound");
  }

  async addClass(name: string): Promise<string | null> {
    const bad = this.labelError(name);
    if (bad) return bad;
    const label = name.trim();
    const [meta, rows] = await Promise.all([getMeta(this.projectId), allSamples(this.projectId)]);
    if (meta.labels.includes(label) || rows.some((r) => r.label === label)) return this.msg.t("errors.classExists", { name: label });
    await updateMeta(this.projectId, (m) => {
      if (!m.labels.includes(label)) m.labels.push(label);
    });
    return null;
  }

  async exportCsv(): Promise<string | null> {
    const [meta, rows] = await Promise.all([getMeta(this.projectId), allSamples(this.projectId)]);
    const csv = toCsv(exportRows(this.scene.id, this.scene.dataKind, meta, rows));
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    download(url, "dataset.csv");
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return null;
  }

  dispose() {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
    this.pending.clear();
  }
}
