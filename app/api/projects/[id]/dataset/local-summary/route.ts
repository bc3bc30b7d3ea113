import { localSummarySchema } from "@/lib/schemas/local-summary";
import { saveLocalSummary } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

/**
 * "Keep training data on this device only": the browser reports counts per label and a checksum of
 * the examples it keeps, never the examples. The answer is the dataset version that records them.
 */
export const PUT = handler({ schema: localSummarySchema }, async ({ user, params, input }) => saveLocalSummary(user!.id, params.id, input));
