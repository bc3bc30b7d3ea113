import "server-only";
import { createHash } from "node:crypto";
import type { z } from "zod";
import { getScene } from "@/lib/scenes";
import {
  DEFAULT_THEME,
  normaliseOrigin,
  themeSchema,
  type EmbedTheme,
  type updateEmbedSchema,
  type updateShareSchema,
  type visitorEventSchema,
} from "@/lib/schemas/sharing";
import { openBlob } from "./blob-store";
import { db } from "./db";
import { AppError } from "./errors";
import { getOwnedProject } from "./projects";
import { linkedEntityModel } from "./reply-templates";
import { consume } from "./rate-limit";
import { randomToken } from "./tokens";

/*
 * Share links and embed settings. The owner side checks ownership (404 for anyone else); the
 * visitor side resolves a slug and gives out only what a visitor's browser needs to run the model.
 * Share link and embed have separate random slugs, so rotating one never breaks the other.
 */

/** 128 random bits, URL-safe: unguessable, and short enough for a link. */
const newSlug = () => randomToken(16);

export interface ShareLinkState {
  enabled: boolean;
  slug: string | null;
  expiresAt: string | null;
  rotatedAt: string | null;
  expired: boolean;
}

export interface EmbedState {
  enabled: boolean;
  slug: string | null;
  allowedOrigins: string[];
  theme: EmbedTheme;
  logInputs: boolean;
}

/** What a visitor's page gets: enough to show and run the model, nothing about the owner. */
export interface PublicModel {
  name: string;
  description: string;
  scene: string;
  kind: "text" | "image" | "audio";
  widgets: ("chat" | "image" | "voice" | "quick-replies")[];
  version: number;
  replies: Record<string, string>;
  quickReplies: Record<string, string[]>;
  /** Suggested first messages (buttons) the owner set for the chat. */
  suggestions: string[];
  threshold: number;
  /** Whether the owner wants visitor text sent with usage events (otherwise the browser never sends it). */
  logInputs: boolean;
  /**
   * Intent chatbot with a linked entity model (same owner): its entity types and the owner's
   * fallback texts, for filling {TYPE} placeholders. Its bundle is the `?part=entities` of this
   * model's bundle URL. Null otherwise; nothing names the entity project.
   */
  entityTemplates: { types: string[]; defaults: Record<string, string> } | null;
  /**
   * Names the bundles' content (`?v=` of the bundle URLs): a URL with the current tag is served
   * with `immutable` caching, so a returning visitor loads the model from the browser's cache; a
   * new version has a new tag. Derived from the stored bundle, never its id.
   */
  bundleTag: string;
  entityBundleTag: string | null;
}

/** The content tag of a stored bundle (see PublicModel.bundleTag). */
function bundleTag(blobId: string): string {
  return createHash("sha256").update(`bundle:${blobId}`).digest("base64url").slice(0, 16);
}

/**
 * Cache-Control for a bundle answer: `immutable` for a year in the visitor's own browser when the
 * URL names the content served (`?v=` equal to its tag), else `no-store`. Private either way: a
 * shared cache must not keep serving a link the owner turned off.
 */
export function bundleCacheControl(requestedTag: string | null, servedTag: string): string {
  return requestedTag === servedTag ? "private, max-age=31536000, immutable" : "no-store";
}

/** Which bundle a visitor's page asks for: the model itself, or the entity model its replies use. */
export type BundlePart = "model" | "entities";

/** `?part=` of the bundle routes: absent = the model; "entities" = the linked entity model. */
export function bundlePart(value: string | null): BundlePart {
  if (value === null || value === "model") return "model";
  if (value === "entities") return "entities";
  throw new AppError("not_found", "errors.notFound");
}

export interface PublicEmbed {
  model: PublicModel;
  theme: EmbedTheme;
}

export const DEFAULT_THRESHOLD = 0.5;
/** Visitor events accepted per IP per minute; beyond that they are dropped with 429. */
export const EVENT_LIMIT_PER_MINUTE = 120;

/* ------------------------------------------------------------------ owner side */

function shareState(row: { enabled: boolean; slug: string; expiresAt: Date | null; rotatedAt: Date | null } | null): ShareLinkState {
  if (!row) return { enabled: false, slug: null, expiresAt: null, rotatedAt: null, expired: false };
  return {
    enabled: row.enabled,
    slug: row.slug,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    rotatedAt: row.rotatedAt?.toISOString() ?? null,
    expired: !!row.expiresAt && row.expiresAt.getTime() <= Date.now(),
  };
}

