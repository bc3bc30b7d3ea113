import "server-only";
import type { NextRequest } from "next/server";
import { normaliseOrigin } from "@/lib/schemas/sharing";
import { requestHost } from "./client-address";
import { isSecureRequest } from "./http";
import { configuredPublicOrigin } from "./public-url";

/** Request header proxy.ts sets on every page request (a client-sent value is dropped): selfOrigin(req). */
export const SELF_ORIGIN_HEADER = "x-ams-self-origin";

/**
 * This app's own origin as the browser sees it: STUDIO_PUBLIC_URL when set, else the host and
 * scheme the request came with (requestHost and isSecureRequest: X-Forwarded-Host/-Proto only from
 * a trusted proxy, else the Host header and the connection). The result is used only to recognise
 * the studio's own pages (the Share tab's live preview of the embed, visitor events from it),
 * never written into a response that is cached or shown to others, so a forged Host header only
 * fools the one who forged it.
 */
export function selfOrigin(req: NextRequest): string | null {
  const configured = configuredPublicOrigin();
  if (configured) return configured;
  const host = requestHost(req.headers);
  if (!host || !/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return null;
  try {
    return new URL(`${isSecureRequest(req) ? "https:" : "http:"}//${host}`).origin;
  } catch {
    return null;
  }
}

/** The origin part of a Referer header (http or https only), or null. */
export function refererOrigin(headers: Headers): string | null {
  const referer = headers.get("referer");
  if (!referer) return null;
  try {
    const url = new URL(referer);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * The one reading of an embed's `?origin=` (all its values, in order): absent, or one valid
 * origin, or refused (`origin: null`) when it is not an exact http(s) origin or is given more than
 * once. Reading only the first or only the last value of a duplicated parameter is how the frame
 * header and the page once disagreed; a duplicate is never what embed.js sends.
 */
export function parseOriginParam(values: readonly string[]): { given: false } | { given: true; origin: string | null } {
  if (values.length === 0) return { given: false };
  if (values.length > 1) return { given: true, origin: null };
  return { given: true, origin: normaliseOrigin(values[0]) };
}

/** All values of `?origin=` from a page's searchParams object. */
export function originParamValues(query: Record<string, string | string[] | undefined>): string[] {
  const v = query.origin;
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * The page an /embed/<slug> document is framed by, or null when it cannot be known for sure:
 * `?origin=` (set by embed.js), else the Referer's origin. When both are present they must agree.
 * proxy.ts names exactly this origin in frame-ancestors and the page renders the model only for
 * it (when it is on the owner's list), so the two can never disagree.
 */
export function embedParentOrigin(originValues: readonly string[], headers: Headers): string | null {
  const param = parseOriginParam(originValues);
  const referer = refererOrigin(headers);
  if (!param.given) return referer ? normaliseOrigin(referer) : null;
  if (!param.origin) return null;
  if (referer && normaliseOrigin(referer) !== param.origin) return null;
  return param.origin;
}

/**
 * Which page is asking the embed API routes. A cross-origin caller (embed.js on the host page) is
 * known by the Origin header the browser sets; our own iframe is same-origin and names its parent
 * page in ?origin= (which the embed page checked against the Referer before rendering), read by
 * the same parser as the page and proxy.ts.
 */
export function embedCaller(req: NextRequest): { origin: string | null; self: string | null; crossOrigin: boolean } {
  const self = selfOrigin(req);
  const header = req.headers.get("origin");
  if (header && header !== self) return { origin: header, self, crossOrigin: true };
  const param = parseOriginParam(req.nextUrl.searchParams.getAll("origin"));
  return { origin: param.given ? param.origin : null, self, crossOrigin: false };
}
