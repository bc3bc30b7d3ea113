import "server-only";
import type { EntityMention } from "@/lib/ml/types";
import { fillReplyTemplate } from "@/lib/scenes/intent-chatbot/reply-template";
import { linkedEntityModel, type LinkedEntityModel } from "../reply-templates";
import { hashApiKey, isWellFormedApiKey } from "../api-keys";
import { readBlob } from "../blob-store";
import { limitedChunks } from "../body";
import { MAX_JSON_DEPTH, parseJsonWithin } from "@/lib/data/json-depth";
import { db } from "../db";
import { consume, hotPathStore, type RateLimitResult } from "../rate-limit";
import { cachedKey } from "./key-cache";
import { ApiError } from "./errors";
import { withPredictor } from "./predictor-cache";
import { answerInputs, brokenModel, isBrokenModelError, isItemError, MAX_TEXT_CHARS, mediaInputKind, type DecorateClasses, type PredictItem, type PredictOutcome } from "./model-tasks";
import { hasSharedBundle, predictOnThread } from "./inference-pool";
import { readManifest } from "@/lib/ml/bundle";
import { inputKindOf } from "@/lib/ml/predictor";

import { recordApiUse } from "./usage";

/** Inputs in one call; more must be split into several calls. */
export const MAX_BATCH = 32;
/** Largest request body: a phone photo of 24 megapixels or more in base64 (texts and rows are far smaller). */
export const MAX_BODY_BYTES = 24 * 1024 * 1024;
/** Bodies larger than this (or of unknown size) share LARGE_BODY_BUDGET while their call runs. */
const LARGE_BODY_BYTES = 1024 * 1024;
/** Bytes of large bodies held at once by this process; a call that does not fit gets 503. */
const LARGE_BODY_BUDGET = 192 * 1024 * 1024;
export { MAX_TEXT_CHARS };
export { checkInputs, validateInputs, apiInputKind } from "./model-tasks";
export type { ClassItem, PredictItem, PredictOutcome, ItemError } from "./model-tasks";
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

let largeBodiesHeld = 0;

/** Room a call holds for its body (see reserveBody). */
export interface BodyReservation {
  /** Makes sure `bytes` are held (a body of unknown size grows as it arrives); 503 when the budget is used up. */
  hold(bytes: number): void;
  release(): void;
}

const serverBusy = () =>
  new ApiError("server_busy", "The server is receiving many large requests right now. Try again in a few seconds.", { "Retry-After": "2" });

/**
 * Room for the call's body, which is held until the answer is sent (pictures can be tens of
 * megabytes). Bodies up to LARGE_BODY_BYTES hold nothing; beyond that, every call's bytes come out
 * of one budget per process (a declared size at once, a chunked body as it arrives), so many
 * parallel large calls cannot take the server's memory: past the budget the call gets 503 with
 * Retry-After instead.
 */
export function reserveBody(req: Request): BodyReservation {
  let held = 0;
  const reservation: BodyReservation = {
    hold(bytes) {
      const want = bytes <= LARGE_BODY_BYTES ? 0 : Math.min(bytes, MAX_BODY_BYTES);
      if (want <= held) return;
      if (largeBodiesHeld + (want - held) > LARGE_BODY_BUDGET) throw serverBusy();
      largeBodiesHeld += want - held;
      held = want;
    },
    release() {
      largeBodiesHeld -= held;
      held = 0;
    },
  };
  const declared = Number(req.headers.get("content-length"));
  if (req.headers.has("content-length") && Number.isFinite(declared)) reservation.hold(declared);
  return reservation;
}

/**
 * Reads the JSON body (any content type; at most MAX_BODY_BYTES, counted as it arrives, and at
 * most MAX_JSON_DEPTH deep) and returns the inputs and options.
 */
export async function readPredictBody(req: Request, reservation?: BodyReservation): Promise<{ inputs: unknown[]; batch: boolean; topK: number }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of limitedChunks(req.body, {
    limitBytes: MAX_BODY_BYTES,
    contentLength: req.headers.get("content-length"),
    tooLarge: () =>
      new ApiError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES / 2 ** 20} MB. Send fewer or smaller inputs per call.`),
  })) {
    size += chunk.byteLength;
    reservation?.hold(size);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks, size).toString("utf8");
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

/** Per version: "image" or "clip" when its inputs are decoded and run on an inference thread, else null. */
const mediaKinds = new Map<string, "image" | "clip" | null>();

async function mediaKindOf(versionId: string, readBundle: () => Promise<Uint8Array>): Promise<"image" | "clip" | null> {
  let kind = mediaKinds.get(versionId);
  if (kind === undefined) {
    const manifest = readManifest(await readBundle());
    kind = mediaInputKind(inputKindOf(manifest.preprocessing), manifest);
    if (mediaKinds.size > 10_000) mediaKinds.clear();
    mediaKinds.set(versionId, kind);
  }
  return kind;
}

/**
 * Runs the project's active model version on the inputs: pictures and voice clips on an inference
 * thread (decoding included), everything else here, where it takes well under a millisecond.
 */
export async function runActiveModel(auth: AuthorizedKey, inputs: unknown[], batch: boolean, topK: number): Promise<PredictOutcome> {
  const version = auth.activeVersion;
  if (!version?.bundleBlobId) throw noModel();
  const blobId = version.bundleBlobId;
  let bytes: Promise<Uint8Array> | null = null;
  const readBundle = () => (bytes ??= readBlob(blobId).then((b) => new Uint8Array(b)));
  try {
    return await runOn(auth, version, readBundle, inputs, batch, topK);
  } catch (e) {
    if (isBrokenModelError(e)) throw brokenModel();
    throw e;
  }
}

async function runOn(
  auth: AuthorizedKey,
  version: NonNullable<AuthorizedKey["activeVersion"]>,
  readBundle: () => Promise<Uint8Array>,
  inputs: unknown[],
  batch: boolean,
  topK: number,
): Promise<PredictOutcome> {
  if (hasSharedBundle(version.id) || (await mediaKindOf(version.id, readBundle))) {
    const answers = await predictOnThread({ versionId: version.id, inputs, batch, topK }, readBundle);
    return { modelVersion: version.number, ...answers };
  }
  return withPredictor(version.id, readBundle, async (p) => {
    const decorate: DecorateClasses | undefined = auth.intentBot
      ? async (items, texts) => {
          const templates = await replyTemplatesOf(auth.projectId, auth.intentBot!);
          if (!templates) return;
          const found = await extractEntities(templates.entityModel, texts);
          items.forEach((it, i) => {
            it.entities = found[i];
            it.reply = templates.replyFor(it.label, found[i]);
          });
        }
      : undefined;
    const answers = await answerInputs(p, inputs, batch, topK, decorate);
    return { modelVersion: version.number, ...answers };
  });
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
