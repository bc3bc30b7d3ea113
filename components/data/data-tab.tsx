"use client";

import { useLocale, useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { apiFetch } from "@/lib/client/api";
import { isLocale } from "@/lib/i18n/config";
import { IssueList } from "./issue-list";
import { LabelChart } from "./label-chart";
import { LocalSource } from "./local-source";
import { MappingStep } from "./mapping-step";
import { MediaGrid } from "./media-grid";
import { MicRecorder } from "./mic-recorder";
import { SampleTable } from "./sample-table";
import { ServerSource, type DatasetSource, type UploadOutcome } from "./source";
import { StoragePanel } from "./storage-panel";
import { WebcamCapture } from "./webcam-capture";
import type { DatasetView, FormattedIssue, SampleView, TablePreview } from "./types";

export interface DataTabScene {
  id: string;
  dataKind: "text" | "faq" | "entities" | "image" | "audio" | "tabular" | "ratings";
  hasSample: boolean;
}

const ACCEPT: Record<DataTabScene["dataKind"], string> = {
  text: ".csv,.tsv,.txt,.xlsx,.jsonl,.json",
  faq: ".csv,.tsv,.txt,.xlsx,.jsonl,.json",
  tabular: ".csv,.tsv,.txt,.xlsx",
  ratings: ".csv,.tsv,.txt",
  entities: ".txt,.conll,.bio,.jsonl,.json,.md",
  image: "image/jpeg,image/png,image/webp,.zip",
  audio: "audio/wav,audio/webm,audio/mpeg,audio/ogg,.wav,.webm,.mp3,.ogg,.zip",
};

const PAGE = 100;

/**
 * The Data tab: bring data in, see whether it is usable, fix it in place. The same UI works on
 * examples stored on the server or kept on this device only: it talks to a DatasetSource.
 */
export function DataTab({ projectId, scene }: { projectId: string; scene: DataTabScene }) {
  const t = useTranslations("data");
  const te = useTranslations("errors");
  const tAll = useTranslations();
  const rawLocale = useLocale();
  const locale = isLocale(rawLocale) ? rawLocale : "en";
  const router = useRouter();
  const [mode, setMode] = useState<"server" | "device" | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  const [dataset, setDataset] = useState<DatasetView | null>(null);
  const [samples, setSamples] = useState<SampleView[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(0);
  const [changes, setChanges] = useState(0);
  const [preview, setPreview] = useState<TablePreview | null>(null);
  const [previewFormat, setPreviewFormat] = useState<string | undefined>(undefined);
  const [report, setReport] = useState<{ title: string; issues: FormattedIssue[] } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dropClass, setDropClass] = useState("");
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const isMedia = scene.dataKind === "image" || scene.dataKind === "audio";
  const hasClasses = isMedia || scene.dataKind === "text";
  const pageSize = isMedia ? 500 : PAGE;

  // Where the examples are is a project setting: read it once, then use the matching source.
  useEffect(() => {
    let live = true;
    void apiFetch<{ dataset: DatasetView }>(`/api/projects/${projectId}/dataset`).then((d) => {
      if (!live) return;
      if (d.ok) setMode(d.data.dataset.localDataOnly ? "device" : "server");
      else setError(d.error.message);
    });
    return () => {
      live = false;
    };
  }, [projectId]);

  const source = useMemo<DatasetSource | null>(() => {
    const msg = { network: te("network"), internal: te("internal") };
    if (mode === "server") return new ServerSource(projectId, msg);
    if (mode === "device") {
      const sceneInfo = { id: scene.id, dataKind: scene.dataKind };
      const onSyncError = (m: string | null) => setSyncError(m ? t("errors.syncFailed", { message: m }) : null);
      return new LocalSource(projectId, sceneInfo, locale, { ...msg, t: (key, params) => tAll(key as never, params as never) }, onSyncError);
    }
    return null;
    // The translators only change with the language (`locale`), which makes a new source anyway.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode, projectId, scene.id, scene.dataKind, locale]);

  useEffect(() => () => source?.dispose(), [source]);

  // A file chosen before the project's storage mode is known waits for the source.
  const sourceRef = useRef<DatasetSource | null>(null);
  const waiting = useRef<((s: DatasetSource) => void)[]>([]);
  useEffect(() => {
    sourceRef.current = source;
    if (source) for (const w of waiting.current.splice(0)) w(source);
  }, [source]);
  const getSource = () => (sourceRef.current ? Promise.resolve(sourceRef.current) : new Promise<DatasetSource>((r) => waiting.current.push(r)));

  const latest = useRef(0);
  // Messages for refresh errors, kept out of its dependencies so a re-render never re-fetches.
  const failMessages = useRef({ device: "", other: "" });
  useEffect(() => {
    failMessages.current = { device: t("errors.storageUnavailable"), other: te("internal") };
  }, [t, te]);
  const refresh = useCallback(async () => {
    if (!source) return;
    const ticket = ++latest.current;
    try {
      const [d, s] = await Promise.all([source.dataset(), source.samples(page * pageSize, pageSize)]);
      // Answers can arrive out of order (a burst of webcam frames): only the newest is shown.
      if (ticket !== latest.current) return;
      setDataset(d);
      setSamples(s.samples);
      setTotal(s.total);
    } catch (e) {
      setError(source.mode === "device" ? failMessages.current.device : e instanceof Error ? e.message : failMessages.current.other);
    }
  }, [source, page, pageSize]);

  // Re-read after every change (`changes`), with the source of the moment.
  useEffect(() => {
    void refresh();
  }, [refresh, changes]);

  useEffect(() => {
    if (!dropClass && dataset?.schema.labels.length) setDropClass(dataset.schema.labels[0]);
  }, [dataset, dropClass]);

  function afterChange(message: string | null) {
    setNotice(message);
    setChanges((c) => c + 1);
    router.refresh();
  }

  async function uploadOne(file: Blob, name: string, opts: { label?: string; format?: string; source?: string } = {}): Promise<UploadOutcome> {
    return (await getSource()).upload(file, name, opts);
  }

  /** A webcam frame or a recorded clip into the chosen class; true when it was stored. */
  async function captureOne(blob: Blob, name: string, origin: string): Promise<boolean> {
    const r = await uploadOne(blob, name, { label: dropClass.trim(), source: origin });
    if (r.kind === "imported") {
      afterChange(t("added", { added: r.added, skipped: r.skipped }));
      return true;
    }
    if (r.kind === "error") setError(r.message);
    else setReport({ title: t("uploadReport"), issues: r.kind === "rejected" ? r.issues : [] });
    return false;
  }

  async function uploadFiles(files: File[]) {
    if (!files.length) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    setReport(null);
    const issues: FormattedIssue[] = [];
    let added = 0;
    let skipped = 0;
    for (const file of files) {
      const isZip = /\.zip$/i.test(file.name);
      if (isMedia && !isZip && !dropClass.trim()) {
        setError(te("classRequired"));
        break;
      }
      const result = await uploadOne(file, file.name, { label: isMedia && !isZip ? dropClass.trim() : undefined });
      if (result.kind === "error") {
        issues.push({ code: "upload", severity: "error", file: file.name, message: `${file.name}: ${result.message}` });
      } else if (result.kind === "table") {
        setPreview(result);
        setPreviewFormat(undefined);
        break;
      } else if (result.kind === "rejected") {
        issues.push(...result.issues);
      } else {
        added += result.added;
        skipped += result.skipped;
        issues.push(...result.issues);
      }
    }
    setBusy(false);
    if (issues.length) setReport({ title: t("uploadReport"), issues });
    if (added || skipped) afterChange(t("added", { added, skipped }));
  }

  async function importPreview(mapping: Record<string, unknown>) {
    if (!preview) return;
    setBusy(true);
    const res = await (await getSource()).importTable(preview, mapping, previewFormat);
    setBusy(false);
    if (res.kind === "error") {
      setError(res.message);
      return;
    }
    if (res.kind === "imported") {
      setPreview(null);
      setReport(res.issues.length ? { title: t("rowsSkipped"), issues: res.issues } : null);
      afterChange(t("added", { added: res.added, skipped: res.skipped }));
    } else if (res.kind === "rejected") {
      setReport({ title: t("uploadReport"), issues: res.issues });
    }
  }

  async function onPaste(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const text = String(new FormData(e.currentTarget).get("pasted") ?? "");
    if (!text.trim()) return;
    setBusy(true);
    const result = await uploadOne(new Blob([text], { type: "text/plain" }), "pasted.txt", { format: "pasted-lines" });
    setBusy(false);
    if (result.kind === "table") {
      setPreview(result);
      setPreviewFormat("pasted-lines");
    } else if (result.kind === "error") setError(result.message);
    else if (result.kind === "rejected") setReport({ title: t("uploadReport"), issues: result.issues });
  }

  async function loadSample() {
    setBusy(true);
    setError(null);
    const res = await (await getSource()).loadSample();
    setBusy(false);
    if (res.kind === "error") return setError(res.message);
    if (res.kind === "rejected") return setReport({ title: t("uploadReport"), issues: res.issues });
    if (res.kind === "imported") afterChange(t("added", { added: res.added, skipped: res.skipped }));
  }

  async function addClass(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const label = String(new FormData(form).get("label") ?? "");
    const err = await (await getSource()).addClass(label);
    if (err) return setError(err);
    form.reset();
    setDropClass(label.trim());
    afterChange(t("classAdded", { name: label.trim() }));
  }

  async function relabel(id: string, label: string): Promise<string | null> {
    const err = await (await getSource()).relabel(id, label);
    if (err) return err;
    afterChange(t("labelSaved"));
    return null;
  }

  async function bulk(action: "delete" | "move", ids: string[], label?: string) {
    const err = await (await getSource()).bulk(action, ids, label);
    if (err) return setError(err);
    afterChange(action === "delete" ? t("deleted", { count: ids.length }) : t("moved", { count: ids.length, label: label ?? "" }));
  }

  async function exportCsv() {
    const err = await (await getSource()).exportCsv();
    if (err) setError(err);
  }

  function onSwitched(next: "server" | "device", message: string) {
    setPreview(null);
    setPage(0);
    setMode(next);
    setSyncError(null);
    afterChange(message);
  }

  function onDrop(e: DragEvent<HTMLDivElement>) {
    e.preventDefault();
    setDragging(false);
    void uploadFiles([...e.dataTransfer.files]);
  }

  const labels = dataset?.schema.labels ?? [];
  const mappingKind = scene.dataKind === "text" || scene.dataKind === "faq" || scene.dataKind === "tabular" || scene.dataKind === "ratings" ? scene.dataKind : null;

  return (
    <div className="space-y-6" data-testid="data-tab">
      {mode ? (
        <StoragePanel
          projectId={projectId}
          scene={{ id: scene.id, dataKind: scene.dataKind }}
          mode={mode}
          refreshKey={changes}
          onSwitched={onSwitched}
          onChanged={(m) => afterChange(m)}
        />
      ) : null}

      <p role="status" aria-live="polite" className="text-sm text-emerald-700" data-testid="data-notice">
        {notice}
      </p>
      <FormError message={error} />
      {syncError ? (
        <p role="alert" className="text-sm text-amber-800">
          {syncError}
        </p>
      ) : null}

      {preview && mappingKind ? (
        <MappingStep
          preview={preview}
          mappingKind={mappingKind}
          showReply={scene.id === "intent-chatbot"}
          busy={busy}
          onImport={importPreview}
          onCancel={() => setPreview(null)}
        />
      ) : (
        <section className="grid gap-4 lg:grid-cols-2">
          <div
            onDragOver={(e) => (e.preventDefault(), setDragging(true))}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            className={`rounded-2xl border-2 border-dashed p-6 text-center ${dragging ? "border-brand-500 bg-brand-50" : "border-slate-300 bg-white"}`}
            data-testid="drop-zone"
          >
            <p className="font-medium">{t(`dropHint.${scene.dataKind}`)}</p>
            <p className="mt-1 text-xs text-slate-500">{t(`formats.${scene.dataKind}`)}</p>
            {isMedia ? (
              <label className="mt-3 flex items-center justify-center gap-2 text-sm">
                {t("addToClass")}
                <input
                  list="class-options"
                  className="w-40 rounded border border-slate-300 px-2 py-1"
                  value={dropClass}
                  onChange={(e) => setDropClass(e.target.value)}
                  aria-label={t("addToClass")}
                  data-testid="drop-class"
                />
                <datalist id="class-options">
                  {labels.map((l) => (
                    <option key={l} value={l} />
                  ))}
                </datalist>
              </label>
            ) : null}
            <input
              ref={fileInput}
              type="file"
              multiple={isMedia}
              accept={ACCEPT[scene.dataKind]}
              className="sr-only"
              data-testid="file-input"
              aria-label={t("chooseFiles")}
              onChange={(e) => {
                void uploadFiles([...(e.target.files ?? [])]);
                e.target.value = "";
              }}
            />
            <div className="mt-4 flex flex-wrap justify-center gap-2">
              <Button onClick={() => fileInput.current?.click()} disabled={busy || !source}>
                {busy ? t("working") : t("chooseFiles")}
              </Button>
              {scene.hasSample ? (
                <Button variant="secondary" onClick={loadSample} disabled={busy} data-testid="load-sample">
                  {t("loadSample")}
                </Button>
              ) : null}
            </div>
          </div>
          <div className="space-y-4">
            {scene.dataKind === "text" ? (
              <form onSubmit={onPaste} className="rounded-2xl border border-slate-200 bg-white p-4">
                <label className="block text-sm font-medium" htmlFor="pasted">
                  {t("pasteTitle")}
                </label>
                <p className="text-xs text-slate-500">{t("pasteHint")}</p>
                <textarea id="pasted" name="pasted" rows={4} className="mt-2 w-full rounded-lg border border-slate-300 p-2 text-sm" />
                <Button type="submit" size="sm" variant="secondary" disabled={busy}>
                  {t("pasteSubmit")}
                </Button>
              </form>
            ) : null}
            {hasClasses ? (
              <form onSubmit={addClass} className="flex items-end gap-2 rounded-2xl border border-slate-200 bg-white p-4">
                <div className="flex-1">
                  <TextField name="label" label={t("newClass")} maxLength={100} />
                </div>
                <Button type="submit" variant="secondary">
                  {t("addClass")}
                </Button>
              </form>
            ) : null}
            {scene.dataKind === "image" ? <WebcamCapture labels={labels} currentClass={dropClass} onCapture={(blob, name) => captureOne(blob, name, "webcam")} /> : null}
            {scene.dataKind === "audio" ? <MicRecorder currentClass={dropClass} onKeep={(wav, name) => captureOne(wav, name, "microphone")} /> : null}
          </div>
        </section>
      )}

      {report ? <IssueList issues={report.issues} title={report.title} testId="upload-report" /> : null}

      {dataset ? (
        <section className="space-y-4">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="text-lg font-medium">
              {t("datasetTitle")} <span className="text-sm font-normal text-slate-500" data-testid="dataset-total">{t("total", { count: dataset.total, version: dataset.version })}</span>
            </h3>
            {dataset.total ? (
              <Button variant="secondary" size="sm" onClick={exportCsv} data-testid="export-csv">
                {t("exportCsv")}
              </Button>
            ) : null}
          </div>
          {dataset.schema.columns?.length ? (
            <p className="text-sm text-slate-600" data-testid="dataset-column-types">
              {t("columnTypes")}: {dataset.schema.columns.map((c) => `${c.name} (${t(`types.${c.type}`)})`).join(" · ")}
            </p>
          ) : null}
          <LabelChart classes={dataset.classes} />
          <IssueList issues={dataset.issues} title={dataset.canTrain ? t("adviceTitle") : t("blockersTitle")} testId="dataset-issues" />
          {dataset.total === 0 ? <p className="text-sm text-slate-600">{t("emptyDataset")}</p> : null}
          {isMedia ? (
            <MediaGrid
              kind={scene.dataKind as "image" | "audio"}
              samples={samples}
              labels={labels}
              onMove={(ids, label) => bulk("move", ids, label)}
              onDelete={(ids) => bulk("delete", ids)}
            />
          ) : samples.length ? (
            <SampleTable
              samples={samples}
              labels={labels}
              editableLabel={scene.dataKind === "text" || (scene.dataKind === "tabular" && dataset.schema.task !== "regression")}
              onRelabel={relabel}
              onDelete={(id) => bulk("delete", [id])}
            />
          ) : null}
          {total > pageSize ? (
            <nav className="flex items-center gap-2 text-sm" aria-label={t("pages")}>
              <Button size="sm" variant="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>
                ←
              </Button>
              <span>{t("pageOf", { page: page + 1, pages: Math.ceil(total / pageSize) })}</span>
              <Button size="sm" variant="secondary" disabled={(page + 1) * pageSize >= total} onClick={() => setPage(page + 1)}>
                →
              </Button>
            </nav>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
