import { readOwnedBlob } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

// Only files used by a sample of the caller's own project; served as inert downloads of their
// sniffed type, never as HTML.
export const GET = handler({}, async ({ user, params }) => {
  const { stream, size, mime } = await readOwnedBlob(user!.id, params.id, params.blobId);
  return new Response(stream, {
    headers: {
      "content-type": mime,
      "content-length": String(size),
      "cache-control": "private, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
});
