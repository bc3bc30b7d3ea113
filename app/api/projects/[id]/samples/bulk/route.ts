import { bulkSamplesSchema } from "@/lib/schemas/dataset";
import { bulkSamples } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const POST = handler({ schema: bulkSamplesSchema }, async ({ user, params, input }) => bulkSamples(user!.id, params.id, input));
