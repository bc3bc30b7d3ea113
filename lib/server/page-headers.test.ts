import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import { getScriptNonceFromHeader } from "next/dist/server/app-render/get-script-nonce-from-header";

/* proxy.ts as Next runs it for a page request: the response headers and the headers the page sees. */

const SHOP = "https://shop.example";
const EVIL = "https://evil.example";

function run(path: string, headers: Record<string, string> = {}) {
  const res = proxy(new NextRequest(`http://localhost:3000${path}`, { headers: { host: "localhost:3000", ...headers } }));
  // NextResponse.next({ request: { headers } }) passes the page's request headers as x-middleware-request-*.
  const pageHeader = (name: string) => res.headers.get(`x-middleware-request-${name}`);
  return { res, csp: res.headers.get("content-security-policy") ?? "", pageHeader };
}

const directive = (csp: string, name: string) => csp.split(";").map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? "";

afterEach(() => {
  delete process.env.STUDIO_PUBLIC_URL;
  delete process.env.STUDIO_TRUSTED_PROXIES;
});

describe("Content-Security-Policy of pages", () => {
  it("every page kind gets a strict policy with a fresh nonce that Next reads from the request", () => {
    const nonces = new Set<string>();
    for (const path of ["/", "/signin", "/signup", "/projects", "/projects/abc/train", "/m/AAAAAAAAAAAAAAAAAAAAAA", "/embed/AAAAAAAAAAAAAAAAAAAAAA"]) {
      const { csp, pageHeader } = run(path, { cookie: "ams_session=x" });
      const nonce = getScriptNonceFromHeader(csp);
      expect(nonce, path).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      nonces.add(nonce!);
      // The page renders with the same policy, so Next's scripts carry this very nonce.
      expect(pageHeader("content-security-policy"), path).toBe(csp);
      expect(directive(csp, "script-src"), path).toBe(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'`);
      expect(directive(csp, "object-src")).toBe("object-src 'none'");
      expect(directive(csp, "base-uri")).toBe("base-uri 'self'");
      expect(directive(csp, "form-action")).toBe("form-action 'self'");
      expect(directive(csp, "connect-src")).toBe("connect-src 'self' blob:");
      expect(directive(csp, "worker-src")).toBe("worker-src 'self' blob:");
      expect(csp).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'|\*/);
      expect(directive(csp, "frame-ancestors"), path).toBe(path.startsWith("/embed/") ? "frame-ancestors 'self'" : "frame-ancestors 'none'");
    }
    expect(nonces.size).toBe(7);
  });

  it("a client cannot choose the nonce, the embed surface or the studio origin the page sees", () => {
    const { csp, pageHeader } = run("/", {
      "content-security-policy": "script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA=='",
      "x-ams-surface": "embed",
      "x-ams-self-origin": EVIL,
    });
    expect(getScriptNonceFromHeader(pageHeader("content-security-policy")!)).toBe(getScriptNonceFromHeader(csp));
    expect(csp).not.toContain("AAAAAAAAAAAAAAAAAAAAAA==");
    expect(pageHeader("x-ams-surface")).toBeNull();
    expect(pageHeader("x-ams-self-origin")).toBe("http://localhost:3000");
  });
});

describe("frame-ancestors of the embed", () => {
  it("names the page in ?origin= or the Referer", () => {
    expect(directive(run(`/embed/x?origin=${encodeURIComponent(SHOP)}`).csp, "frame-ancestors")).toBe(`frame-ancestors 'self' ${SHOP}`);
    expect(directive(run(`/embed/x`, { referer: `${SHOP}/p` }).csp, "frame-ancestors")).toBe(`frame-ancestors 'self' ${SHOP}`);
  });

  it("a duplicated ?origin= names no other origin, in either order and even with a matching Referer", () => {
    for (const q of [`origin=${encodeURIComponent(SHOP)}&origin=${encodeURIComponent(EVIL)}`, `origin=${encodeURIComponent(EVIL)}&origin=${encodeURIComponent(SHOP)}`]) {
      for (const headers of [{}, { referer: `${SHOP}/` }, { referer: `${EVIL}/` }] as Record<string, string>[]) {
        const { csp } = run(`/embed/x?${q}`, headers);
        expect(directive(csp, "frame-ancestors"), q).toBe("frame-ancestors 'self'");
      }
    }
  });

  it("a ?origin= the Referer contradicts names no other origin", () => {
    expect(directive(run(`/embed/x?origin=${encodeURIComponent(SHOP)}`, { referer: `${EVIL}/` }).csp, "frame-ancestors")).toBe("frame-ancestors 'self'");
  });
});

describe("Strict-Transport-Security", () => {
  it("is sent over https only: a trusted proxy's X-Forwarded-Proto or an https URL, never a client's own claim", () => {
    const hsts = (headers: Record<string, string>) => run("/signin", headers).res.headers.get("strict-transport-security");
    expect(hsts({ "x-studio-peer": "203.0.113.5" })).toBeNull();
    expect(hsts({ "x-studio-peer": "203.0.113.5", "x-forwarded-proto": "https" })).toBeNull();
    process.env.STUDIO_TRUSTED_PROXIES = "127.0.0.1";
    expect(hsts({ "x-studio-peer": "203.0.113.5", "x-forwarded-proto": "https" })).toBeNull();
    expect(hsts({ "x-studio-peer": "127.0.0.1", "x-forwarded-proto": "https" })).toBe("max-age=31536000; includeSubDomains");
    expect(hsts({ "x-studio-peer": "127.0.0.1", "x-forwarded-proto": "http" })).toBeNull();
    const https = proxy(new NextRequest("https://studio.example/m/x", { headers: { host: "studio.example" } }));
    expect(https.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  });

  it("is sent when STUDIO_PUBLIC_URL is https (TLS ends at a proxy), also on the sign-in redirect", () => {
    process.env.STUDIO_PUBLIC_URL = "https://studio.example";
    expect(run("/").res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    const redirect = run("/projects");
    expect(redirect.res.status).toBe(307);
    expect(redirect.res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    process.env.STUDIO_PUBLIC_URL = "http://studio.example";
    expect(run("/").res.headers.get("strict-transport-security")).toBeNull();
  });
});
