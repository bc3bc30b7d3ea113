import { z } from "zod";

export const API_KEY_NAME_MAX = 60;

export const createApiKeySchema = z.object({
  name: z
    .string({ error: "errors.apiKeyNameRequired" })
    .trim()
    .min(1, { error: "errors.apiKeyNameRequired" })
    .max(API_KEY_NAME_MAX, { error: "errors.apiKeyNameTooLong" }),
});
