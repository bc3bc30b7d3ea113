import { handler } from "@/lib/server/http";
import { bundlePart, readShareBundle } from "@/lib/server/sharing";

// Not cached: a disabled or rotated link must stop serving the model at once.
// ?part=entities: the entity model the intent bot's reply templates use, only while the bot links
// it and both projects have the same owner (404 otherwise).
export const GET = handler({ auth: false }, async ({ req, params }) => {
  const { stream, size } = await readShareBundle(params.slug, bundlePart(req.nextUrl.searchParams.get("part")));
  return new Response(stream, {
    headers: { "content-type": "application/vnd.ai-mass-studio.model-bundle", "content-length": String(size), "cache-control": "no-store" },
  });
});
