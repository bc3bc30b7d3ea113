import "server-only";
import type { z } from "zod";
import { CHANNELS, type Channel, type bulkAddSchema, type feedbackSchema, type predictionEventSchema } from "@/lib/schemas/monitoring";
import { getScene } from "@/lib/scenes";
import { addTextSamplesInTx } from "./datasets";
import { db, type Prisma } from "./db";
import { AppError, notFound } from "./errors";
import { consume } from "./rate-limit";

/* Monitoring: prediction events (one per answer), feedback on answers, and the Monitor tab's
 * aggregates. Owner-side only; the share page and embed record their events elsewhere. */

export const DEFAULT_THRESHOLD = 0.5;
/** Days the Monitor tab looks back by default, and at most. */
export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 90;
/** Most events one Monitor request reads; beyond it the newest are used and `truncated` is set. */
export const MAX_EVENTS_READ = 50_000;
/** Entries per review list (low confidence, wrong answers). */
export const LIST_LIMIT = 50;

const DAY_MS = 86_400_000;
/** Playground events per project and minute: far above a person chatting, low enough to stop a runaway loop. */
export const EVENTS_PER_MINUTE = 600;

async function ownedProject(userId: string, projectId: string) {
  if (typeof projectId !== "string" || projectId.length > 64) throw notFound();
  const project = await db.project.findFirst({
    where: { id: projectId, ownerId: userId },
    select: { id: true, scene: true, localDataOnly: true, settings: true, activeModelVersionId: true },
  });
  if (!project) throw notFound();
  return project;
}

/** The owner's confidence threshold (project settings), else 0.5. */
function projectThreshold(settings: string): number {
  try {
    const v = (JSON.parse(settings) as { threshold?: unknown }).threshold;
    return typeof v === "number" && v >= 0 && v <= 1 ? v : DEFAULT_THRESHOLD;
  } catch {
    return DEFAULT_THRESHOLD;
  }
}

function isTextScene(scene: string) {
  return getScene(scene)?.dataKind === "text";
}

/* ------------------------------------------------------------------ recording */

/**
 * Records one Playground prediction. The owner's own inputs are their data, so text-scene inputs
 * are kept (the Playground says so); other channels decide that elsewhere.
 */
export async function recordPlaygroundEvent(
  userId: string,
  projectId: string,
  input: z.output<typeof predictionEventSchema>,
): Promise<{ id: string }> {
  const project = await ownedProject(userId, projectId);
  const limit = await consume(`events:${project.id}`, EVENTS_PER_MINUTE, 60_000);
  if (!limit.allowed) {
    throw new AppError("rate_limited", "monitor.errors.tooManyEvents", { headers: { "Retry-After": String(limit.retryAfterSeconds) } });
  }
  if (input.modelVersionId) {
    const v = await db.modelVersion.findFirst({ where: { id: input.modelVersionId, projectId: project.id }, select: { id: true } });
    if (!v) throw notFound();
  }
  const event = await db.predictionEvent.create({
    data: {
      projectId: project.id,
      modelVersionId: input.modelVersionId ?? null,
      channel: "playground" satisfies Channel,
      label: input.label ?? null,
      confidence: input.confidence ?? null,
      latencyMs: input.latencyMs,
      fallback: input.fallback,
      input: isTextScene(project.scene) ? (input.input ?? null) : null,
    },
    select: { id: true },
  });
  return event;
}

export interface FeedbackView {
  id: string;
  eventId: string | null;
  correct: boolean;
  predictedLabel: string | null;
  correctLabel: string | null;
  input: string | null;
  addedToDataset: boolean;
  createdAt: string;
}

function feedbackView(f: {
  id: string;
  predictionEventId: string | null;
  correct: boolean;
  predictedLabel: string | null;
  correctLabel: string | null;
  input: string | null;
  addedToDataset: boolean;
  createdAt: Date;
}): FeedbackView {
  return {
    id: f.id,
    eventId: f.predictionEventId,
    correct: f.correct,
    predictedLabel: f.predictedLabel,
    correctLabel: f.correctLabel,
    input: f.input,
    addedToDataset: f.addedToDataset,
    createdAt: f.createdAt.toISOString(),
  };
}

/**
 * Stores "correct" or "wrong (+ the right label)" for an answer. One feedback per event: a second
 * click changes the first, unless it is already in the dataset.
 */
