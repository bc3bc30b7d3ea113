import { updateEmbedSchema } from "@/lib/schemas/sharing";
import { handler } from "@/lib/server/http";
import { getEmbedSettings, updateEmbedSettings } from "@/lib/server/sharing";

export const GET = handler({}, async ({ user, params }) => ({ embed: await getEmbedSettings(user!.id, params.id) }));

export const PATCH = handler({ schema: updateEmbedSchema }, async ({ user, params, input }) => ({
  embed: await updateEmbedSettings(user!.id, params.id, input),
}));
