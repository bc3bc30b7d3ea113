import "server-only";
import fsp from "node:fs/promises";
import { BundleError, decodeBundle, type BundleManifest } from "@/lib/ml/bundle";
import { formatBytes } from "@/lib/data/messages";
import type { Locale } from "@/lib/i18n/config";
import { getScene } from "@/lib/scenes";
import { openBlob, putStream } from "./blob-store";
import { db } from "./db";
import { lockRow } from "./db-lock";
import { projectChanged } from "./cache-bus";
import { AppError, notFound } from "./errors";

/** Largest model bundle accepted (a fine-tuned MobileNetV2 is about 10 MB; heads are far smaller). */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

export interface ModelVersionSummary {
  id: string;
  number: number;
  modelType: string;
  backend: string;
  trainingMs: number;
  createdAt: string;
  active: boolean;
  datasetVersion: number | null;
  sizeBytes: number | null;
  /** Headline numbers for lists: accuracy/macro-F1 or MAE/RMSE/R². */
  headline: Record<string, number>;
}

export interface ModelVersionDetail extends ModelVersionSummary {
  manifest: BundleManifest;
  /** Misclassified evaluation examples per confusion cell, keyed "actual:predicted" (label indices). */
  examples: Record<string, EvaluationExample[]>;
}

async function ownedProject(userId: string, projectId: string) {
  if (typeof projectId !== "string" || projectId.length > 64) throw notFound();
  const project = await db.project.findFirst({ where: { id: projectId, ownerId: userId } });
  if (!project) throw notFound();
  return project;
}

