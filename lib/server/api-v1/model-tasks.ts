import { PredictorError, type Predictor, type PredictorInput } from "@/lib/ml/predictor";
import type { BundleManifest } from "@/lib/ml/bundle";
import type { EntityMention, TabularRow } from "@/lib/ml/types";
import { SPEECH_BACKBONE_ID } from "@/lib/ml/backbones/speech";
import { decodeWavClip } from "@/lib/ml/voice/clip";
import { NODE_BACKBONES } from "./backbones";
import { ApiError } from "./errors";
import { decodeImageInput } from "./images";

/*
 * What the REST API does with a loaded model, free of the database and of "server-only": input
 * checks per kind, running the model's task, and per-item answers. The request thread uses it for
 * light models (text, tables, ids); the inference worker threads (inference-worker.ts) for pictures
 * and voice clips.
 */

export const MAX_TEXT_CHARS = 10_000;

const nodeBackboneAvailable = (id: string | undefined) => !!id && NODE_BACKBONES.includes(id);

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

export type ApiInputKind = "text" | "tabular" | "ids" | "clip" | "image";

/** What kind of input a loaded model takes through the API, or null when the API cannot run it. */
export function apiInputKind(p: Predictor): ApiInputKind | null {
  if (p.inputKind === "text" || p.inputKind === "tabular" || p.inputKind === "ids") return p.inputKind;
  return mediaInputKind(p.inputKind, p.manifest);
}

/**
 * Pictures and clips, from a model's input kind and manifest (readable without loading the model):
 * these are decoded and run on the inference threads.
 */
export function mediaInputKind(inputKind: Predictor["inputKind"], m: BundleManifest): "clip" | "image" | null {
  if (m.backbone?.id === SPEECH_BACKBONE_ID && nodeBackboneAvailable(m.backbone.id)) return "clip";
  const takesImages = inputKind === "image" || (inputKind === "features" && m.backbone !== null && m.scene.startsWith("image"));
  // A user-supplied backbone travels inside the bundle, so the server can always run it.
  if (takesImages && (inputKind === "image" || nodeBackboneAvailable(m.backbone?.id) || m.backbone?.custom)) return "image";
  return null;
}

/** A stored bundle that cannot be loaded (its layers do not match its weights, or it is damaged). */
export function brokenModel(): ApiError {
  return new ApiError("unsupported_model", "This model version cannot be loaded: its file is damaged or its layers do not match its weights. Train the model again and save a new version.");
}

/** Whether an error from loading a bundle means the bundle itself is broken (by the error's name, so it survives a worker thread). */
export const isBrokenModelError = (e: unknown) => e instanceof Error && (e.name === "ModelShapeError" || e.name === "BundleError");

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

/** What answering the inputs gives, before the model version is named. */
export type Answers = Omit<PredictOutcome, "modelVersion">;

export const itemError = (e: ApiError): ItemError => ({ error: { code: e.code, message: e.message } });
export const isItemError = (it: PredictItem | ItemError): it is ItemError => "error" in it;

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

/** Inputs the model refuses one at a time (a bad value, an unknown user or item). */
export function inputProblem(e: unknown): ApiError | null {
  if (e instanceof PredictorError && (e.code === "bad-input" || e.code === "unknown-user" || e.code === "unknown-item")) return new ApiError("invalid_input", e.message);
  return null;
}

/**
 * Adds fields to classification answers of text (an intent bot's entities and filled reply), given
 * the texts; runs on the request thread, which can reach the database.
 */
export type DecorateClasses = (items: ClassItem[], texts: string[]) => Promise<void>;

/** Runs the model's task on valid inputs; latency per item is the batch's time divided by its size. */
export async function runTask(p: Predictor, valid: PredictorInput[], topK: number, started: number, decorate?: DecorateClasses): Promise<PredictItem[]> {
  const per = (n: number) => round3((performance.now() - started) / Math.max(1, n));
  switch (p.task) {
    case "classification": {
      const out = await p.predict(valid, { topK });
      const items: ClassItem[] = out.map((o) => ({ label: o.label, confidence: o.confidence, topK: o.topK, latencyMs: 0 }));
      if (decorate && p.inputKind === "text") await decorate(items, valid as string[]);
      const ms = per(out.length);
      for (const it of items) it.latencyMs = ms;
      return items;
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


/**
 * Answers the inputs with a loaded model. A single input that the model cannot take throws its
 * ApiError (400); in a batch each input gets its own answer or error, and an input the model
 * refuses while running (an unknown user, say) is found by answering the batch one by one.
 */
export async function answerInputs(p: Predictor, inputs: unknown[], batch: boolean, topK: number, decorate?: DecorateClasses): Promise<Answers> {
  const started = performance.now(); // model time includes decoding pictures and clips
  const checked = checkInputs(p, inputs, batch);
  if (!batch && !checked[0].ok) throw checked[0].error;
  const items: (PredictItem | ItemError)[] = checked.map((c) => (c.ok ? (null as unknown as PredictItem) : itemError(c.error)));
  const todo = checked.flatMap((c, i) => (c.ok ? [{ i, input: c.input }] : []));
  if (todo.length) {
    try {
      const out = await runTask(p, todo.map((t) => t.input), topK, started, decorate);
      todo.forEach((t, k) => (items[t.i] = out[k]));
    } catch (e) {
      const problem = inputProblem(e);
      if (!problem) throw e;
      if (!batch) throw problem;
      for (const t of todo) {
        try {
          items[t.i] = (await runTask(p, [t.input], topK, performance.now(), decorate))[0];
        } catch (one) {
          const p1 = inputProblem(one);
          if (!p1) throw one;
          items[t.i] = itemError(p1);
        }
      }
    }
  }
  return { items, latencyMs: round3(performance.now() - started) };
}