export async function recordFeedback(userId: string, projectId: string, input: z.output<typeof feedbackSchema>): Promise<FeedbackView> {
  const project = await ownedProject(userId, projectId);
  return db.$transaction(async (tx) => {
    let event: { id: string; label: string | null; input: string | null } | null = null;
    if (input.eventId) {
      event = await tx.predictionEvent.findFirst({ where: { id: input.eventId, projectId: project.id }, select: { id: true, label: true, input: true } });
      if (!event) throw notFound();
    }
    const predictedLabel = event?.label ?? input.predictedLabel ?? null;
    const correctLabel = input.correct ? (input.correctLabel ?? predictedLabel) : input.correctLabel!;
    const data = {
      correct: input.correct,
      predictedLabel,
      correctLabel,
      // The text the owner saw answered; the event's copy wins over what the browser sends.
      input: event?.input ?? input.input ?? null,
    };
    const existing = event ? await tx.feedbackEvent.findFirst({ where: { predictionEventId: event.id, projectId: project.id } }) : null;
    if (existing?.addedToDataset) throw new AppError("conflict", "monitor.errors.alreadyAdded");
    const row = existing
      ? await tx.feedbackEvent.update({ where: { id: existing.id }, data })
      : await tx.feedbackEvent.create({ data: { ...data, projectId: project.id, predictionEventId: event?.id ?? null } });
    return feedbackView(row);
  });
}

/* ------------------------------------------------------------------ back into the dataset */

export interface AddResult {
  added: number;
  /** Already in the dataset (by an earlier add, or the same text with the same label). */
  skipped: number;
  /** The new dataset version, or null when nothing was added. */
  version: number | null;
}

type Tx = Prisma.TransactionClient;

function refuseUnlessAddable(project: { scene: string; localDataOnly: boolean }) {
  if (project.localDataOnly) throw new AppError("conflict", "monitor.errors.deviceOnly");
  if (!isTextScene(project.scene)) throw new AppError("bad_request", "monitor.errors.notText");
}

/**
 * Claims feedback rows and low-confidence events and writes their inputs as new samples, all in
 * one transaction that records one new dataset version. A row is claimed by flipping
 * addedToDataset from false to true, so two concurrent adds cannot both insert it.
 */
async function addInTx(
  tx: Tx,
  project: { id: string; scene: string; localDataOnly: boolean },
  feedbackIds: string[],
  events: { eventId: string; label: string }[],
  strict: boolean,
): Promise<AddResult> {
  const rows: { text: string; label: string }[] = [];
  let skipped = 0;

  const feedback = feedbackIds.length
    ? await tx.feedbackEvent.findMany({ where: { id: { in: [...new Set(feedbackIds)] }, projectId: project.id } })
    : [];
  if (feedback.length !== new Set(feedbackIds).size) throw notFound();
  for (const f of feedback) {
    if (!f.input || !f.correctLabel) throw new AppError("bad_request", "monitor.errors.noInput");
    const claimed = await tx.feedbackEvent.updateMany({ where: { id: f.id, addedToDataset: false }, data: { addedToDataset: true } });
    if (claimed.count === 0) {
      if (strict) throw new AppError("conflict", "monitor.errors.alreadyAdded");
      skipped++;
      continue;
    }
    rows.push({ text: f.input, label: f.correctLabel });
  }

  const uniqueEvents = [...new Map(events.map((e) => [e.eventId, e])).values()];
  const found = uniqueEvents.length
    ? await tx.predictionEvent.findMany({
        where: { id: { in: uniqueEvents.map((e) => e.eventId) }, projectId: project.id },
        select: { id: true, label: true, input: true, feedback: { select: { id: true, addedToDataset: true } } },
      })
    : [];
  if (found.length !== uniqueEvents.length) throw notFound();
  const byId = new Map(found.map((e) => [e.id, e]));
  for (const { eventId, label } of uniqueEvents) {
    const e = byId.get(eventId)!;
    if (!e.input) throw new AppError("bad_request", "monitor.errors.noInput");
    if (e.feedback.some((f) => f.addedToDataset)) {
      if (strict) throw new AppError("conflict", "monitor.errors.alreadyAdded");
      skipped++;
      continue;
    }
    const correctLabel = label.trim();
    const data = { correct: e.label === correctLabel, predictedLabel: e.label, correctLabel, input: e.input, addedToDataset: true };
    const open = e.feedback[0];
    if (open) {
      // Claim the event's feedback like above, so a concurrent add of the same event loses.
      const claimed = await tx.feedbackEvent.updateMany({ where: { id: open.id, addedToDataset: false }, data });
      if (claimed.count === 0) {
        skipped++;
        continue;
      }
    } else {
      await tx.feedbackEvent.create({ data: { ...data, projectId: project.id, predictionEventId: e.id } });
    }
    rows.push({ text: e.input, label: correctLabel });
  }

  // The same text with the same label is one example, whether it is already in the dataset or
  // asked for twice now.
  const ds = await tx.dataset.findUnique({ where: { projectId_name: { projectId: project.id, name: "default" } }, select: { id: true } });
  const existing = ds && rows.length
    ? await tx.sample.findMany({ where: { datasetId: ds.id, text: { in: [...new Set(rows.map((r) => r.text.trim()))] } }, select: { text: true, label: true } })
    : [];
  const seen = new Set(existing.map((s) => `${s.text}\u0000${s.label}`));
  const fresh: typeof rows = [];
  for (const r of rows) {
    const key = `${r.text.trim()}\u0000${r.label.trim()}`;
    if (seen.has(key)) {
      skipped++;
      continue;
    }
    seen.add(key);
    fresh.push(r);
  }
  // Claims stay marked as added: the example is in the dataset either way.
  if (fresh.length === 0) return { added: 0, skipped, version: null };
  const version = await addTextSamplesInTx(tx, project, fresh, "feedback");
  return { added: fresh.length, skipped, version };
}

