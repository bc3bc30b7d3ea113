import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { LOCALE_COOKIE, isLocale, localeFromAcceptLanguage, type Locale } from "@/lib/i18n/config";
import { translate } from "@/lib/i18n/translate";
import { formatBytes } from "@/lib/data/messages";
import { MAX_JSON_DEPTH, parseJsonWithin } from "@/lib/data/json-depth";
import { SESSION_COOKIE, userFromSessionToken, type SessionUser } from "./auth";
import { readBodyText } from "./body";
import { clientAddress, clientLimitKey, requestHost, requestIsSecure } from "./client-address";
import { AppError } from "./errors";
import { configuredPublicOrigin } from "./public-url";

export const MAX_JSON_BYTES = 64 * 1024;

export interface HandlerContext<I> {
  req: NextRequest;
  input: I;
  user: SessionUser | null;
  locale: Locale;
  params: Record<string, string>;
  /**
   * Who is asking, for per-client limits: the TCP peer, or the client a trusted proxy names
   * (lib/server/client-address.ts); an IPv6 client as its /64 network.
   */
  ip: string;
}

interface HandlerOptions<S extends z.ZodType | undefined> {
  /** Validates the JSON body (or nothing for GET/DELETE). */
  schema?: S;
  /** Require a signed-in user (default true). */
  auth?: boolean;
  /** Leave the body unread: the handler streams it itself (file uploads). */
  rawBody?: boolean;
}

export function requestLocale(req: NextRequest): Locale {
  const c = req.cookies.get(LOCALE_COOKIE)?.value;
  return isLocale(c) ? c : localeFromAcceptLanguage(req.headers.get("accept-language"));
}

/** Whether the browser reached us over https (X-Forwarded-Proto counts only from a trusted proxy). */
export function isSecureRequest(req: NextRequest): boolean {
  return requestIsSecure(req.headers, req.nextUrl);
}

export function errorResponse(err: AppError, locale: Locale): NextResponse {
  const fields = Object.fromEntries(Object.entries(err.fields).map(([k, key]) => [k, translate(locale, key, err.params)]));
  // A refused body may still be arriving: closing the connection stops it (Node would otherwise
  // leave the rest unread on a kept-alive socket, or read and discard all of it).
  const headers = err.status === 413 ? { ...err.headers, connection: "close" } : err.headers;
  return NextResponse.json(
    { error: { code: err.code, message: translate(locale, err.messageKey, err.params), fields } },
    { status: err.status, headers },
  );
}

function validationError(issues: z.core.$ZodIssue[]): AppError {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.join(".") || "_";
    // Schemas name an i18n key as their message: "errors.x", or a feature's own "share.errors.x".
    const isKey = issue.message.startsWith("errors.") || /^[a-zA-Z]+\.errors\.[a-zA-Z]+$/.test(issue.message);
    if (!fields[path]) fields[path] = isKey ? issue.message : "errors.invalidInput";
  }
  const first = Object.values(fields)[0] ?? "errors.invalidInput";
  return new AppError("validation", first, { fields });
}

/** Rejects cross-site state changes: a browser always sends Origin on POST/PATCH/DELETE. */
function checkSameOrigin(req: NextRequest) {
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.get("origin");
  if (!origin) return; // non-browser clients (curl, tests) send no Origin; cookies are SameSite=Lax anyway
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new AppError("forbidden", "errors.crossSite");
  }
  // The configured public address is the studio itself, whatever a proxy in front forwards.
  if (url.origin === configuredPublicOrigin()) return;
  // Scheme and host (with port) must both match: http://studio.example is another origin than
  // https://studio.example, and a page there must not change anything here.
  const scheme = isSecureRequest(req) ? "https:" : "http:";
  if (url.protocol !== scheme || url.host !== requestHost(req.headers)) throw new AppError("forbidden", "errors.crossSite");
}

/** The JSON body: at most MAX_JSON_BYTES, read as it arrives (body.ts), and at most MAX_JSON_DEPTH deep. */
async function readJson(req: NextRequest, locale: Locale): Promise<unknown> {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "DELETE") return undefined;
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new AppError("unsupported_media_type", "errors.expectedJson");
  }
  const text = await readBodyText(req.body, {
    limitBytes: MAX_JSON_BYTES,
    contentLength: req.headers.get("content-length"),
    tooLarge: () => new AppError("payload_too_large", "errors.bodyTooLarge", { params: { limit: formatBytes(MAX_JSON_BYTES, locale) } }),
  });
  if (text.trim() === "") return {};
  const parsed = parseJsonWithin(text, MAX_JSON_DEPTH);
  if (parsed.ok) return parsed.value;
  if (parsed.reason === "too-deep") throw new AppError("validation", "errors.jsonTooDeep", { params: { limit: MAX_JSON_DEPTH } });
  throw new AppError("bad_request", "errors.malformedJson");
}

/**
 * The one wrapper for every studio route handler: same-origin check, JSON parsing and zod
 * validation, session lookup, and mapping of AppError to a JSON error in the user's language.
 */
export function handler<S extends z.ZodType | undefined = undefined>(
  opts: HandlerOptions<S>,
  fn: (ctx: HandlerContext<S extends z.ZodType ? z.output<S> : undefined>) => Promise<Response | unknown>,
) {
  return async (req: NextRequest, context: { params: Promise<Record<string, string>> }): Promise<Response> => {
    const locale = requestLocale(req);
    try {
      checkSameOrigin(req);
      const user = await userFromSessionToken(req.cookies.get(SESSION_COOKIE)?.value);
      if (opts.auth !== false && !user) throw new AppError("unauthenticated", "errors.signInRequired");
      // Only routes that take input read the body; the rest ignore it.
      const body = opts.schema && !opts.rawBody ? await readJson(req, locale) : undefined;
      let input: unknown = undefined;
      if (opts.schema) {
        const parsed = opts.schema.safeParse(body ?? {});
        if (!parsed.success) throw validationError(parsed.error.issues);
        input = parsed.data;
      }
      const params = (await context?.params) ?? {};
      const result = await fn({
        req,
        input: input as S extends z.ZodType ? z.output<S> : undefined,
        user,
        locale,
        params,
        ip: clientLimitKey(clientAddress(req.headers)),
      });
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true });
    } catch (err) {
      if (err instanceof AppError) return errorResponse(err, locale);
      console.error(`[api] ${req.method} ${req.nextUrl.pathname} failed:`, err);
      return errorResponse(new AppError("internal", "errors.internal"), locale);
    }
  };
}
