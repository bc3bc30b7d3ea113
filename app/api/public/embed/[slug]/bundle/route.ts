import { handler } from "@/lib/server/http";
import { bundleCacheControl, bundlePart, readEmbedBundle } from "@/lib/server/sharing";
import { embedCaller } from "@/lib/server/request-origin";

/**
 * The model for an allowed page; ?part=entities: the entity model its replies use, ?v= its content
 * tag for caching in the visitor's browser (both as for the share link).
 */
export const GET = handler({ auth: false }, async ({ req, params }) => {
  const caller = embedCaller(req);
  const { stream, size, tag } = await readEmbedBundle(params.slug, caller.origin, caller.self, bundlePart(req.nextUrl.searchParams.get("part")));
  return new Response(stream, {
    headers: {
      "content-type": "application/vnd.ai-mass-studio.model-bundle",
      "content-length": String(size),
      "cache-control": bundleCacheControl(req.nextUrl.searchParams.get("v"), tag),
      etag: `"${tag}"`,
      vary: "Origin",
    },
  });
});