function headline(manifest: BundleManifest): Record<string, number> {
  const m = manifest.metrics;
  if (!m) return {};
  const numbers = (o: Record<string, number | null>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as Record<string, number>;
  switch (m.kind) {
    case "classification":
      return { accuracy: m.accuracy, macroF1: m.macroF1 };
    case "regression":
      return { mae: m.mae, rmse: m.rmse, r2: m.r2 };
    case "retrieval":
      return { top1: m.top1, top3: m.top3 };
    case "entities":
      return { precision: m.precision, recall: m.recall, f1: m.f1 };
    case "ranking":
      return numbers({ rmse: m.rmse, hitRate10: m.hitRate10 });
    case "multi-label":
      return { microF1: m.microF1, macroF1: m.macroF1 };
  }
}

/** A misclassified evaluation example, as the Evaluate tab shows it. */
export interface EvaluationExample {
  sampleId: string;
  text: string | null;
  blobId: string | null;
}

type Row = Awaited<ReturnType<typeof db.modelVersion.findFirst>> & {};

function summary(v: NonNullable<Row>, activeId: string | null, size: number | null, dsVersion: number | null): ModelVersionSummary {
  const manifest = JSON.parse(v.manifest) as BundleManifest;
  return {
    id: v.id,
    number: v.number,
    modelType: v.modelType,
    backend: v.backend,
    trainingMs: v.trainingMs,
    createdAt: v.createdAt.toISOString(),
    active: v.id === activeId,
    datasetVersion: dsVersion,
    sizeBytes: size,
    headline: Object.fromEntries(Object.entries(headline(manifest)).filter(([, n]) => Number.isFinite(n))),
  };
}

/**
 * Stores a trained model bundle (streamed, size-limited), after checking that it decodes, that
 * its weights match their checksum and that it was trained for this project's scene. The new
 * version becomes the active one; older versions stay and can be made active again.
 */
export async function saveModelVersion(
  userId: string,
  projectId: string,
  body: ReadableStream<Uint8Array> | null,
  locale: Locale,
): Promise<ModelVersionSummary> {
  const project = await ownedProject(userId, projectId);
  const staged = await putStream(body, { maxBytes: MAX_BUNDLE_BYTES, limitLabel: formatBytes(MAX_BUNDLE_BYTES, locale) });
  let committed = false;
  try {
    const bytes = new Uint8Array(await fsp.readFile(staged.tmpPath));
    let manifest: BundleManifest;
    try {
      manifest = decodeBundle(bytes).manifest;
    } catch (e) {
      if (e instanceof BundleError) throw new AppError("validation", "errors.bundleInvalid", { params: { reason: e.message } });
      throw e;
    }
    const scene = getScene(project.scene);
    if (manifest.scene !== project.scene || !scene?.modelTypes.some((m) => m.id === manifest.modelType)) {
      throw new AppError("validation", "errors.bundleWrongScene");
    }
    const blob = await staged.commit("application/vnd.ai-mass-studio.model-bundle", userId);
    committed = true;
    const dataset = await db.dataset.findUnique({ where: { projectId_name: { projectId: project.id, name: "default" } } });
    const dsNumber = manifest.datasetVersion !== null ? Number(manifest.datasetVersion) : NaN;
    const dsVersion =
      dataset && Number.isInteger(dsNumber)
        ? await db.datasetVersion.findUnique({ where: { datasetId_version: { datasetId: dataset.id, version: dsNumber } } })
        : null;
    const created = await db.$transaction(async (tx) => {
      // Concurrent saves of one project must not both read the same highest number.
      await lockRow(tx, "Project", project.id);
      const last = await tx.modelVersion.findFirst({ where: { projectId: project.id }, orderBy: { number: "desc" }, select: { number: true } });
      const v = await tx.modelVersion.create({
        data: {
          projectId: project.id,
          number: (last?.number ?? 0) + 1,
          modelType: manifest.modelType,
          manifest: JSON.stringify(manifest),
          bundleBlobId: blob.id,
          metrics: JSON.stringify(manifest.metrics ?? {}),
          backend: manifest.backend,
          trainingMs: Math.round(manifest.trainingMs),
          datasetVersionId: dsVersion?.id ?? null,
        },
      });
      await tx.project.update({ where: { id: project.id }, data: { activeModelVersionId: v.id } });
      return v;
    });
    await projectChanged(project.id);
    return summary(created, created.id, blob.size, dsVersion?.version ?? null);
  } finally {
    if (!committed) await fsp.rm(staged.tmpPath, { force: true });
  }
}

export async function listModelVersions(userId: string, projectId: string): Promise<ModelVersionSummary[]> {
  const project = await ownedProject(userId, projectId);
  const rows = await db.modelVersion.findMany({
    where: { projectId: project.id },
    orderBy: { number: "desc" },
    include: { bundleBlob: { select: { size: true } }, datasetVersion: { select: { version: true } } },
  });
  return rows.map((v) => summary(v, project.activeModelVersionId, v.bundleBlob?.size ?? null, v.datasetVersion?.version ?? null));
}

export async function getModelVersion(userId: string, projectId: string, versionId: string): Promise<ModelVersionDetail> {
  const project = await ownedProject(userId, projectId);
  const v = await db.modelVersion.findFirst({
    where: { id: versionId, projectId: project.id },
    include: { bundleBlob: { select: { size: true } }, datasetVersion: { select: { version: true } } },
  });
  if (!v) throw notFound();
  const stored = JSON.parse(v.metrics || "{}") as { examples?: Record<string, EvaluationExample[]> };
  return {
    ...summary(v, project.activeModelVersionId, v.bundleBlob?.size ?? null, v.datasetVersion?.version ?? null),
    manifest: JSON.parse(v.manifest),
    examples: stored.examples ?? {},
  };
}

/**
 * Records which samples the new version got wrong (sent by the trainer right after saving), so the
 * confusion matrix can show them. Only ids of this project's own samples are kept.
 */
export async function setEvaluationExamples(
  userId: string,
  projectId: string,
  versionId: string,
  cells: Record<string, string[]>,
): Promise<void> {
  const project = await ownedProject(userId, projectId);
  const v = await db.modelVersion.findFirst({ where: { id: versionId, projectId: project.id } });
  if (!v) throw notFound();
  const ids = [...new Set(Object.values(cells).flat())].slice(0, 2000);
  const samples = await db.sample.findMany({
    where: { id: { in: ids.slice(0, 900) }, dataset: { projectId: project.id } },
    select: { id: true, text: true, blobId: true },
  });
  const byId = new Map(samples.map((s) => [s.id, s]));
  const examples: Record<string, EvaluationExample[]> = {};
  for (const [cell, sampleIds] of Object.entries(cells)) {
    if (!/^\d+:\d+$/.test(cell)) continue;
    examples[cell] = sampleIds
      .map((id) => byId.get(id))
      .filter((s): s is NonNullable<typeof s> => !!s)
      .slice(0, 50)
      .map((s) => ({ sampleId: s.id, text: s.text, blobId: s.blobId }));
  }
  const metrics = JSON.parse(v.metrics || "{}") as Record<string, unknown>;
  await db.modelVersion.update({ where: { id: v.id }, data: { metrics: JSON.stringify({ ...metrics, examples }) } });
}

export async function activateModelVersion(userId: string, projectId: string, versionId: string): Promise<void> {
  const project = await ownedProject(userId, projectId);
  const v = await db.modelVersion.findFirst({ where: { id: versionId, projectId: project.id }, select: { id: true } });
  if (!v) throw notFound();
  await db.project.update({ where: { id: project.id }, data: { activeModelVersionId: v.id } });
  await projectChanged(project.id);
}

/** A version's bundle, as a stream (never whole in memory). */
export async function readModelBundle(userId: string, projectId: string, versionId: string): Promise<{ stream: ReadableStream<Uint8Array>; size: number }> {
  const project = await ownedProject(userId, projectId);
  const v = await db.modelVersion.findFirst({ where: { id: versionId, projectId: project.id }, select: { bundleBlobId: true } });
  if (!v?.bundleBlobId) throw notFound();
  return openBlob(v.bundleBlobId);
}
