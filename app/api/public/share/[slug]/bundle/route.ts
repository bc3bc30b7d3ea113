import { handler } from "@/lib/server/http";
import { bundleCacheControl, bundlePart, readShareBundle } from "@/lib/server/sharing";

// Every request checks the link (a disabled or rotated link stops serving at once). ?v=<the
// bundle's content tag> (the page's URL has it): kept in the visitor's browser, immutable, so a
// returning visitor does not download the model again; without it, or with an old tag, no-store.
// ?part=entities: the entity model the intent bot's reply templates use, only while the bot links
// it and both projects have the same owner (404 otherwise).
export const GET = handler({ auth: false }, async ({ req, params }) => {
  const { stream, size, tag } = await readShareBundle(params.slug, bundlePart(req.nextUrl.searchParams.get("part")));
  return new Response(stream, {
    headers: {
      "content-type": "application/vnd.ai-mass-studio.model-bundle",
      "content-length": String(size),
      "cache-control": bundleCacheControl(req.nextUrl.searchParams.get("v"), tag),
      etag: `"${tag}"`,
    },
  });
});
