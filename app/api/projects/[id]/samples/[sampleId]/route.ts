import { updateSampleSchema } from "@/lib/schemas/dataset";
import { bulkSamples, updateSample } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const PATCH = handler({ schema: updateSampleSchema }, async ({ user, params, input }) =>
  updateSample(user!.id, params.id, params.sampleId, input),
);

export const DELETE = handler({}, async ({ user, params }) => bulkSamples(user!.id, params.id, { action: "delete", ids: [params.sampleId] }));
