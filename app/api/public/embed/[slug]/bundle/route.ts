import { handler } from "@/lib/server/http";
import { readEmbedBundle } from "@/lib/server/sharing";
import { embedCaller } from "@/lib/server/request-origin";

export const GET = handler({ auth: false }, async ({ req, params }) => {
  const caller = embedCaller(req);
  const bytes = await readEmbedBundle(params.slug, caller.origin, caller.self);
  return new Response(new Uint8Array(bytes), {
    headers: { "content-type": "application/vnd.ai-mass-studio.model-bundle", "cache-control": "no-store", vary: "Origin" },
  });
});
