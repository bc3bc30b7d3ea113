import { NextRequest } from "next/server";
import { expect } from "vitest";
import { POST as signUpRoute } from "@/app/api/auth/signup/route";

/** Calls a route handler the way Next does, with a real Request and the route's params. */
export type Route = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

let counter = 0;
export const uniqueEmail = () => `route-${Date.now()}-${counter++}@example.test`;

export async function call(
  route: Route,
  opts: {
    method?: string;
    body?: unknown;
    rawBody?: BodyInit;
    cookie?: string;
    headers?: Record<string, string>;
    params?: Record<string, string>;
    url?: string;
  } = {},
) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers["content-type"] ??= "application/json";
  if (opts.cookie) headers.cookie = opts.cookie;
  headers.host ??= "localhost:3000";
  const req = new NextRequest(opts.url ?? "http://localhost:3000/api/x", {
    method: opts.method ?? "POST",
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    // Node's fetch needs this for a streamed body.
    ...(opts.rawBody ? { duplex: "half" } : {}),
  } as ConstructorParameters<typeof NextRequest>[1]);
  const res = await route(req, { params: Promise.resolve(opts.params ?? {}) });
  const type = res.headers.get("content-type") ?? "";
  const json = type.includes("json") ? await res.json() : null;
  return { status: res.status, json, res };
}

export async function signUp(email = uniqueEmail(), password = "studio-pass-1") {
  const r = await call(signUpRoute, { body: { email, password } });
  expect(r.status).toBe(201);
  const cookie = r.res.headers.get("set-cookie")!.split(";")[0];
  return { email, password, cookie };
}
