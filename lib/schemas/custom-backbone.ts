import { z } from "zod";
import { customBackboneSpecSchema } from "@/lib/ml/backbones/custom-package";

/**
 * What the owner's browser measured after loading the uploaded backbone with the chosen settings
 * (PATCH /api/projects/:id/backbone). The server checks it against the stored package.
 */
export { customBackboneSpecSchema };

export const saveCustomBackboneSpecSchema = z.object({
  spec: customBackboneSpecSchema,
  /** Milliseconds one test picture took in the owner's browser (shown again later). */
  testMs: z.number().min(0).max(600_000).nullable().optional(),
});
export type SaveCustomBackboneSpecInput = z.output<typeof saveCustomBackboneSpecSchema>;
