import { listSamples } from "@/lib/server/datasets";
import { handler } from "@/lib/server/http";

export const GET = handler({}, async ({ req, user, params }) => {
  const q = req.nextUrl.searchParams;
  return listSamples(user!.id, params.id, {
    label: q.has("label") ? (q.get("label") ?? "") : undefined,
    offset: Number(q.get("offset") ?? 0) || 0,
    limit: Number(q.get("limit") ?? 100) || 100,
  });
});
