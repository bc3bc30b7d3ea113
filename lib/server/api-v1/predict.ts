import "server-only";
import type { Predictor, PredictorInput } from "@/lib/ml/predictor";
import { PredictorError } from "@/lib/ml/predictor";
import type { EntityMention, TabularRow } from "@/lib/ml/types";
import { fillReplyTemplate } from "@/lib/scenes/intent-chatbot/reply-template";
import { linkedEntityModel, type LinkedEntityModel } from "../reply-templates";
import { hashApiKey, isWellFormedApiKey } from "../api-keys";
import { readBlob } from "../blob-store";
import { readBodyText } from "../body";
import { MAX_JSON_DEPTH, parseJsonWithin } from "@/lib/data/json-depth";
import { db } from "../db";
import { consume, hotPathStore, type RateLimitResult } from "../rate-limit";
import { cachedKey } from "./key-cache";
import { ApiError } from "./errors";
import { decodeImageInput } from "./images";
import { NODE_BACKBONES } from "./backbones";
import { withPredictor } from "./predictor-cache";
import { SPEECH_BACKBONE_ID } from "@/lib/ml/backbones/speech";
import { decodeWavClip } from "@/lib/ml/voice/clip";

const nodeBackboneAvailable = (id: string | undefined) => !!id && NODE_BACKBONES.includes(id);
import { recordApiUse } from "./usage";

/** Inputs in one call; more must be split into several calls. */
export const MAX_BATCH = 32;
/** Largest request body (a few base64 PNG images; texts and rows are far smaller). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
export const MAX_TEXT_CHARS = 10_000;
export const MAX_TOP_K = 20;
export const DEFAULT_TOP_K = 5;

/** Requests per key and window; the environment can raise it (benchmarks) or lower it (tests). */
export function rateLimitConfig(): { limit: number; windowSeconds: number } {
  const limit = Number(process.env.STUDIO_API_RATE_LIMIT);
  const windowSeconds = Number(process.env.STUDIO_API_RATE_WINDOW_S);
  return {
    limit: Number.isInteger(limit) && limit > 0 ? limit : 60,
    windowSeconds: Number.isInteger(windowSeconds) && windowSeconds > 0 ? windowSeconds : 60,
  };
}

export interface AuthorizedKey {
  keyId: string;
  projectId: string;
  /** The project's active model version, read with the key (one query on the hot path). */
  activeVersion: { id: string; number: number; bundleBlobId: string | null } | null;
  /** Intent chatbots: the owner and settings, to find the entity model of the reply templates. */
  intentBot: { ownerId: string; settings: string } | null;
}

/**
 * Who is calling: the key must exist, not be revoked, and belong to the project at `slug`.
 * The key is checked first, so callers without a valid key learn nothing about slugs.
 */
export async function authorize(authorization: string | null, slug: string): Promise<AuthorizedKey> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!m) throw new ApiError("missing_api_key", 'Send your API key in the Authorization header: "Authorization: Bearer ams_…".');
  const key = m[1];
  const keyHash = isWellFormedApiKey(key) ? hashApiKey(key) : null;
  const row = keyHash
    ? await cachedKey(keyHash, () =>
        db.apiKey.findUnique({
          where: { keyHash },
          select: {
            id: true,
            revokedAt: true,
            project: {
              select: { id: true, apiSlug: true, scene: true, ownerId: true, settings: true, activeModelVersion: { select: { id: true, number: true, bundleBlobId: true } } },
            },
          },
        }),
      )
    : null;
  if (!row) throw new ApiError("invalid_api_key", "This API key is not valid. Check that you copied the whole key.");
  if (row.revokedAt) throw new ApiError("revoked_api_key", "This API key was revoked. Create a new key in the project's API tab.");
  if (row.project.apiSlug !== slug) {
    const exists = slug.length <= 64 && (await db.project.findUnique({ where: { apiSlug: slug }, select: { id: true } }));
    if (!exists) throw new ApiError("model_not_found", "There is no model at this address. Check the URL in the project's API tab.");
    throw new ApiError("key_not_for_model", "This API key belongs to another model. Use a key created in this project's API tab.");
  }
  const { project } = row;
  return {
    keyId: row.id,
    projectId: project.id,
    activeVersion: project.activeModelVersion,
    intentBot: project.scene === "intent-chatbot" ? { ownerId: project.ownerId, settings: project.settings } : null,
  };
}

export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(r.limit),
    "X-RateLimit-Remaining": String(r.remaining),
    "X-RateLimit-Reset": String(Math.ceil(r.resetAt.getTime() / 1000)),
  };
}

