import { afterEach, describe, expect, it } from "vitest";
import { PublicUrlError, configuredPublicOrigin, parsePublicUrl } from "./public-url";

describe("STUDIO_PUBLIC_URL", () => {
  afterEach(() => {
    delete process.env.STUDIO_PUBLIC_URL;
  });

  it("is an absolute http(s) origin, normalised; unset or blank means none", () => {
    expect(parsePublicUrl(undefined)).toBeNull();
    expect(parsePublicUrl("  ")).toBeNull();
    expect(parsePublicUrl("https://Studio.Example")).toBe("https://studio.example");
    expect(parsePublicUrl("HTTPS://studio.example:443/")).toBe("https://studio.example");
    expect(parsePublicUrl("http://127.0.0.1:3000")).toBe("http://127.0.0.1:3000");
  });

  it("refuses what would make links wrong: relative, other schemes, paths, queries, credentials", () => {
    for (const bad of ["studio.example", "/studio", "ftp://studio.example", "javascript:alert(1)", "https://studio.example/studio", "https://studio.example/?a=1", "https://studio.example/#x", "https://user:pw@studio.example"]) {
      expect(() => parsePublicUrl(bad), bad).toThrow(PublicUrlError);
    }
    expect(() => parsePublicUrl("https://studio.example/app")).toThrow(/without a path/);
  });

  it("is read from the environment, and a bad value fails with its message", () => {
    expect(configuredPublicOrigin()).toBeNull();
    process.env.STUDIO_PUBLIC_URL = "https://studio.example/";
    expect(configuredPublicOrigin()).toBe("https://studio.example");
    process.env.STUDIO_PUBLIC_URL = "studio.example";
    expect(() => configuredPublicOrigin()).toThrow(/STUDIO_PUBLIC_URL must be an absolute URL/);
  });
});
