import { handler } from "@/lib/server/http";
import { getPublicEmbed } from "@/lib/server/sharing";
import { embedCaller } from "@/lib/server/request-origin";

/**
 * For embed.js and the widget iframe: theme and model info, only for a page on an allowed origin.
 * CORS names that exact origin (never `*`); a refused origin gets no CORS header and no data.
 */
export const GET = handler({ auth: false }, async ({ req, params }) => {
  const caller = embedCaller(req);
  const embed = await getPublicEmbed(params.slug, caller.origin, caller.self);
  const headers: Record<string, string> = { "cache-control": "no-store", vary: "Origin" };
  if (caller.crossOrigin && caller.origin) headers["access-control-allow-origin"] = caller.origin;
  return Response.json({ embed }, { headers });
});
