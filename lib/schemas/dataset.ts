import { z } from "zod";

const column = z.string().min(1).max(200);

/** A confirmed column mapping, as lib/data/mapping.ts defines it. */
export const columnMappingSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: column, label: column, reply: column.optional() }),
  z.object({ kind: z.literal("faq"), question: column, answer: column, paraphrases: z.array(column).max(50) }),
  z.object({
    kind: z.literal("tabular"),
    target: column,
    features: z.array(column).max(500).optional(),
    task: z.enum(["classification", "regression"]).optional(),
  }),
  z.object({ kind: z.literal("ratings"), user: column, item: column, rating: column.optional() }),
  z.object({ kind: z.literal("image-tags"), file: column, tags: column }),
]);

export const importSchema = z.object({
  uploadId: z.string().regex(/^[0-9a-f]{64}$/, { error: "errors.uploadExpired" }),
  mapping: columnMappingSchema,
  /** "pasted-lines" when the upload was pasted text; otherwise detected from the content. */
  format: z.enum(["pasted-lines"]).optional(),
});

export const labelSchema = z.string({ error: "errors.classRequired" }).trim().min(1, { error: "errors.classRequired" }).max(100, { error: "errors.classTooLong" });

export const updateSampleSchema = z
  .object({ label: labelSchema.optional(), text: z.string().max(10_000).optional() })
  .refine((v) => v.label !== undefined || v.text !== undefined, { error: "errors.nothingToUpdate" });

export const bulkSamplesSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("delete"), ids: z.array(z.string().min(1).max(64)).min(1).max(1000) }),
  z.object({ action: z.literal("move"), ids: z.array(z.string().min(1).max(64)).min(1).max(1000), label: labelSchema }),
]);

export const addClassSchema = z.object({ label: labelSchema });

export const repliesSchema = z.object({ replies: z.record(z.string().max(100), z.string().max(2000)) });

export const projectSettingsSchema = z.object({ localDataOnly: z.boolean() });

/** The intent chatbot's answer settings: the fallback threshold and quick-reply buttons per intent. */
export const chatSettingsSchema = z.object({
  threshold: z.number().min(0).max(1),
  quickReplies: z.record(z.string().max(100), z.array(z.string().trim().min(1).max(60)).max(4)),
  /** Suggested first messages, shown as buttons before the visitor types anything. */
  suggestions: z.array(z.string().trim().min(1).max(80)).max(4).default([]),
  /**
   * The owner's entity-extraction project whose model fills {TYPE} placeholders in replies; null
   * unlinks; absent keeps the saved one. The server checks that it is the user's own.
   */
  entityProjectId: z.string().trim().min(1).max(64).nullable().optional(),
  /** Per entity type, the text used when the visitor's message has none; absent keeps the saved ones. */
  placeholderDefaults: z
    .record(z.string().min(1).max(100), z.string().max(200))
    .refine((v) => Object.keys(v).length <= 50, { error: "errors.invalidInput" })
    .optional(),
});
