import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { embedCaller, embedParentOrigin, parseOriginParam, selfOrigin } from "./request-origin";

const SHOP = "https://shop.example";
const EVIL = "https://evil.example";
const req = (url: string, headers: Record<string, string> = {}) => new NextRequest(url, { headers: { host: "localhost:3000", ...headers } });
const h = (headers: Record<string, string>) => new Headers(headers);

afterEach(() => {
  delete process.env.STUDIO_PUBLIC_URL;
});

describe("?origin= of an embed (one parser for proxy.ts, the embed page and the embed API)", () => {
  it("absent, one exact origin, or refused when malformed or given more than once", () => {
    expect(parseOriginParam([])).toEqual({ given: false });
    expect(parseOriginParam(["HTTPS://Shop.Example/"])).toEqual({ given: true, origin: SHOP });
    expect(parseOriginParam(["https://*.example"])).toEqual({ given: true, origin: null });
    expect(parseOriginParam([""])).toEqual({ given: true, origin: null });
    expect(parseOriginParam([SHOP, EVIL])).toEqual({ given: true, origin: null });
    expect(parseOriginParam([SHOP, SHOP])).toEqual({ given: true, origin: null });
  });

  it("the parent page: ?origin=, else the Referer; a duplicate, a malformed value or a contradicting Referer names nobody", () => {
    expect(embedParentOrigin([SHOP], h({}))).toBe(SHOP);
    expect(embedParentOrigin([SHOP], h({ referer: `${SHOP}/cart` }))).toBe(SHOP);
    expect(embedParentOrigin([], h({ referer: `${SHOP}/cart?x=1` }))).toBe(SHOP);
    expect(embedParentOrigin([], h({}))).toBeNull();
    expect(embedParentOrigin([SHOP, EVIL], h({}))).toBeNull();
    expect(embedParentOrigin([EVIL, SHOP], h({ referer: `${EVIL}/` }))).toBeNull();
    expect(embedParentOrigin([SHOP], h({ referer: `${EVIL}/` }))).toBeNull();
    expect(embedParentOrigin(["nonsense"], h({ referer: `${SHOP}/` }))).toBeNull();
    expect(embedParentOrigin([], h({ referer: "file:///etc/passwd" }))).toBeNull();
  });

  it("the embed API: a cross-origin caller by its Origin header; the widget's own requests by ?origin=, duplicates refused", () => {
    expect(embedCaller(req(`http://localhost:3000/api/public/embed/x`, { origin: SHOP }))).toMatchObject({ origin: SHOP, crossOrigin: true });
    expect(embedCaller(req(`http://localhost:3000/api/public/embed/x?origin=${encodeURIComponent(SHOP)}`))).toMatchObject({ origin: SHOP, crossOrigin: false });
    const dup = embedCaller(req(`http://localhost:3000/api/public/embed/x?origin=${encodeURIComponent(SHOP)}&origin=${encodeURIComponent(EVIL)}`));
    expect(dup).toMatchObject({ origin: null, crossOrigin: false });
  });
});

describe("the studio's own origin", () => {
  it("comes from the Host header; X-Forwarded-Host/-Proto count only from a trusted proxy", () => {
    const forged = { "x-forwarded-host": "attacker.example", "x-forwarded-proto": "https", "x-studio-peer": "203.0.113.5" };
    expect(selfOrigin(req("http://localhost:3000/embed/x", forged))).toBe("http://localhost:3000");
    expect(selfOrigin(req("http://localhost:3000/embed/x", { host: "bad host" }))).toBeNull();
    process.env.STUDIO_TRUSTED_PROXIES = "127.0.0.1";
    try {
      expect(selfOrigin(req("http://localhost:3000/embed/x", forged))).toBe("http://localhost:3000");
      expect(selfOrigin(req("http://localhost:3000/embed/x", { ...forged, "x-forwarded-host": "studio.example", "x-studio-peer": "127.0.0.1" }))).toBe("https://studio.example");
    } finally {
      delete process.env.STUDIO_TRUSTED_PROXIES;
    }
  });

  it("is STUDIO_PUBLIC_URL when configured, whatever the request says", () => {
    process.env.STUDIO_PUBLIC_URL = "https://studio.example";
    expect(selfOrigin(req("http://localhost:3000/embed/x", { host: "attacker.example", "x-forwarded-host": "attacker.example", "x-forwarded-proto": "http" }))).toBe(
      "https://studio.example",
    );
  });
});
