import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { buildSnippet, pythonLiteral, shellQuote } from "./snippets";

describe("API code examples", () => {
  it("quotes for the shell so any example text reaches curl unchanged", () => {
    const text = `it's "quoted" $HOME \\ 你好`;
    const echoed = execFileSync("sh", ["-c", `printf %s ${shellQuote(text)}`], { encoding: "utf8" });
    expect(echoed).toBe(text);
  });

  it("writes JSON values as Python literals", () => {
    expect(pythonLiteral({ a: true, b: null, c: [1, "x"], d: false })).toBe('{"a": True, "b": None, "c": [1, "x"], "d": False}');
  });

  it("puts the URL and the example body in each language; the key comes from the environment", () => {
    const url = "https://studio.example/api/v1/models/abc/predict";
    for (const lang of ["curl", "javascript", "python"] as const) {
      const s = buildSnippet(lang, url, "where's my card?");
      expect(s).toContain(url);
      expect(s).toContain("AMS_API_KEY");
    }
    expect(buildSnippet("curl", url, "where's my card?")).toContain(`-d '{"input":"where'\\''s my card?"}'`);
    expect(buildSnippet("python", url, { age: 3, ok: true })).toContain('json={"input": {"age": 3, "ok": True}}');
  });
});
