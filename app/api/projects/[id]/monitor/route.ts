import { handler } from "@/lib/server/http";
import { getMonitor } from "@/lib/server/monitoring";

export const GET = handler({}, async ({ req, user, params }) => {
  const q = req.nextUrl.searchParams;
  const days = Number(q.get("days"));
  return getMonitor(user!.id, params.id, { version: q.get("version") || null, days: Number.isFinite(days) && days > 0 ? days : undefined });
});
