import "server-only";
import type { z } from "zod";
import { db } from "./db";
import { lockRow } from "./db-lock";
import { projectChanged } from "./cache-bus";
import { AppError, notFound } from "./errors";
import type { createProjectSchema, updateProjectSchema } from "@/lib/schemas/project";
import { checkEntityModelChoice, cleanDefaults, listEntityModelOptions, storedTemplateSettings, type EntityModelOption } from "./reply-templates";

export type { ProjectStatusId as ProjectStatus } from "@/lib/workspace/status";
import type { ProjectStatusId as ProjectStatus } from "@/lib/workspace/status";

export interface ProjectSummary {
  id: string;
  name: string;
  description: string;
  scene: string;
  modelType: string;
  interfaces: string[];
  status: ProjectStatus;
  updatedAt: Date;
  createdAt: Date;
}

function parseInterfaces(raw: string): string[] {
  try {
    const v = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

const summarySelect = {
  id: true,
  name: true,
  description: true,
  scene: true,
  modelType: true,
  interfaces: true,
  updatedAt: true,
  createdAt: true,
  _count: { select: { modelVersions: true } },
  localDataOnly: true,
  datasets: {
    select: {
      _count: { select: { samples: true } },
      // Device-only data: the last count the browser reported (see saveLocalSummary in datasets.ts).
      versions: { where: { checksum: { startsWith: "local:" } }, orderBy: { version: "desc" }, take: 1, select: { sampleCount: true } },
    },
  },
} as const;

type SummaryRow = {
  id: string;
  name: string;
  description: string;
  scene: string;
  modelType: string;
  interfaces: string;
  updatedAt: Date;
  createdAt: Date;
  _count: { modelVersions: number };
  localDataOnly: boolean;
  datasets: { _count: { samples: number }; versions: { sampleCount: number }[] }[];
};

function toSummary(p: SummaryRow): ProjectSummary {
  const samples = p.localDataOnly
    ? p.datasets.reduce((n, d) => n + (d.versions[0]?.sampleCount ?? 0), 0)
    : p.datasets.reduce((n, d) => n + d._count.samples, 0);
  const status: ProjectStatus = p._count.modelVersions > 0 ? "trained" : samples > 0 ? "data-ready" : "no-data";
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    scene: p.scene,
    modelType: p.modelType,
    interfaces: parseInterfaces(p.interfaces),
    status,
    updatedAt: p.updatedAt,
    createdAt: p.createdAt,
  };
}

export async function listProjects(userId: string): Promise<ProjectSummary[]> {
  const rows = await db.project.findMany({ where: { ownerId: userId }, orderBy: { updatedAt: "desc" }, select: summarySelect });
  return rows.map(toSummary);
}

/**
 * The only way to read a project by id: it must belong to the user. Someone else's project and a
 * missing one look the same (404), so ids cannot be probed.
 */
export async function getOwnedProject(userId: string, projectId: string): Promise<ProjectSummary> {
  if (typeof projectId !== "string" || projectId.length > 64) throw notFound();
  const row = await db.project.findFirst({ where: { id: projectId, ownerId: userId }, select: summarySelect });
  if (!row) throw notFound();
  return toSummary(row);
}

function duplicateName(name: string) {
  return new AppError("conflict", "errors.projectNameTaken", { params: { name }, fields: { name: "errors.projectNameTaken" } });
}

export async function createProject(userId: string, input: z.output<typeof createProjectSchema>): Promise<ProjectSummary> {
  const clash = await db.project.findFirst({ where: { ownerId: userId, name: input.name }, select: { id: true } });
  if (clash) throw duplicateName(input.name);
  try {
    const row = await db.project.create({
      data: {
        ownerId: userId,
        name: input.name,
        description: input.description,
        scene: input.scene,
        modelType: input.modelType,
        interfaces: JSON.stringify([...new Set(input.interfaces)]),
      },
      select: summarySelect,
    });
    return toSummary(row);
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw duplicateName(input.name);
    throw e;
  }
}

export async function updateProject(
  userId: string,
  projectId: string,
  input: z.output<typeof updateProjectSchema>,
): Promise<ProjectSummary> {
  await getOwnedProject(userId, projectId);
  if (input.name !== undefined) {
    const clash = await db.project.findFirst({
      where: { ownerId: userId, name: input.name, NOT: { id: projectId } },
      select: { id: true },
    });
    if (clash) throw duplicateName(input.name);
  }
  try {
    const row = await db.project.update({
      where: { id: projectId },
      data: { name: input.name, description: input.description },
      select: summarySelect,
    });
    return toSummary(row);
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw duplicateName(input.name ?? "");
    throw e;
  }
}

/** Deletes the project and, by cascade, everything that belongs to it. */
export async function deleteProject(userId: string, projectId: string): Promise<void> {
  await getOwnedProject(userId, projectId);
  await db.project.delete({ where: { id: projectId } });
  await projectChanged(projectId);
}

export interface ChatSettings {
  threshold: number;
  quickReplies: Record<string, string[]>;
  suggestions: string[];
  /** The linked entity-extraction project (reply templates), or null; see reply-templates.ts. */
  entityProjectId: string | null;
  /** Per entity type, the text put in when the visitor's message has no entity of that type. */
  placeholderDefaults: Record<string, string>;
}

export type ChatSettingsInput = Omit<ChatSettings, "entityProjectId" | "placeholderDefaults"> & {
  entityProjectId?: string | null;
  placeholderDefaults?: Record<string, string>;
};

function parseSettings(raw: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(raw || "{}");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * Saves the chatbot's threshold, quick replies, suggestions and reply-template settings into
 * Project.settings (other settings kept): the Playground edits them, the share page and the embed
 * answer with them. A linked entity project must be the user's own entity model (422 otherwise,
 * the same for someone else's project as for a missing one).
 */
export async function setChatSettings(userId: string, projectId: string, input: ChatSettingsInput): Promise<ChatSettings> {
  await getOwnedProject(userId, projectId);
  const current = await db.project.findUniqueOrThrow({ where: { id: projectId }, select: { settings: true } });
  const stored = storedTemplateSettings(current.settings);
  const entityProjectId = input.entityProjectId === undefined ? stored.entityProjectId : input.entityProjectId;
  // Checked before the write; a stale saved link that is kept but no longer valid is dropped.
  let types: string[] = [];
  if (entityProjectId) {
    if (input.entityProjectId !== undefined) types = (await checkEntityModelChoice(userId, entityProjectId)).types;
    else types = (await listEntityModelOptions(userId)).find((o) => o.id === entityProjectId)?.types ?? [];
  }
  const linked = entityProjectId && types.length ? entityProjectId : null;
  const placeholderDefaults = linked ? cleanDefaults(input.placeholderDefaults ?? stored.placeholderDefaults, types) : {};
  const saved = await db.$transaction(async (tx) => {
    await lockRow(tx, "Project", projectId);
    const row = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { settings: true } });
    const settings = parseSettings(row.settings);
    const quickReplies = Object.fromEntries(Object.entries(input.quickReplies).filter(([, list]) => list.length > 0));
    settings.threshold = input.threshold;
    settings.quickReplies = quickReplies;
    settings.suggestions = input.suggestions;
    settings.entityProjectId = linked;
    settings.placeholderDefaults = placeholderDefaults;
    await tx.project.update({ where: { id: projectId }, data: { settings: JSON.stringify(settings) } });
    return { threshold: input.threshold, quickReplies, suggestions: input.suggestions, entityProjectId: linked, placeholderDefaults };
  });
  // The REST API answers an intent bot with its reply templates: callers must see the new ones.
  await projectChanged(projectId);
  return saved;
}

