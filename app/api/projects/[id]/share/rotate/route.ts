import { handler } from "@/lib/server/http";
import { rotateShareLink } from "@/lib/server/sharing";

/** A new random slug; the old link stops working at once. */
export const POST = handler({}, async ({ user, params }) => ({ share: await rotateShareLink(user!.id, params.id) }));
