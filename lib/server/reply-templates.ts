import "server-only";
import { db } from "./db";
import { AppError } from "./errors";

/*
 * The entity model an intent chatbot uses to fill {TYPE} placeholders in its replies
 * (lib/scenes/intent-chatbot/reply-template.ts). The link lives in the intent project's settings
 * JSON ({entityProjectId, placeholderDefaults}); it counts only while the linked project has the
 * same owner, is an entity-extraction project and has an active model. Every reader goes through
 * linkedEntityModel, so a link that went stale (project deleted, moved to another owner, model
 * removed) is simply no link: a share or embed slug never reaches any other owner's model.
 */

export const ENTITY_SCENE = "entity-extraction";
/** At most this many fallback texts (one per entity type) and this long each. */
export const MAX_PLACEHOLDER_DEFAULTS = 50;

/** One of the owner's entity models, as the Playground's settings offer it. */
export interface EntityModelOption {
  /** The entity-extraction project. */
  id: string;
  name: string;
  version: { id: string; number: number };
  /** The entity types, from the active version's manifest: what {TYPE} can name. */
  types: string[];
}

/** What the intent bot needs at run time; the project id stays on the server. */
export interface LinkedEntityModel {
  projectId: string;
  versionId: string;
  versionNumber: number;
  bundleBlobId: string;
  types: string[];
  defaults: Record<string, string>;
}

/** The entity types of a stored manifest (payload.types of a BIO tagger), or [] when it is not one. */
export function entityTypesOf(manifestJson: string): string[] {
  try {
    const m = JSON.parse(manifestJson) as { payload?: { kind?: unknown; types?: unknown } };
    if (m?.payload?.kind !== "bio" || !Array.isArray(m.payload.types)) return [];
    return m.payload.types.filter((t): t is string => typeof t === "string");
  } catch {
    return [];
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function settingsObject(raw: string): Record<string, any> {
  try {
    const v = JSON.parse(raw || "{}");
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

/** The stored link and fallback texts, as typed by the owner (not yet checked). */
export function storedTemplateSettings(settingsJson: string): { entityProjectId: string | null; placeholderDefaults: Record<string, string> } {
  const s = settingsObject(settingsJson);
  const entityProjectId = typeof s.entityProjectId === "string" && s.entityProjectId ? s.entityProjectId : null;
  const placeholderDefaults: Record<string, string> = {};
  if (s.placeholderDefaults && typeof s.placeholderDefaults === "object") {
    for (const [k, v] of Object.entries(s.placeholderDefaults as Record<string, unknown>)) if (typeof v === "string" && v.trim()) placeholderDefaults[k] = v;
  }
  return { entityProjectId, placeholderDefaults };
}

const optionSelect = {
  id: true,
  name: true,
  ownerId: true,
  scene: true,
  activeModelVersion: { select: { id: true, number: true, bundleBlobId: true, manifest: true } },
} as const;

type OptionRow = {
  id: string;
  name: string;
  ownerId: string;
  scene: string;
  activeModelVersion: { id: string; number: number; bundleBlobId: string | null; manifest: string } | null;
};

function usable(row: OptionRow | null, ownerId: string): row is OptionRow & { activeModelVersion: { bundleBlobId: string } } {
  return !!row && row.ownerId === ownerId && row.scene === ENTITY_SCENE && !!row.activeModelVersion?.bundleBlobId && entityTypesOf(row.activeModelVersion.manifest).length > 0;
}

/** The user's own entity-extraction projects with a trained model, newest first. */
export async function listEntityModelOptions(userId: string): Promise<EntityModelOption[]> {
  const rows = await db.project.findMany({
    where: { ownerId: userId, scene: ENTITY_SCENE, activeModelVersionId: { not: null } },
    orderBy: { updatedAt: "desc" },
    select: optionSelect,
  });
  return rows
    .filter((r) => usable(r, userId))
    .map((r) => ({ id: r.id, name: r.name, version: { id: r.activeModelVersion!.id, number: r.activeModelVersion!.number }, types: entityTypesOf(r.activeModelVersion!.manifest) }));
}

/**
 * Checks an entity project the owner wants to link. Someone else's project and a missing one get
 * the same answer, so ids cannot be probed; the owner's own project may say what is wrong with it.
 */
export async function checkEntityModelChoice(userId: string, entityProjectId: string): Promise<EntityModelOption> {
  const row = entityProjectId.length <= 64 ? await db.project.findFirst({ where: { id: entityProjectId, ownerId: userId }, select: optionSelect }) : null;
  const refuse = (key: string) => new AppError("validation", key, { fields: { entityProjectId: key } });
  if (!row) throw refuse("errors.entityModelNotFound");
  if (row.scene !== ENTITY_SCENE) throw refuse("errors.entityModelWrongScene");
  if (!usable(row, userId)) throw refuse("errors.entityModelNotTrained");
  return { id: row.id, name: row.name, version: { id: row.activeModelVersion.id, number: row.activeModelVersion.number }, types: entityTypesOf(row.activeModelVersion.manifest) };
}

/** Only the fallback texts of types the model has, trimmed; empty ones dropped. */
export function cleanDefaults(defaults: Record<string, string>, types: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(defaults)) if (types.includes(k) && v.trim()) out[k] = v.trim();
  return out;
}

/**
 * The entity model an intent project's settings link, if the link still holds: same owner as
 * the intent project, entity-extraction scene, an active model. Otherwise null.
 */
export async function linkedEntityModel(project: { ownerId: string; settings: string }): Promise<LinkedEntityModel | null> {
  const { entityProjectId, placeholderDefaults } = storedTemplateSettings(project.settings);
  if (!entityProjectId || entityProjectId.length > 64) return null;
  const row = await db.project.findUnique({ where: { id: entityProjectId }, select: optionSelect });
  if (!usable(row, project.ownerId)) return null;
  const v = row.activeModelVersion;
  const types = entityTypesOf(v.manifest);
  return { projectId: row.id, versionId: v.id, versionNumber: v.number, bundleBlobId: v.bundleBlobId, types, defaults: cleanDefaults(placeholderDefaults, types) };
}

/** For the API tab: the name of the entity model an intent bot's replies use, or null. */
export async function replyTemplatesEntityModelName(userId: string, projectId: string): Promise<string | null> {
  const project = await db.project.findFirst({ where: { id: projectId, ownerId: userId }, select: { scene: true, ownerId: true, settings: true } });
  if (!project || project.scene !== "intent-chatbot") return null;
  const linked = await linkedEntityModel(project);
  if (!linked) return null;
  return (await db.project.findUnique({ where: { id: linked.projectId }, select: { name: true } }))?.name ?? null;
}