/** "Add to dataset" for one feedback entry; a second add of the same entry is refused (409). */
export async function addFeedbackToDataset(userId: string, projectId: string, feedbackId: string): Promise<AddResult> {
  const project = await ownedProject(userId, projectId);
  if (typeof feedbackId !== "string" || feedbackId.length > 64) throw notFound();
  const exists = await db.feedbackEvent.findFirst({ where: { id: feedbackId, projectId: project.id }, select: { id: true } });
  if (!exists) throw notFound();
  refuseUnlessAddable(project);
  return db.$transaction((tx) => addInTx(tx, project, [feedbackId], [], true));
}

/** Bulk "add to dataset": feedback entries and low-confidence inputs with a chosen label; entries already added are skipped. */
export async function addManyToDataset(userId: string, projectId: string, input: z.output<typeof bulkAddSchema>): Promise<AddResult> {
  const project = await ownedProject(userId, projectId);
  refuseUnlessAddable(project);
  return db.$transaction((tx) => addInTx(tx, project, input.feedbackIds, input.events, false));
}

/* ------------------------------------------------------------------ the Monitor tab */

export interface MonitorData {
  versions: { id: string; number: number; active: boolean }[];
  /** The version shown, or null for all versions together. */
  version: string | null;
  days: number;
  threshold: number;
  total: number;
  /** True when the window held more than MAX_EVENTS_READ events: aggregates use the newest. */
  truncated: boolean;
  perDay: ({ day: string } & Record<Channel, number>)[];
  latency: { p50: number; p95: number; p99: number } | null;
  /** Ten bins over [0, 1]: bin i counts confidences in [i/10, (i+1)/10), the last one includes 1. */
  confidence: number[];
  fallbackRate: number | null;
  feedback: { total: number; correct: number; accuracy: number | null };
  lowConfidence: { eventId: string; input: string; label: string | null; confidence: number; channel: string; createdAt: string }[];
  wrong: { feedbackId: string; input: string; predictedLabel: string | null; correctLabel: string; createdAt: string }[];
  /** Labels to choose from when adding an input to the dataset. */
  labels: string[];
  /** Whether inputs can be added to the dataset here (text scene, data stored on the server), and if not, why. */
  canAdd: boolean;
  cannotAddReason: "deviceOnly" | "notText" | null;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const dayKey = (d: Date) => d.toISOString().slice(0, 10);

export async function getMonitor(userId: string, projectId: string, opts: { version?: string | null; days?: number }): Promise<MonitorData> {
  const project = await ownedProject(userId, projectId);
  const versions = await db.modelVersion.findMany({
    where: { projectId: project.id },
    orderBy: { number: "desc" },
    select: { id: true, number: true, manifest: true },
  });
  // No version asked for: the active one; "all": every version together.
  let version: string | null = opts.version === "all" ? null : (opts.version ?? project.activeModelVersionId ?? null);
  if (version && !versions.some((v) => v.id === version)) {
    if (opts.version) throw notFound();
    version = null;
  }
  const days = Math.min(MAX_DAYS, Math.max(1, Math.floor(opts.days ?? DEFAULT_DAYS)));
  const now = new Date();
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS);
  const threshold = projectThreshold(project.settings);
  const eventWhere = { projectId: project.id, createdAt: { gte: since }, ...(version ? { modelVersionId: version } : {}) };

