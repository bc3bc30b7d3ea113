import { afterEach, describe, expect, it } from "vitest";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { call } from "@/tests/route-helpers";

/*
 * The document is cached publicly for 5 minutes, so nothing a caller sends may change it: a forged
 * host would point every client generated from a shared cache (and the keys sent with it) at the
 * forger.
 */

const forged = {
  host: "attacker.example",
  "x-forwarded-host": "attacker.example",
  "x-forwarded-proto": "https",
  forwarded: "host=attacker.example;proto=https",
  "x-studio-peer": "127.0.0.1",
};
const get = (headers: Record<string, string> = {}) => call(openApiRoute as never, { method: "GET", url: "http://localhost:3000/api/v1/openapi.json", headers });

afterEach(() => {
  delete process.env.STUDIO_PUBLIC_URL;
  delete process.env.STUDIO_TRUSTED_PROXIES;
});

describe("GET /api/v1/openapi.json servers", () => {
  it("without STUDIO_PUBLIC_URL: a relative server; forged Host and X-Forwarded-Host/Proto appear nowhere", async () => {
    const plain = await get();
    expect(plain.json.servers).toEqual([{ url: "/api/v1" }]);
    // Even from a trusted proxy: the document never depends on the request.
    for (const proxies of [undefined, "127.0.0.1"]) {
      if (proxies) process.env.STUDIO_TRUSTED_PROXIES = proxies;
      const r = await get(forged);
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.json)).not.toContain("attacker");
      expect(r.json).toEqual(plain.json);
      expect(r.res.headers.get("cache-control")).toBe("public, max-age=300");
    }
  });

  it("with STUDIO_PUBLIC_URL: exactly that origin, whatever the request says", async () => {
    process.env.STUDIO_PUBLIC_URL = "https://studio.example/";
    for (const headers of [{}, forged]) {
      const r = await get(headers);
      expect(r.json.servers).toEqual([{ url: "https://studio.example/api/v1" }]);
      expect(JSON.stringify(r.json)).not.toContain("attacker");
    }
  });
});
