/** Liveness: the process serves requests. Checks nothing else (see /api/health/ready). */
export const dynamic = "force-dynamic";

export const GET = () => Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