  const events = await db.predictionEvent.findMany({
    where: eventWhere,
    orderBy: { createdAt: "desc" },
    take: MAX_EVENTS_READ + 1,
    select: { channel: true, confidence: true, latencyMs: true, fallback: true, createdAt: true },
  });
  const truncated = events.length > MAX_EVENTS_READ;
  if (truncated) events.pop();

  const perDayMap = new Map<string, Record<Channel, number>>();
  for (let t = since.getTime(); t <= now.getTime(); t += DAY_MS) {
    perDayMap.set(dayKey(new Date(t)), { playground: 0, share: 0, embed: 0, api: 0 });
  }
  const latencies: number[] = [];
  const confidence = new Array<number>(10).fill(0);
  let fallbacks = 0;
  for (const e of events) {
    const bucket = perDayMap.get(dayKey(e.createdAt));
    if (bucket && (CHANNELS as readonly string[]).includes(e.channel)) bucket[e.channel as Channel]++;
    latencies.push(e.latencyMs);
    if (e.confidence !== null) confidence[Math.min(9, Math.max(0, Math.floor(e.confidence * 10)))]++;
    if (e.fallback) fallbacks++;
  }
  latencies.sort((a, b) => a - b);

  // Feedback on this version's answers; feedback without an event counts for "all versions" only.
  const feedbackWhere = {
    projectId: project.id,
    createdAt: { gte: since },
    ...(version ? { predictionEvent: { modelVersionId: version } } : {}),
  };
  const [feedbackTotal, feedbackCorrect, low, wrong] = await Promise.all([
    db.feedbackEvent.count({ where: feedbackWhere }),
    db.feedbackEvent.count({ where: { ...feedbackWhere, correct: true } }),
    db.predictionEvent.findMany({
      where: { ...eventWhere, input: { not: null }, confidence: { lt: threshold }, feedback: { none: {} } },
      orderBy: { createdAt: "desc" },
      take: LIST_LIMIT,
      select: { id: true, input: true, label: true, confidence: true, channel: true, createdAt: true },
    }),
    db.feedbackEvent.findMany({
      where: { ...feedbackWhere, correct: false, addedToDataset: false, input: { not: null }, correctLabel: { not: null } },
      orderBy: { createdAt: "desc" },
      take: LIST_LIMIT,
      select: { id: true, input: true, predictedLabel: true, correctLabel: true, createdAt: true },
    }),
  ]);

  return {
    versions: versions.map((v) => ({ id: v.id, number: v.number, active: v.id === project.activeModelVersionId })),
    version,
    days,
    threshold,
    total: events.length,
    truncated,
    perDay: [...perDayMap].map(([day, c]) => ({ day, ...c })),
    latency: latencies.length
      ? { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) }
      : null,
    confidence,
    fallbackRate: events.length ? fallbacks / events.length : null,
    feedback: { total: feedbackTotal, correct: feedbackCorrect, accuracy: feedbackTotal ? feedbackCorrect / feedbackTotal : null },
    lowConfidence: low.map((e) => ({
      eventId: e.id,
      input: e.input!,
      label: e.label,
      confidence: e.confidence!,
      channel: e.channel,
      createdAt: e.createdAt.toISOString(),
    })),
    wrong: wrong.map((f) => ({
      feedbackId: f.id,
      input: f.input!,
      predictedLabel: f.predictedLabel,
      correctLabel: f.correctLabel!,
      createdAt: f.createdAt.toISOString(),
    })),
    labels: await labelsFor(project.id, versions, version ?? project.activeModelVersionId),
    canAdd: !project.localDataOnly && isTextScene(project.scene),
    cannotAddReason: !isTextScene(project.scene) ? "notText" : project.localDataOnly ? "deviceOnly" : null,
  };
}

/** The dataset's labels, then any the model version knows that the dataset does not. */
async function labelsFor(projectId: string, versions: { id: string; manifest: string }[], versionId: string | null): Promise<string[]> {
  const ds = await db.dataset.findUnique({ where: { projectId_name: { projectId, name: "default" } }, select: { schema: true } });
  const labels: string[] = [];
  try {
    const v = JSON.parse(ds?.schema ?? "{}") as { labels?: unknown };
    if (Array.isArray(v.labels)) labels.push(...v.labels.filter((l): l is string => typeof l === "string"));
  } catch {
    /* an unreadable schema has no labels */
  }
  const manifest = versions.find((v) => v.id === versionId)?.manifest;
  try {
    const m = JSON.parse(manifest ?? "{}") as { labels?: unknown };
    if (Array.isArray(m.labels)) for (const l of m.labels) if (typeof l === "string" && !labels.includes(l)) labels.push(l);
  } catch {
    /* no manifest labels */
  }
  return labels;
}
