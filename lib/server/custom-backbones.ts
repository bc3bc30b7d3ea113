import "server-only";
import { MAX_BACKBONE_BYTES, BackboneUploadError, type CustomBackboneFormat, type CustomBackboneSpec, type UploadedFile } from "@/lib/ml/backbones/custom-package";
import { readBackboneUpload } from "@/lib/ml/backbones/custom-upload";
import { formatBytes } from "@/lib/data/messages";
import type { Locale } from "@/lib/i18n/config";
import type { SaveCustomBackboneSpecInput } from "@/lib/schemas/custom-backbone";
import { readBlob, removeUnreferencedFile, writeBlobFile } from "./blob-store";
import { readBodyBytes } from "./body";
import { db } from "./db";
import { AppError, notFound } from "./errors";

/** The model type whose projects bring their own backbone. */
export const CUSTOM_BACKBONE_MODEL_TYPE = "custom-backbone";
export const BACKBONE_PACKAGE_MIME = "application/vnd.ai-mass-studio.backbone";
/** Multipart overhead allowed on top of the package limit (boundaries, headers, file names). */
const MULTIPART_SLACK = 1024 * 1024;

export interface CustomBackboneInfo {
  format: CustomBackboneFormat;
  /** SHA-256 of the package (its blob id). */
  contentHash: string;
  byteLength: number;
  files: { name: string; bytes: number }[];
  /** Measured in the owner's browser with the chosen settings; null until then. */
  spec: CustomBackboneSpec | null;
  testMs: number | null;
  updatedAt: string;
}

async function ownedProject(userId: string, projectId: string) {
  if (typeof projectId !== "string" || projectId.length > 64) throw notFound();
  const project = await db.project.findFirst({ where: { id: projectId, ownerId: userId } });
  if (!project) throw notFound();
  return project;
}

function toInfo(row: { blobId: string; format: string; files: string; spec: string | null; updatedAt: Date; blob: { size: number } }): CustomBackboneInfo {
  const stored = row.spec ? (JSON.parse(row.spec) as { spec: CustomBackboneSpec; testMs?: number | null }) : null;
  return {
    format: row.format as CustomBackboneFormat,
    contentHash: row.blobId,
    byteLength: row.blob.size,
    files: JSON.parse(row.files),
    spec: stored?.spec ?? null,
    testMs: stored?.testMs ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getCustomBackbone(userId: string, projectId: string): Promise<CustomBackboneInfo | null> {
  const project = await ownedProject(userId, projectId);
  const row = await db.customBackbone.findUnique({ where: { projectId: project.id }, include: { blob: { select: { size: true } } } });
  return row ? toInfo(row) : null;
}

/** Camel-cased i18n key of an upload error code ("missing-shard" → "backbone.errors.missingShard"). */
function messageKey(code: string): string {
  return `backbone.errors.${code.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}`;
}

/**
 * Stores an uploaded backbone for a "custom-backbone" project: a multipart body with the files of
 * a tfjs model folder (model.json + shards), one .zip of it, or one .onnx file. The files are
 * checked (lib/ml/backbones/custom-package.ts) and packed; the package and the project's backbone
 * row are written together (the file first, the rows in one transaction, the file removed again
 * if that fails), replacing the previous upload. Its settings must then be checked in the browser.
 */
export async function uploadCustomBackbone(
  userId: string,
  projectId: string,
  request: { body: ReadableStream<Uint8Array> | null; contentType: string | null; contentLength: string | null },
  locale: Locale,
): Promise<CustomBackboneInfo> {
  const project = await ownedProject(userId, projectId);
  if (project.modelType !== CUSTOM_BACKBONE_MODEL_TYPE) throw new AppError("validation", "backbone.errors.notCustomProject");
  const type = request.contentType ?? "";
  if (!/^multipart\/form-data;/i.test(type)) throw new AppError("unsupported_media_type", "backbone.errors.expectedFiles");
  if (!request.body) throw new AppError("bad_request", "backbone.errors.noFiles");
  // Read with its limit before multipart parsing: formData() of an unbounded body would hold all of it.
  const raw = await readBodyBytes(request.body, {
    limitBytes: MAX_BACKBONE_BYTES + MULTIPART_SLACK,
    contentLength: request.contentLength,
    tooLarge: () => new AppError("payload_too_large", "backbone.errors.tooLarge", { params: { limit: formatBytes(MAX_BACKBONE_BYTES, locale) } }),
  });
  let form: FormData;
  try {
    form = await new Response(raw as BodyInit, { headers: { "content-type": type } }).formData();
  } catch {
    throw new AppError("bad_request", "backbone.errors.expectedFiles");
  }
  const files: UploadedFile[] = [];
  for (const value of form.getAll("files")) {
    if (typeof value === "string") continue;
    files.push({ name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  let built;
  try {
    built = readBackboneUpload(files);
  } catch (e) {
    if (!(e instanceof BackboneUploadError)) throw e;
    const params: Record<string, string | number> = { ...e.params };
    if (typeof params.limitBytes === "number") params.limit = formatBytes(params.limitBytes, locale);
    for (const k of ["expected", "actual"] as const) if (typeof params[k] === "number") params[k] = formatBytes(params[k] as number, locale);
    throw new AppError("validation", messageKey(e.code), { params });
  }
  const file = await writeBlobFile(built.package);
  try {
    const row = await db.$transaction(async (tx) => {
      await tx.blob.upsert({ where: { id: file.id }, create: { id: file.id, size: file.size, mime: BACKBONE_PACKAGE_MIME, ownerId: userId }, update: {} });
      const data = { blobId: file.id, format: built.format, files: JSON.stringify(built.files), spec: null };
      return tx.customBackbone.upsert({
        where: { projectId: project.id },
        create: { projectId: project.id, ...data },
        update: data,
        include: { blob: { select: { size: true } } },
      });
    });
    return toInfo(row);
  } catch (e) {
    if (file.created) await removeUnreferencedFile(file.id).catch(() => {});
    throw e;
  }
}

/**
 * Records the settings the owner chose and what the browser measured with them. Refused when the
 * spec does not describe the stored package (another upload happened meanwhile).
 */
export async function saveCustomBackboneSpec(userId: string, projectId: string, input: SaveCustomBackboneSpecInput): Promise<CustomBackboneInfo> {
  const project = await ownedProject(userId, projectId);
  const row = await db.customBackbone.findUnique({ where: { projectId: project.id }, include: { blob: { select: { size: true } } } });
  if (!row) throw new AppError("not_found", "backbone.errors.noBackbone");
  const { spec } = input;
  if (spec.contentHash !== row.blobId || spec.byteLength !== row.blob.size || spec.format !== row.format) {
    throw new AppError("conflict", "backbone.errors.staleSpec");
  }
  const updated = await db.customBackbone.update({
    where: { id: row.id },
    data: { spec: JSON.stringify({ spec, testMs: input.testMs ?? null }) },
    include: { blob: { select: { size: true } } },
  });
  return toInfo(updated);
}

/** The package bytes, for the owner's browser (training and the settings check). */
export async function readCustomBackbonePackage(userId: string, projectId: string): Promise<{ bytes: Uint8Array; contentHash: string }> {
  const project = await ownedProject(userId, projectId);
  const row = await db.customBackbone.findUnique({ where: { projectId: project.id } });
  if (!row) throw new AppError("not_found", "backbone.errors.noBackbone");
  return { bytes: new Uint8Array(await readBlob(row.blobId)), contentHash: row.blobId };
}
