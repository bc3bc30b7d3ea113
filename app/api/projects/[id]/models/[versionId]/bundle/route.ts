import { handler } from "@/lib/server/http";
import { readModelBundle } from "@/lib/server/models";

export const GET = handler({}, async ({ user, params }) => {
  const bytes = await readModelBundle(user!.id, params.id, params.versionId);
  return new Response(new Uint8Array(bytes), {
    headers: { "content-type": "application/vnd.ai-mass-studio.model-bundle", "cache-control": "private, max-age=31536000, immutable" },
  });
});
