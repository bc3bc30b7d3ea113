import { z } from "zod";
import { labelSchema } from "./dataset";

/** Longest input text kept for monitoring (the chat input allows the same). */
export const MAX_EVENT_INPUT = 2000;
/** Most items one bulk "add to dataset" takes. */
export const MAX_BULK_ADD = 200;

const id = z.string().min(1).max(64);
const inputText = z.string().trim().min(1, { error: "errors.textRequired" }).max(MAX_EVENT_INPUT, { error: "errors.inputTooLong" });

/** One prediction the owner's Playground made (channel "playground"). */
export const predictionEventSchema = z.object({
  modelVersionId: id.nullish(),
  label: z.string().max(200).nullish(),
  confidence: z.number().min(0).max(1).nullish(),
  latencyMs: z.number().min(0).max(600_000),
  fallback: z.boolean().default(false),
  input: inputText.nullish(),
});

/** Correct / wrong for an answer: by the event it came from, or by raw input. */
export const feedbackSchema = z
  .object({
    eventId: id.optional(),
    input: inputText.optional(),
    predictedLabel: z.string().max(200).optional(),
    correct: z.boolean(),
    correctLabel: labelSchema.optional(),
  })
  .refine((v) => v.eventId !== undefined || v.input !== undefined, { error: "errors.eventOrInput", path: ["input"] })
  .refine((v) => v.correct || v.correctLabel !== undefined, { error: "errors.correctLabelRequired", path: ["correctLabel"] });

/** Several feedback entries and/or low-confidence predictions (with a chosen label) at once. */
export const bulkAddSchema = z
  .object({
    feedbackIds: z.array(id).max(MAX_BULK_ADD).default([]),
    events: z.array(z.object({ eventId: id, label: labelSchema })).max(MAX_BULK_ADD).default([]),
  })
  .refine((v) => v.feedbackIds.length + v.events.length > 0, { error: "errors.nothingSelected" })
  .refine((v) => v.feedbackIds.length + v.events.length <= MAX_BULK_ADD, { error: "errors.tooManyItems" });

export const CHANNELS = ["playground", "share", "embed", "api"] as const;
export type Channel = (typeof CHANNELS)[number];
