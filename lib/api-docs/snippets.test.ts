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
      const s = buildSnippet(lang, url, { kind: "value", value: "where's my card?" });
      expect(s).toContain(url);
      expect(s).toContain("AMS_API_KEY");
    }
    expect(buildSnippet("curl", url, { kind: "value", value: "where's my card?" })).toContain(`-d '{"input":"where'\\''s my card?"}'`);
    expect(buildSnippet("python", url, { kind: "value", value: { age: 3, ok: true } })).toContain('json={"input": {"age": 3, "ok": True}}');
  });

  it("image examples read a PNG file and send it as base64", () => {
    const url = "http://localhost:3000/api/v1/models/abc/predict";
    const curl = buildSnippet("curl", url, { kind: "png-file", fileName: "photo.png" });
    expect(curl).toContain(`-d "{\\"input\\": \\"$(base64 -w0 'photo.png')\\"}"`);
    // The shell builds valid JSON around the base64 text.
    const body = execFileSync("sh", ["-c", `f=$(mktemp); printf 'PNGDATA' > "$f"; printf '%s' "{\\"input\\": \\"$(base64 -w0 "$f")\\"}"`], { encoding: "utf8" });
    expect(JSON.parse(body)).toEqual({ input: Buffer.from("PNGDATA").toString("base64") });
    expect(buildSnippet("javascript", url, { kind: "png-file", fileName: "photo.png" })).toContain('fs.readFileSync("photo.png").toString("base64")');
    expect(buildSnippet("python", url, { kind: "png-file", fileName: "photo.png" })).toContain("base64.b64encode(f.read()).decode()");
  });

  it("prints the fields it is asked to (an intent bot with reply templates prints its reply)", () => {
    const url = "http://localhost:3000/api/v1/models/abc/predict";
    const example = { kind: "value", value: "A table for Anna" } as const;
    expect(buildSnippet("javascript", url, example)).toContain("console.log(prediction.label, prediction.confidence);");
    expect(buildSnippet("javascript", url, example, ["label", "reply"])).toContain("console.log(prediction.label, prediction.reply);");
    expect(buildSnippet("python", url, example, ["label", "reply"])).toContain('print(prediction["label"], prediction["reply"])');
  });
});
