import "server-only";
import { ApiError } from "./errors";

/**
 * The public API is called with a Bearer key, never with cookies, so any origin may call it (a
 * browser app of the owner, or a server); no same-origin check as on the studio routes.
 */
export const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After",
};

export function preflight(methods: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...CORS_HEADERS,
      "access-control-allow-methods": `${methods}, OPTIONS`,
      "access-control-allow-headers": "Authorization, Content-Type",
      "access-control-max-age": "86400",
    },
  });
}

export function apiJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...CORS_HEADERS, "cache-control": "no-store", ...headers } });
}

export function apiErrorResponse(err: ApiError, extraHeaders: Record<string, string> = {}): Response {
  // A refused body may still be arriving: closing the connection stops it (see lib/server/body.ts).
  const close: Record<string, string> = err.status === 413 ? { connection: "close" } : {};
  return apiJson({ error: { code: err.code, message: err.message } }, err.status, { ...extraHeaders, ...err.headers, ...close });
}

type Params = { params: Promise<Record<string, string>> };

/**
 * Wraps a /api/v1 handler: ApiError → its JSON error; anything else is logged and becomes a 500.
 * A plain Request: scripts/direct-lane.mjs calls the predict handler without Next.
 */
export function apiRoute(fn: (req: Request, params: Record<string, string>) => Promise<Response>) {
  return async (req: Request, ctx: Params): Promise<Response> => {
    try {
      return await fn(req, (await ctx?.params) ?? {});
    } catch (err) {
      if (err instanceof ApiError) return apiErrorResponse(err);
      console.error(`[api/v1] ${req.method} ${new URL(req.url).pathname} failed:`, err);
      return apiErrorResponse(new ApiError("internal", "Something went wrong on our side. Please try again."));
    }
  };
}
