import { handler } from "@/lib/server/http";
import { readModelBundle } from "@/lib/server/models";

export const GET = handler({}, async ({ user, params }) => {
  const { stream, size } = await readModelBundle(user!.id, params.id, params.versionId);
  return new Response(stream, {
    headers: { "content-type": "application/vnd.ai-mass-studio.model-bundle", "content-length": String(size), "cache-control": "private, max-age=31536000, immutable" },
  });
});
