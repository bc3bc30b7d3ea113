import { z } from "zod";

const count = z.number().int().min(0).max(10_000_000);

/**
 * What the browser may tell the server about training data kept on the device: how many examples,
 * how many per class, and a SHA-256 checksum of the content. Nothing else is accepted (strict), so
 * no example text, file or value can reach the server this way.
 */
export const localSummarySchema = z.strictObject({
  total: count,
  labelCounts: z
    .record(z.string().trim().min(1, { error: "errors.classRequired" }).max(100, { error: "errors.classTooLong" }), count)
    .refine((o) => Object.keys(o).length <= 1000, { error: "errors.invalidInput" }),
  checksum: z.string().regex(/^[0-9a-f]{64}$/, { error: "errors.invalidInput" }),
});

export type LocalSummaryInput = z.output<typeof localSummarySchema>;