export async function getShareLink(userId: string, projectId: string): Promise<ShareLinkState> {
  const project = await getOwnedProject(userId, projectId);
  return shareState(await db.shareLink.findUnique({ where: { projectId: project.id } }));
}

export async function updateShareLink(userId: string, projectId: string, input: z.output<typeof updateShareSchema>): Promise<ShareLinkState> {
  const project = await getOwnedProject(userId, projectId);
  let expiresAt: Date | null | undefined = undefined;
  if (input.expiresAt !== undefined) {
    expiresAt = input.expiresAt === null ? null : new Date(input.expiresAt);
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new AppError("validation", "share.errors.expiryPast", { fields: { expiresAt: "share.errors.expiryPast" } });
    }
  }
  const row = await db.shareLink.upsert({
    where: { projectId: project.id },
    create: { projectId: project.id, slug: newSlug(), enabled: input.enabled ?? false, expiresAt: expiresAt ?? null },
    update: { enabled: input.enabled, expiresAt },
  });
  return shareState(row);
}

/** A new slug: the old link stops working at once. The on/off state and expiry stay. */
export async function rotateShareLink(userId: string, projectId: string): Promise<ShareLinkState> {
  const project = await getOwnedProject(userId, projectId);
  const now = new Date();
  const row = await db.shareLink.upsert({
    where: { projectId: project.id },
    create: { projectId: project.id, slug: newSlug(), rotatedAt: now },
    update: { slug: newSlug(), rotatedAt: now },
  });
  return shareState(row);
}

function parseOrigins(raw: string): string[] {
  try {
    const v = JSON.parse(raw);
    return Array.isArray(v) ? v.map((o) => (typeof o === "string" ? normaliseOrigin(o) : null)).filter((o): o is string => !!o) : [];
  } catch {
    return [];
  }
}

function parseTheme(raw: string): EmbedTheme {
  let stored: Record<string, unknown> = {};
  try {
    const v = JSON.parse(raw);
    if (v && typeof v === "object") stored = v as Record<string, unknown>;
  } catch {
    stored = {};
  }
  // Field by field, so one bad stored value falls back to its default instead of all of them.
  const theme = { ...DEFAULT_THEME };
  for (const key of Object.keys(DEFAULT_THEME) as (keyof EmbedTheme)[]) {
    const parsed = themeSchema.shape[key].safeParse(stored[key]);
    if (parsed.success) (theme as Record<string, string>)[key] = parsed.data;
  }
  return theme;
}

type EmbedRow = { enabled: boolean; slug: string; allowedOrigins: string; theme: string; logInputs: boolean };

function embedState(row: EmbedRow | null): EmbedState {
  if (!row) return { enabled: false, slug: null, allowedOrigins: [], theme: { ...DEFAULT_THEME }, logInputs: false };
  return { enabled: row.enabled, slug: row.slug, allowedOrigins: parseOrigins(row.allowedOrigins), theme: parseTheme(row.theme), logInputs: row.logInputs };
}

export async function getEmbedSettings(userId: string, projectId: string): Promise<EmbedState> {
  const project = await getOwnedProject(userId, projectId);
  return embedState(await db.embedSettings.findUnique({ where: { projectId: project.id } }));
}

export async function updateEmbedSettings(userId: string, projectId: string, input: z.output<typeof updateEmbedSchema>): Promise<EmbedState> {
  const project = await getOwnedProject(userId, projectId);
  const current = embedState(await db.embedSettings.findUnique({ where: { projectId: project.id } }));
  const allowedOrigins = input.allowedOrigins ? [...new Set(input.allowedOrigins)] : current.allowedOrigins;
  const theme = { ...current.theme, ...(input.theme ?? {}) };
  const data = {
    enabled: input.enabled ?? current.enabled,
    allowedOrigins: JSON.stringify(allowedOrigins),
    theme: JSON.stringify(theme),
    logInputs: input.logInputs ?? current.logInputs,
  };
  const row = await db.embedSettings.upsert({
    where: { projectId: project.id },
    create: { projectId: project.id, slug: newSlug(), ...data },
    update: data,
  });
  return embedState(row);
}

/* ------------------------------------------------------------------ visitor side */

