import "server-only";
import { randomBytes } from "node:crypto";
import type { SnippetExample } from "@/lib/api-docs/snippets";
import { cellValue } from "@/lib/ml/tabular/preprocess";
import type { TabularRow } from "@/lib/ml/types";
import { NODE_BACKBONES } from "./api-v1/backbones";
import { db } from "./db";
import { projectChanged } from "./cache-bus";
import { AppError, notFound } from "./errors";
import { getOwnedProject } from "./projects";
import { randomToken, sha256 } from "./tokens";

/** Every key starts with this, so leaked keys are easy to recognise (and to scan for). */
export const API_KEY_PREFIX = "ams_";
const KEY_RANDOM_CHARS = 40; // base62: about 238 bits
/** Characters of the key kept in clear to tell keys apart in the list ("ams_" + 8). */
export const API_KEY_SHOWN_CHARS = API_KEY_PREFIX.length + 8;
/** A project may hold this many keys that are not revoked. */
export const MAX_ACTIVE_KEYS = 20;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `ams_` + 40 uniformly random base62 characters (rejection sampling, no modulo bias). */
export function generateApiKey(): string {
  let out = API_KEY_PREFIX;
  while (out.length < API_KEY_PREFIX.length + KEY_RANDOM_CHARS) {
    for (const b of randomBytes(64)) {
      if (b < 248 && out.length < API_KEY_PREFIX.length + KEY_RANDOM_CHARS) out += BASE62[b % 62];
    }
  }
  return out;
}

export const hashApiKey = (key: string) => sha256(key);

/** Looks like a key we issued; anything else is refused before touching the database. */
export function isWellFormedApiKey(key: string): boolean {
  return new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${KEY_RANDOM_CHARS}}$`).test(key);
}

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type KeyRow = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

function toSummary(k: KeyRow): ApiKeySummary {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

const keySelect = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/** The project's public API id; created once (with the first key) and never changed. */
async function ensureApiSlug(projectId: string): Promise<string> {
  const current = await db.project.findUnique({ where: { id: projectId }, select: { apiSlug: true } });
  if (current?.apiSlug) return current.apiSlug;
  // Only set when still empty, so two concurrent first keys agree on one slug.
  await db.project.updateMany({ where: { id: projectId, apiSlug: null }, data: { apiSlug: randomToken(12) } });
  const after = await db.project.findUnique({ where: { id: projectId }, select: { apiSlug: true } });
  return after!.apiSlug!;
}

export async function listApiKeys(userId: string, projectId: string): Promise<{ slug: string | null; keys: ApiKeySummary[] }> {
  await getOwnedProject(userId, projectId);
  const [project, keys] = await Promise.all([
    db.project.findUnique({ where: { id: projectId }, select: { apiSlug: true } }),
    db.apiKey.findMany({ where: { projectId }, orderBy: { createdAt: "desc" }, select: keySelect }),
  ]);
  return { slug: project?.apiSlug ?? null, keys: keys.map(toSummary) };
}

/** Creates a key; the full key is in the answer and nowhere else (only its SHA-256 is stored). */
export async function createApiKey(
  userId: string,
  projectId: string,
  name: string,
): Promise<{ key: ApiKeySummary; secret: string; slug: string }> {
  await getOwnedProject(userId, projectId);
  const active = await db.apiKey.count({ where: { projectId, revokedAt: null } });
  if (active >= MAX_ACTIVE_KEYS) throw new AppError("conflict", "errors.apiKeyLimit", { params: { max: MAX_ACTIVE_KEYS } });
  const slug = await ensureApiSlug(projectId);
  const secret = generateApiKey();
  const row = await db.apiKey.create({
    data: { projectId, name, prefix: secret.slice(0, API_KEY_SHOWN_CHARS), keyHash: hashApiKey(secret) },
    select: keySelect,
  });
  return { key: toSummary(row), secret, slug };
}

/** Revokes a key at once; revoking twice keeps the first time. */
export async function revokeApiKey(userId: string, projectId: string, keyId: string): Promise<ApiKeySummary> {
  await getOwnedProject(userId, projectId);
  const key = await db.apiKey.findFirst({ where: { id: keyId, projectId }, select: keySelect });
  if (!key) throw notFound();
  if (key.revokedAt) return toSummary(key);
  const revoked = await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() }, select: keySelect });
  await projectChanged(projectId);
  return toSummary(revoked);
}

export interface ApiPageInfo {
  /** What the active model takes through the API; null when the project has no trained model. */
  inputKind: "text" | "tabular" | "image" | "unsupported" | null;
  /** An input for the code examples (from the project's own data when there is some); null when unsupported. */
  example: SnippetExample | null;
}

/** For the API tab: what the active model takes and an example input from the project's data. */
export async function apiPageInfo(userId: string, projectId: string): Promise<ApiPageInfo> {
  await getOwnedProject(userId, projectId);
  const project = await db.project.findUnique({ where: { id: projectId }, select: { activeModelVersion: { select: { manifest: true } } } });
  if (!project?.activeModelVersion) return { inputKind: null, example: null };
  const manifest = JSON.parse(project.activeModelVersion.manifest) as {
    preprocessing: { kind: string; tabular?: { columns: { name: string; kind: string; categories?: string[] }[] } };
    backbone: { id: string; custom?: unknown } | null;
  };
  const kind = manifest.preprocessing.kind;
  if (kind === "text-bag" || kind === "text-sequence") {
    const sample = await db.sample.findFirst({ where: { dataset: { projectId }, text: { not: null } }, orderBy: { createdAt: "asc" }, select: { text: true } });
    return { inputKind: "text", example: { kind: "value", value: sample?.text?.trim().slice(0, 200) || "Hello!" } };
  }
  if (kind === "tabular") {
    const columns = manifest.preprocessing.tabular?.columns ?? [];
    const sample = await db.sample.findFirst({ where: { dataset: { projectId }, data: { not: null } }, orderBy: { createdAt: "asc" }, select: { data: true } });
    let row: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(sample?.data ?? "{}");
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) row = parsed;
    } catch {}
    const example: Record<string, string | number | boolean | null> = {};
    for (const c of columns) {
      if (c.kind === "ignore") continue;
      const v = cellValue(row as TabularRow, c.name);
      if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") example[c.name] = v;
      else example[c.name] = c.kind === "numeric" ? 0 : c.kind === "categorical" ? (c.categories?.[0] ?? "") : "";
    }
    return { inputKind: "tabular", example: { kind: "value", value: example } };
  }
  const backbone = manifest.backbone?.id;
  // Image models: built-in backbones the server has, or a user-supplied one embedded in the bundle.
  if (kind === "image" || (kind === "features" && backbone && (NODE_BACKBONES.includes(backbone) || manifest.backbone?.custom))) {
    return { inputKind: "image", example: { kind: "png-file", fileName: "photo.png" } };
  }
  return { inputKind: "unsupported", example: null };
}