/**
 * The chatbot's saved threshold (default 0.5), quick replies, suggestions and reply-template
 * settings, plus the user's entity models that may be linked. A saved link that no longer holds
 * (project deleted or retrained into nothing) reads as none.
 */
export async function getChatSettings(userId: string, projectId: string): Promise<{ settings: ChatSettings; entityModels: EntityModelOption[] }> {
  await getOwnedProject(userId, projectId);
  const row = await db.project.findUniqueOrThrow({ where: { id: projectId }, select: { settings: true } });
  const s = parseSettings(row.settings);
  const threshold = typeof s.threshold === "number" && s.threshold >= 0 && s.threshold <= 1 ? s.threshold : 0.5;
  const quickReplies: Record<string, string[]> = {};
  if (s.quickReplies && typeof s.quickReplies === "object") {
    for (const [k, v] of Object.entries(s.quickReplies as Record<string, unknown>)) {
      if (Array.isArray(v)) quickReplies[k] = v.filter((x): x is string => typeof x === "string");
    }
  }
  const suggestions = Array.isArray(s.suggestions) ? s.suggestions.filter((x): x is string => typeof x === "string").slice(0, 4) : [];
  const entityModels = await listEntityModelOptions(userId);
  const stored = storedTemplateSettings(row.settings);
  const linked = entityModels.find((o) => o.id === stored.entityProjectId) ?? null;
  return {
    settings: {
      threshold,
      quickReplies,
      suggestions,
      entityProjectId: linked?.id ?? null,
      placeholderDefaults: linked ? cleanDefaults(stored.placeholderDefaults, linked.types) : {},
    },
    entityModels,
  };
}
