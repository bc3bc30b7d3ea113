import { readiness } from "@/lib/server/health";

/** Readiness: 200 when the database, Redis (if configured) and blob storage answer; else 503. */
export const dynamic = "force-dynamic";

export async function GET() {
  const r = await readiness();
  return Response.json(r, { status: r.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
