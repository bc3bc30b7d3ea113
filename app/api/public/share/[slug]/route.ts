import { handler } from "@/lib/server/http";
import { getPublicShare } from "@/lib/server/sharing";

/** For visitors of /m/<slug>: what the page needs to show and run the model; no account. */
export const GET = handler({ auth: false }, async ({ params }) => {
  const model = await getPublicShare(params.slug);
  return Response.json({ model }, { headers: { "cache-control": "no-store" } });
});
