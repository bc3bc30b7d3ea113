import { projectSettingsSchema } from "@/lib/schemas/dataset";
import { setLocalDataOnly } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const PATCH = handler({ schema: projectSettingsSchema }, async ({ user, params, input }) =>
  setLocalDataOnly(user!.id, params.id, input.localDataOnly),
);
