import { z } from "zod";
import { handler } from "@/lib/server/http";
import { activateModelVersion, getModelVersion } from "@/lib/server/models";

export const GET = handler({}, async ({ user, params }) => ({ version: await getModelVersion(user!.id, params.id, params.versionId) }));

export const PATCH = handler({ schema: z.object({ active: z.literal(true) }) }, async ({ user, params }) => {
  await activateModelVersion(user!.id, params.id, params.versionId);
  return { version: await getModelVersion(user!.id, params.id, params.versionId) };
});
