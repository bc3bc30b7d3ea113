import { visitorEventSchema } from "@/lib/schemas/sharing";
import { handler } from "@/lib/server/http";
import { selfOrigin } from "@/lib/server/request-origin";
import { recordVisitorEvent } from "@/lib/server/sharing";

/** Share page and embed widget report each answer here, after showing it (fire and forget). */
export const POST = handler({ auth: false, schema: visitorEventSchema }, async ({ req, input, ip }) => {
  await recordVisitorEvent(input, ip, selfOrigin(req));
  return Response.json({ ok: true }, { status: 202 });
});
