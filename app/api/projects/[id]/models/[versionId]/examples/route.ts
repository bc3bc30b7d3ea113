import { z } from "zod";
import { handler } from "@/lib/server/http";
import { setEvaluationExamples } from "@/lib/server/models";

const schema = z.object({
  cells: z.record(z.string().regex(/^\d+:\d+$/).max(20), z.array(z.string().min(1).max(64)).max(50)).refine((c) => Object.keys(c).length <= 2500),
});

export const PUT = handler({ schema }, async ({ user, params, input }) => {
  await setEvaluationExamples(user!.id, params.id, params.versionId, input.cells);
  return { ok: true };
});
