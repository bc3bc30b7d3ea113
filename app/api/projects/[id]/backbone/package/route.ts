import { handler } from "@/lib/server/http";
import { readCustomBackbonePackage } from "@/lib/server/custom-backbones";

// The checked package of the project's uploaded backbone, for the owner's own browser (the
// settings check and training). Content-addressed: with ?v=<its hash> the response is cached as immutable.
export const GET = handler({}, async ({ req, user, params }) => {
  const { bytes, contentHash } = await readCustomBackbonePackage(user!.id, params.id);
  const versioned = req.nextUrl.searchParams.get("v") === contentHash;
  return new Response(bytes as BodyInit, {
    headers: {
      "content-type": "application/octet-stream",
      "cache-control": versioned ? "private, max-age=31536000, immutable" : "private, no-cache",
      etag: `"${contentHash}"`,
      "x-content-type-options": "nosniff",
    },
  });
});
