import { handler } from "@/lib/server/http";
import { readShareBundle } from "@/lib/server/sharing";

// Not cached: a disabled or rotated link must stop serving the model at once.
export const GET = handler({ auth: false }, async ({ params }) => {
  const bytes = await readShareBundle(params.slug);
  return new Response(new Uint8Array(bytes), {
    headers: { "content-type": "application/vnd.ai-mass-studio.model-bundle", "cache-control": "no-store" },
  });
});
