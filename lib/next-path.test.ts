import { describe, expect, it } from "vitest";
import { DEFAULT_NEXT_PATH, safeNextPath } from "./next-path";

/** Where a browser would go when sent to `target` from a page of this site. */
const browserOrigin = (target: string) => new URL(target, "http://127.0.0.1:3000/signin").origin;

describe("safeNextPath: where to go after signing in", () => {
  it.each([
    ["/projects", "/projects"],
    ["/projects/abc/data", "/projects/abc/data"],
    ["/projects/abc?tab=train#top", "/projects/abc?tab=train#top"],
    ["/projects/a%20b", "/projects/a%20b"],
    ["/projects/../settings", "/settings"],
    // Encoded slashes and backslashes stay inside one path segment on this site.
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["/projects?next=//evil.example", "/projects?next=//evil.example"],
  ])("keeps the same-site path %j", (raw, expected) => {
    expect(safeNextPath(raw)).toBe(expected);
  });

  it.each([
    // The two from the issue, as the page receives them (URL-decoded once).
    "/\\evil.example/x",
    "/\t/evil.example/x",
    // Protocol-relative and their disguises.
    "//evil.example",
    "///evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\u0000/evil.example",
    " //evil.example",
    "\t//evil.example",
    "/.//evil.example",
    "/..//evil.example",
    "/a/../..//evil.example",
    "/./\\evil.example",
    // Absolute URLs and other schemes.
    "https://evil.example",
    "http://127.0.0.1:3000/projects",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "projects",
    // Not a string, empty, too long.
    "",
    "/" + "a".repeat(3000),
  ])("refuses %j and goes to the default", (raw) => {
    expect(safeNextPath(raw)).toBe(DEFAULT_NEXT_PATH);
  });

  it("refuses a repeated or missing parameter", () => {
    expect(safeNextPath(["/projects/a", "//evil.example"])).toBe(DEFAULT_NEXT_PATH);
    expect(safeNextPath(undefined)).toBe(DEFAULT_NEXT_PATH);
    expect(safeNextPath(null, "/elsewhere")).toBe("/elsewhere");
  });

  it("every query string an attacker could send ends on this site", () => {
    const attacks = [
      "%2F%5Cevil.example%2Fx",
      "%2F%09%2Fevil.example%2Fx",
      "%2F%2Fevil.example",
      "%2F%5C%2Fevil.example",
      "%5C%5Cevil.example",
      "%2F%0A%2Fevil.example",
      "%2F.%2F%2Fevil.example",
      "%2F%252F%252Fevil.example",
      "%2F%255Cevil.example",
      "https%3A%2F%2Fevil.example",
      "javascript%3Aalert(1)",
      "%2F%E3%80%80%2Fevil.example",
      "%EF%BC%8F%EF%BC%8Fevil.example",
    ];
    for (const q of attacks) {
      const raw = new URLSearchParams(`next=${q}`).get("next");
      const target = safeNextPath(raw);
      expect(target.startsWith("/") && !target.startsWith("//"), q).toBe(true);
      expect(browserOrigin(target), q).toBe("http://127.0.0.1:3000");
    }
  });
});