const linkNotFound = () => new AppError("not_found", "share.errors.linkNotFound");
const embedNotAvailable = () => new AppError("not_found", "embed.errors.notAvailable");

function isSlug(slug: unknown): slug is string {
  return typeof slug === "string" && /^[A-Za-z0-9_-]{8,64}$/.test(slug);
}

async function publicModelOf(projectId: string): Promise<{ model: PublicModel; bundleBlobId: string; versionId: string; entityBundleBlobId: string | null } | null> {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: {
      ownerId: true,
      name: true,
      description: true,
      scene: true,
      interfaces: true,
      settings: true,
      activeModelVersion: { select: { id: true, number: true, bundleBlobId: true } },
      datasets: { where: { name: "default" }, select: { schema: true } },
      embedSettings: { select: { logInputs: true } },
    },
  });
  const scene = project ? getScene(project.scene) : undefined;
  const version = project?.activeModelVersion;
  if (!project || !scene || !version?.bundleBlobId) return null;
  // Scenes with a visitor widget; the FAQ, entity and recommendation widgets take text-like input.
  const kind = scene.dataKind === "image" ? "image" : scene.dataKind === "audio" ? "audio" : ["text", "faq", "entities", "ratings", "tabular"].includes(scene.dataKind) ? "text" : null;
  if (!kind) return null;
  const settings = safeJson(project.settings);
  const interfaces = safeJson(project.interfaces);
  const schema = safeJson(project.datasets[0]?.schema ?? "{}");
  const replies = scene.id === "intent-chatbot" ? stringRecord(schema.replies) : {};
  const quickReplies = scene.id === "intent-chatbot" ? stringListRecord(settings.quickReplies) : {};
  const suggestions = scene.id === "intent-chatbot" && Array.isArray(settings.suggestions) ? settings.suggestions.filter((x: unknown): x is string => typeof x === "string").slice(0, 4) : [];
  const widgets: PublicModel["widgets"] = [kind === "image" ? "image" : kind === "audio" ? "voice" : "chat"];
  if (Array.isArray(interfaces) && interfaces.includes("buttons") && Object.keys(quickReplies).length) widgets.push("quick-replies");
  const threshold = typeof settings.threshold === "number" && settings.threshold >= 0 && settings.threshold <= 1 ? settings.threshold : DEFAULT_THRESHOLD;
  // Only a link that still holds (same owner, entity model trained) is served; see reply-templates.ts.
  const entity = scene.id === "intent-chatbot" ? await linkedEntityModel({ ownerId: project.ownerId, settings: project.settings }) : null;
  const entityTemplates = entity ? { types: entity.types, defaults: entity.defaults } : null;
  return {
    model: {
      name: project.name,
      description: project.description,
      scene: scene.id,
      kind,
      widgets,
      version: version.number,
      replies,
      quickReplies,
      suggestions,
      threshold,
      logInputs: project.embedSettings?.logInputs ?? false,
      entityTemplates,
      bundleTag: bundleTag(version.bundleBlobId),
      entityBundleTag: entity ? bundleTag(entity.bundleBlobId) : null,
    },
    bundleBlobId: version.bundleBlobId,
    versionId: version.id,
    entityBundleBlobId: entity?.bundleBlobId ?? null,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function safeJson(raw: string): any {
  try {
    return JSON.parse(raw) ?? {};
  } catch {
    return {};
  }
}

function stringRecord(v: unknown): Record<string, string> {
  if (!v || typeof v !== "object") return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function stringListRecord(v: unknown): Record<string, string[]> {
  if (!v || typeof v !== "object") return {};
  return Object.fromEntries(
    Object.entries(v)
      .filter((e): e is [string, unknown[]] => Array.isArray(e[1]))
      .map(([k, list]) => [k, list.filter((x): x is string => typeof x === "string").slice(0, 6)]),
  );
}

/** The project behind an enabled, unexpired share link; 404 for unknown or disabled, 410 expired. */
async function resolveShare(slug: string) {
  if (!isSlug(slug)) throw linkNotFound();
  const link = await db.shareLink.findUnique({ where: { slug } });
  if (!link || !link.enabled) throw linkNotFound();
  if (link.expiresAt && link.expiresAt.getTime() <= Date.now()) throw new AppError("gone", "share.errors.linkExpired");
  const found = await publicModelOf(link.projectId);
  if (!found) throw new AppError("not_found", "share.errors.noModel");
  return { projectId: link.projectId, ...found };
}

export async function getPublicShare(slug: string): Promise<PublicModel> {
  return (await resolveShare(slug)).model;
}

/** The bundle a part names, or 404 when the model has no such part (no linked entity model). */
function bundleBlobOf(found: { bundleBlobId: string; entityBundleBlobId: string | null }, part: BundlePart): string {
  if (part === "model") return found.bundleBlobId;
  if (!found.entityBundleBlobId) throw new AppError("not_found", "share.errors.noEntityModel");
  return found.entityBundleBlobId;
}

export interface PublicBundle {
  stream: ReadableStream<Uint8Array>;
  size: number;
  /** The served bundle's content tag (PublicModel.bundleTag or entityBundleTag). */
  tag: string;
}

async function openPublicBundle(found: { bundleBlobId: string; entityBundleBlobId: string | null }, part: BundlePart): Promise<PublicBundle> {
  const blobId = bundleBlobOf(found, part);
  return { ...(await openBlob(blobId)), tag: bundleTag(blobId) };
}

/** The bundle a share link serves, as a stream. */
export async function readShareBundle(slug: string, part: BundlePart = "model"): Promise<PublicBundle> {
  return openPublicBundle(await resolveShare(slug), part);
}

/**
 * The embed behind a slug, for a page on `origin`. The origin must be one the owner listed, or
 * the studio itself (`selfOrigin`, for the live preview). Anything else learns nothing.
 */
async function resolveEmbed(slug: string, origin: string | null, selfOrigin: string | null) {
  if (!isSlug(slug)) throw embedNotAvailable();
  const row = await db.embedSettings.findUnique({ where: { slug } });
  if (!row || !row.enabled) throw embedNotAvailable();
  const state = embedState(row);
  const normalised = origin ? normaliseOrigin(origin) : null;
  if (!normalised || !(state.allowedOrigins.includes(normalised) || normalised === selfOrigin)) {
    throw new AppError("forbidden", "embed.errors.originNotAllowed");
  }
  const found = await publicModelOf(row.projectId);
  if (!found) throw embedNotAvailable();
  return { projectId: row.projectId, state, origin: normalised, ...found };
}

export async function getPublicEmbed(slug: string, origin: string | null, selfOrigin: string | null): Promise<PublicEmbed> {
  const r = await resolveEmbed(slug, origin, selfOrigin);
  const theme = { ...r.state.theme, title: r.state.theme.title || r.model.name };
  return { model: r.model, theme };
}

/** The bundle an embed serves to an allowed page, as a stream. */
export async function readEmbedBundle(slug: string, origin: string | null, selfOrigin: string | null, part: BundlePart = "model"): Promise<PublicBundle> {
  return openPublicBundle(await resolveEmbed(slug, origin, selfOrigin), part);
}

/** Whether visitor text may be stored for this project (the owner's logging switch). */
async function logsInputs(projectId: string): Promise<boolean> {
  const row = await db.embedSettings.findUnique({ where: { projectId }, select: { logInputs: true } });
  return row?.logInputs ?? false;
}

/**
 * One answer given on a share page or in an embed, reported by the visitor's browser after the
 * answer was shown. Rate-limited per IP; the text is stored only when the owner turned logging on.
 */
export async function recordVisitorEvent(input: z.output<typeof visitorEventSchema>, ip: string, selfOrigin: string | null): Promise<void> {
  const limit = await consume(`events:ip:${ip}`, EVENT_LIMIT_PER_MINUTE, 60_000);
  if (!limit.allowed) {
    throw new AppError("rate_limited", "share.errors.tooManyEvents", { headers: { "retry-after": String(limit.retryAfterSeconds) } });
  }
  const resolved = input.channel === "share" ? await resolveShare(input.slug) : await resolveEmbed(input.slug, input.origin ?? null, selfOrigin);
  const keepText = input.input !== undefined && (await logsInputs(resolved.projectId));
  await db.predictionEvent.create({
    data: {
      projectId: resolved.projectId,
      modelVersionId: resolved.versionId,
      channel: input.channel,
      label: input.label,
      confidence: input.confidence,
      latencyMs: input.latencyMs,
      fallback: input.fallback,
      input: keepText ? input.input : null,
    },
  });
}
