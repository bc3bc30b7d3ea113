import "server-only";
import type { z } from "zod";
import { db } from "./db";
import { AppError, notFound } from "./errors";
import type { createProjectSchema, updateProjectSchema } from "@/lib/schemas/project";

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
}

export interface ChatSettings {
  threshold: number;
  quickReplies: Record<string, string[]>;
  suggestions: string[];
}

/**
 * Saves the chatbot's threshold and quick replies into Project.settings (other settings kept):
 * the Playground edits them, the share page and the embed answer with them.
 */
export async function setChatSettings(userId: string, projectId: string, input: ChatSettings): Promise<ChatSettings> {
  await getOwnedProject(userId, projectId);
  return db.$transaction(async (tx) => {
    const row = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { settings: true } });
    let settings: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(row.settings || "{}");
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) settings = parsed;
    } catch {
      settings = {};
    }
    const quickReplies = Object.fromEntries(Object.entries(input.quickReplies).filter(([, list]) => list.length > 0));
    settings.threshold = input.threshold;
    settings.quickReplies = quickReplies;
    settings.suggestions = input.suggestions;
    await tx.project.update({ where: { id: projectId }, data: { settings: JSON.stringify(settings) } });
    return { threshold: input.threshold, quickReplies, suggestions: input.suggestions };
  });
}

/** The chatbot's saved threshold (default 0.5) and quick replies. */
export async function getChatSettings(userId: string, projectId: string): Promise<ChatSettings> {
  await getOwnedProject(userId, projectId);
  const row = await db.project.findUniqueOrThrow({ where: { id: projectId }, select: { settings: true } });
  let s: { threshold?: unknown; quickReplies?: unknown; suggestions?: unknown } = {};
  try {
    s = JSON.parse(row.settings || "{}") ?? {};
  } catch {
    s = {};
  }
  const threshold = typeof s.threshold === "number" && s.threshold >= 0 && s.threshold <= 1 ? s.threshold : 0.5;
  const quickReplies: Record<string, string[]> = {};
  if (s.quickReplies && typeof s.quickReplies === "object") {
    for (const [k, v] of Object.entries(s.quickReplies as Record<string, unknown>)) {
      if (Array.isArray(v)) quickReplies[k] = v.filter((x): x is string => typeof x === "string");
    }
  }
  const suggestions = Array.isArray(s.suggestions) ? s.suggestions.filter((x): x is string => typeof x === "string").slice(0, 4) : [];
  return { threshold, quickReplies, suggestions };
}