/** Counts the request against the key's limit; throws 429 (with Retry-After) when it is used up. */
export async function checkRateLimit(keyId: string): Promise<Record<string, string>> {
  const { limit, windowSeconds } = rateLimitConfig();
  const r = await consume(`api-key:${keyId}`, limit, windowSeconds * 1000, hotPathStore());
  const headers = rateLimitHeaders(r);
  if (!r.allowed) {
    throw new ApiError(
      "rate_limited",
      `Too many requests with this API key: the limit is ${limit} per ${windowSeconds} seconds. Try again in ${r.retryAfterSeconds} seconds.`,
      { ...headers, "Retry-After": String(r.retryAfterSeconds) },
    );
  }
  return headers;
}

/**
 * Reads the JSON body (any content type; at most MAX_BODY_BYTES, counted as it arrives, and at
 * most MAX_JSON_DEPTH deep) and returns the inputs and options.
 */
export async function readPredictBody(req: Request): Promise<{ inputs: unknown[]; batch: boolean; topK: number }> {
  const text = await readBodyText(req.body, {
    limitBytes: MAX_BODY_BYTES,
    contentLength: req.headers.get("content-length"),
    tooLarge: () =>
      new ApiError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES / 2 ** 20} MB. Send fewer or smaller inputs per call.`),
  });
  const parsed = parseJsonWithin(text, MAX_JSON_DEPTH);
  if (!parsed.ok && parsed.reason === "too-deep") {
    throw new ApiError("invalid_input", `The request body nests brackets more than ${MAX_JSON_DEPTH} levels deep. Send {"input": …} or {"inputs": […]} with plain values.`);
  }
  if (!parsed.ok) throw new ApiError("invalid_json", 'The request body is not valid JSON. Send {"input": …} or {"inputs": […]}.');
  const body = parsed.value;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError("invalid_input", 'The request body must be a JSON object: {"input": …} or {"inputs": […]}.');
  }
  const b = body as Record<string, unknown>;
  const unknownFields = Object.keys(b).filter((k) => !["input", "inputs", "topK"].includes(k));
  if (unknownFields.length) throw new ApiError("invalid_input", `Unknown field "${unknownFields[0]}". Send "input" (one) or "inputs" (a list), and optionally "topK".`);
  const hasOne = "input" in b;
  const hasMany = "inputs" in b;
  if (hasOne === hasMany) throw new ApiError("invalid_input", 'Send exactly one of "input" (one input) or "inputs" (a list of inputs).');
  let topK = DEFAULT_TOP_K;
  if (b.topK !== undefined) {
    if (typeof b.topK !== "number" || !Number.isInteger(b.topK) || b.topK < 1 || b.topK > MAX_TOP_K) {
      throw new ApiError("invalid_input", `"topK" must be a whole number from 1 to ${MAX_TOP_K}.`);
    }
    topK = b.topK;
  }
  if (hasOne) return { inputs: [b.input], batch: false, topK };
  if (!Array.isArray(b.inputs)) throw new ApiError("invalid_input", '"inputs" must be a list.');
  if (b.inputs.length === 0) throw new ApiError("invalid_input", '"inputs" is empty: send at least one input.');
  if (b.inputs.length > MAX_BATCH) {
    throw new ApiError("batch_too_large", `Too many inputs in one call: ${b.inputs.length}; at most ${MAX_BATCH}. Split them into several calls.`);
  }
  return { inputs: b.inputs, batch: true, topK };
}

const where = (i: number, batch: boolean) => (batch ? `inputs[${i}]` : "input");

/** One input checked against what the model takes: ready for the model, or why not. */
export type CheckedInput = { ok: true; input: PredictorInput } | { ok: false; error: ApiError };

function checkEach(inputs: unknown[], batch: boolean, check: (x: unknown, at: string) => PredictorInput): CheckedInput[] {
  return inputs.map((x, i) => {
    try {
      return { ok: true, input: check(x, where(i, batch)) };
    } catch (e) {
      if (e instanceof ApiError) return { ok: false, error: e };
      throw e;
    }
  });
}

function checkText(x: unknown, at: string): PredictorInput {
  if (typeof x !== "string") throw new ApiError("invalid_input", `${at} must be a string of text.`);
  if (x.length > MAX_TEXT_CHARS) throw new ApiError("invalid_input", `${at} is longer than ${MAX_TEXT_CHARS} characters.`);
  return x;
}

function checkRow(x: unknown, at: string): PredictorInput {
  if (typeof x !== "object" || x === null || Array.isArray(x)) {
    throw new ApiError("invalid_input", `${at} must be an object of column values, e.g. {"age": 42, "city": "Paris"}.`);
  }
  for (const [k, v] of Object.entries(x)) {
    if (!(v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean")) {
      throw new ApiError("invalid_input", `${at}.${k} must be a string, a number, true/false or null.`);
    }
    if (typeof v === "string" && v.length > MAX_TEXT_CHARS) throw new ApiError("invalid_input", `${at}.${k} is longer than ${MAX_TEXT_CHARS} characters.`);
  }
  return x as TabularRow;
}

/** Recommendation: {"user": "u42"} for a known user, {"ratings": [{"item": "…", "rating": 4}]} for a new one, {} for popular items. */
function checkIds(x: unknown, at: string): PredictorInput {
  if (typeof x !== "object" || x === null || Array.isArray(x)) {
    throw new ApiError("invalid_input", `${at} must be an object: {"user": "id"} or {"ratings": [{"item": "id", "rating": 5}]}.`);
  }
  const q = x as { user?: unknown; ratings?: unknown };
  if (q.user !== undefined && typeof q.user !== "string") throw new ApiError("invalid_input", `${at}.user must be a string.`);
  if (q.ratings !== undefined) {
    if (!Array.isArray(q.ratings) || q.ratings.length > 200) throw new ApiError("invalid_input", `${at}.ratings must be a list of at most 200 {"item", "rating"} objects.`);
    q.ratings.forEach((r, j) => {
      const ok = typeof r === "object" && r !== null && typeof (r as { item?: unknown }).item === "string" && ["undefined", "number"].includes(typeof (r as { rating?: unknown }).rating);
      if (!ok) throw new ApiError("invalid_input", `${at}.ratings[${j}] must be {"item": "id", "rating": number (optional)}.`);
    });
  }
  return { user: q.user as string | undefined, ratings: q.ratings as { item: string; rating?: number }[] | undefined } as unknown as PredictorInput;
}

/** Voice: a WAV clip in base64 (data URL or plain), any sample rate, mixed to mono. */
function checkClip(x: unknown, at: string): PredictorInput {
  const expected = `${at} must be a WAV clip in base64 ("data:audio/wav;base64,…" or plain base64).`;
  if (typeof x !== "string" || x.length === 0) throw new ApiError("invalid_input", expected);
  const b64 = (x.startsWith("data:") ? x.slice(x.indexOf(",") + 1) : x).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) throw new ApiError("invalid_input", expected);
  try {
    return decodeWavClip(new Uint8Array(Buffer.from(b64, "base64"))) as unknown as PredictorInput;
  } catch (e) {
    throw new ApiError("invalid_input", `${at}: ${(e as Error).message}`);
  }
}

/** What kind of input a loaded model takes through the API, or null when the API cannot run it. */
export function apiInputKind(p: Predictor): "text" | "tabular" | "ids" | "clip" | "image" | null {
  if (p.inputKind === "text" || p.inputKind === "tabular" || p.inputKind === "ids") return p.inputKind;
  const m = p.manifest;
  if (m.backbone?.id === SPEECH_BACKBONE_ID && nodeBackboneAvailable(m.backbone.id)) return "clip";
  const takesImages = p.inputKind === "image" || (p.inputKind === "features" && m.backbone !== null && m.scene.startsWith("image"));
  // A user-supplied backbone travels inside the bundle, so the server can always run it.
  if (takesImages && (p.inputKind === "image" || nodeBackboneAvailable(m.backbone?.id) || m.backbone?.custom)) return "image";
  return null;
}

export function unsupportedModel() {
  return new ApiError(
    "unsupported_model",
    "This kind of model cannot be called through the REST API yet (text, tabular, image, voice, FAQ, entity, recommendation and tagging models can). Use the share link or the embed widget, which run it in the browser.",
  );
}

const CHECKS = { text: checkText, tabular: checkRow, ids: checkIds, clip: checkClip, image: decodeImageInput } as const;

/**
 * Checks each input against what the model takes: text → a string, tabular → {column: value},
 * ids → a user or ratings, voice → a WAV clip, image → a PNG or JPEG in base64 (decoded here).
 * Each input gets its own result, so one bad input in a batch does not spoil the others.
 */
export function checkInputs(p: Predictor, inputs: unknown[], batch: boolean): CheckedInput[] {
  const kind = apiInputKind(p);
  if (!kind) throw unsupportedModel();
  return checkEach(inputs, batch, CHECKS[kind]);
}

/** All inputs valid, or the first problem thrown (a single input, and tests). */
export function validateInputs(p: Predictor, inputs: unknown[], batch: boolean): PredictorInput[] {
  return checkInputs(p, inputs, batch).map((c) => {
    if (!c.ok) throw c.error;
    return c.input;
  });
}

export interface ClassItem {
  label: string;
  confidence: number;
  topK: { label: string; confidence: number }[];
  latencyMs: number;
  /** Intent chatbot with a linked entity model: what it found in the text, and the filled reply. */
  entities?: EntityMention[];
  /** The reply of `label` with its {TYPE} placeholders filled; null when the intent has no reply. */
  reply?: string | null;
}
export interface RegressionItem {
  value: number;
  latencyMs: number;
}

/** FAQ: the best answer and related questions. */
export interface AnswerItem {
  answerId: string;
  question: string;
  answer: string;
  confidence: number;
  related: { answerId: string; question: string; confidence: number }[];
  latencyMs: number;
}
/** Entities with character offsets, and the same grouped by type ("slots"). */
export interface EntitiesItem {
  entities: { type: string; text: string; start: number; end: number; confidence: number }[];
  slots: Record<string, string[]>;
  latencyMs: number;
}
/** Recommendation: top-N items and where they came from ("user", "new-user", "popular"). */
export interface RecommendationItem {
  items: { item: string; score: number }[];
  source: string;
  latencyMs: number;
}
/** Multi-label: the tags above their thresholds, and every tag's score. */
export interface TagsItem {
  tags: { label: string; confidence: number; threshold: number }[];
  scores: { label: string; confidence: number }[];
  latencyMs: number;
}
/** A batch input that could not be answered; the other inputs of the batch are answered anyway. */
export interface ItemError {
  error: { code: string; message: string };
}
export type PredictItem = ClassItem | RegressionItem | AnswerItem | EntitiesItem | RecommendationItem | TagsItem;

export interface PredictOutcome {
  modelVersion: number;
  items: (PredictItem | ItemError)[];
  latencyMs: number;
}

const itemError = (e: ApiError): ItemError => ({ error: { code: e.code, message: e.message } });
export const isItemError = (it: PredictItem | ItemError): it is ItemError => "error" in it;

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

/** Inputs the model refuses one at a time (a bad value, an unknown user or item). */
function inputProblem(e: unknown): ApiError | null {
  if (e instanceof PredictorError && (e.code === "bad-input" || e.code === "unknown-user" || e.code === "unknown-item")) return new ApiError("invalid_input", e.message);
  return null;
}

/** Runs the model's task on valid inputs; latency per item is the batch's time divided by its size. */
async function runTask(auth: AuthorizedKey, p: Predictor, valid: PredictorInput[], topK: number, started: number): Promise<PredictItem[]> {
  const per = (n: number) => round3((performance.now() - started) / Math.max(1, n));
  switch (p.task) {
    case "classification": {
      const out = await p.predict(valid, { topK });
      const templates = auth.intentBot && p.inputKind === "text" ? await replyTemplatesOf(auth.projectId, auth.intentBot) : null;
      const found = templates ? await extractEntities(templates.entityModel, valid as string[]) : null;
      const ms = per(out.length);
      return out.map((o, i) => ({
        label: o.label,
        confidence: o.confidence,
        topK: o.topK,
        latencyMs: ms,
        ...(templates && found ? { entities: found[i], reply: templates.replyFor(o.label, found[i]) } : {}),
      }));
    }
    case "regression": {
      const values = await p.predictValues(valid);
      const ms = per(values.length);
      return Array.from(values, (value) => ({ value, latencyMs: ms }));
    }
    case "retrieval": {
      const out = await p.retrieve(valid as string[], { related: Math.min(topK, 10) });
      const ms = per(out.length);
      return out.map((o) => ({ ...o, latencyMs: ms }));
    }
    case "entities": {
      const out = await p.extract(valid as string[]);
      const ms = per(out.length);
      return out.map((o) => {
        const slots: Record<string, string[]> = {};
        for (const e of o.entities) (slots[e.type] ??= []).push(e.text);
        return { entities: o.entities, slots, latencyMs: ms };
      });
    }
    case "ranking": {
      const out = await p.recommend(valid as { user?: string }[], { topN: topK });
      const ms = per(out.length);
      return out.map((o) => ({ items: o.items, source: o.source, latencyMs: ms }));
    }
    case "multi-label": {
      const out = await p.predictTags(valid);
      const ms = per(out.length);
      return out.map((o) => ({ tags: o.tags, scores: o.scores, latencyMs: ms }));
    }
  }
}

/**
 * Runs the project's active model version on the inputs. A single input that the model cannot
 * take is a 400; in a batch, each input gets its own answer or error.
 */
export async function runActiveModel(auth: AuthorizedKey, inputs: unknown[], batch: boolean, topK: number): Promise<PredictOutcome> {
  const version = auth.activeVersion;
  if (!version?.bundleBlobId) throw noModel();
  const blobId = version.bundleBlobId;
  return withPredictor(
    version.id,
    async () => new Uint8Array(await readBlob(blobId)),
    async (p) => {
      const started = performance.now(); // model time includes decoding images
      const checked = checkInputs(p, inputs, batch);
      if (!batch && !checked[0].ok) throw checked[0].error;
      const items: (PredictItem | ItemError)[] = checked.map((c) => (c.ok ? (null as unknown as PredictItem) : itemError(c.error)));
      const todo = checked.flatMap((c, i) => (c.ok ? [{ i, input: c.input }] : []));
      if (todo.length) {
        try {
          const out = await runTask(auth, p, todo.map((t) => t.input), topK, started);
          todo.forEach((t, k) => (items[t.i] = out[k]));
        } catch (e) {
          const problem = inputProblem(e);
          if (!problem) throw e;
          if (!batch) throw problem;
          // One input spoiled the batch: answer them one by one, so only that one gets the error.
          for (const t of todo) {
            try {
              items[t.i] = (await runTask(auth, p, [t.input], topK, performance.now()))[0];
            } catch (one) {
              const p1 = inputProblem(one);
              if (!p1) throw one;
              items[t.i] = itemError(p1);
            }
          }
        }
      }
      return { modelVersion: version.number, items, latencyMs: round3(performance.now() - started) };
    },
  );
}

/**
 * An intent chatbot's reply templates, when it links an entity model that still holds (same
 * owner; see reply-templates.ts): the replies and how to fill one. Null without a link.
 */
async function replyTemplatesOf(projectId: string, bot: { ownerId: string; settings: string }) {
  const entityModel = await linkedEntityModel(bot);
  if (!entityModel) return null;
  const dataset = await db.dataset.findUnique({ where: { projectId_name: { projectId, name: "default" } }, select: { schema: true } });
  let replies: Record<string, unknown> = {};
  try {
    const schema = JSON.parse(dataset?.schema ?? "{}") as { replies?: unknown };
    if (schema.replies && typeof schema.replies === "object") replies = schema.replies as Record<string, unknown>;
  } catch {}
  const context = { types: entityModel.types, defaults: entityModel.defaults };
  return {
    entityModel,
    replyFor: (label: string, entities: EntityMention[]) => {
      const reply = replies[label];
      return typeof reply === "string" ? fillReplyTemplate(reply, entities, context) : null;
    },
  };
}

/** Runs the linked entity model (through the same predictor cache) on the texts. */
async function extractEntities(model: LinkedEntityModel, texts: string[]): Promise<EntityMention[][]> {
  return withPredictor(
    model.versionId,
    async () => new Uint8Array(await readBlob(model.bundleBlobId)),
    async (p) => {
      if (p.task !== "entities") throw new Error("The linked model is not an entity model.");
      return (await p.extract(texts)).map((o) => o.entities);
    },
  );
}

function noModel() {
  return new ApiError("no_trained_model", "This project has no trained model yet. Train one in the studio, then call the API again.");
}

/** Queues the key's last use and one PredictionEvent per input; written after the answer. */
export function recordPredictions(auth: AuthorizedKey, outcome: PredictOutcome): void {
  recordApiUse(
    auth.keyId,
    outcome.items.filter((it): it is PredictItem => !isItemError(it)).map((it) => ({
      projectId: auth.projectId,
      modelVersionId: auth.activeVersion?.id ?? null,
      ...eventOf(it),
      latencyMs: it.latencyMs,
    })),
  );
}

/** What the Monitor tab records per answer: a label and a confidence where the answer has them. */
function eventOf(it: PredictItem): { label: string | null; confidence: number | null } {
  if ("label" in it) return { label: it.label, confidence: it.confidence };
  if ("value" in it) return { label: String(it.value), confidence: null };
  if ("answerId" in it) return { label: it.question, confidence: it.confidence };
  if ("entities" in it) return { label: [...new Set(it.entities.map((e) => e.type))].join(",") || null, confidence: null };
  if ("source" in it) return { label: it.items[0]?.item ?? null, confidence: null };
  return { label: it.tags.map((t) => t.label).join(",") || null, confidence: it.tags[0]?.confidence ?? null };
}
