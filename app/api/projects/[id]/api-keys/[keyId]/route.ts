import { revokeApiKey } from "@/lib/server/api-keys";
import { handler } from "@/lib/server/http";

/** Revokes the key: calls with it get 401 from now on. */
export const DELETE = handler({}, async ({ user, params }) => ({ key: await revokeApiKey(user!.id, params.id, params.keyId) }));
