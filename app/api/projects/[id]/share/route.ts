import { updateShareSchema } from "@/lib/schemas/sharing";
import { handler } from "@/lib/server/http";
import { getShareLink, updateShareLink } from "@/lib/server/sharing";

export const GET = handler({}, async ({ user, params }) => ({ share: await getShareLink(user!.id, params.id) }));

export const PATCH = handler({ schema: updateShareSchema }, async ({ user, params, input }) => ({
  share: await updateShareLink(user!.id, params.id, input),
}));
