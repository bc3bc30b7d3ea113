import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { predictSlug } from "./direct-lane.mjs";

describe("the direct lane takes exactly the REST API's predict calls", () => {
  it("takes POST /api/v1/models/{slug}/predict, with or without a query", () => {
    expect(predictSlug("POST", "/api/v1/models/Ab3_-x9/predict")).toBe("Ab3_-x9");
    expect(predictSlug("POST", "/api/v1/models/Ab3_-x9/predict?debug=1")).toBe("Ab3_-x9");
  });

  it("leaves everything else to Next: other methods, paths, encoded or odd slugs", () => {
    for (const [method, url] of [
      ["OPTIONS", "/api/v1/models/abc/predict"],
      ["GET", "/api/v1/models/abc/predict"],
      ["POST", "/api/v1/models/abc/predict/"],
      ["POST", "/api/v1/models/abc/predictx"],
      ["POST", "/api/v1/models//predict"],
      ["POST", "/api/v1/models/a%2Fb/predict"],
      ["POST", "/api/v1/models/a/b/predict"],
      ["POST", "//api/v1/models/abc/predict"],
      ["POST", "/api/v1/openapi.json"],
      ["POST", `/api/v1/models/${"a".repeat(101)}/predict`],
    ]) {
      expect(predictSlug(method, url), `${method} ${url}`).toBeNull();
    }
  });
});
