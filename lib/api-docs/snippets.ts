/**
 * Code examples for the API tab: the same request in curl, JavaScript (fetch) and Python
 * (requests). The key is read from the AMS_API_KEY environment variable, never pasted in code.
 */
export type SnippetLanguage = "curl" | "javascript" | "python";
export const SNIPPET_LANGUAGES: readonly SnippetLanguage[] = ["curl", "javascript", "python"];

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** What the example sends: a JSON value, or a PNG file read and base64-encoded by the snippet. */
export type SnippetExample = { kind: "value"; value: Json } | { kind: "png-file"; fileName: string };

/** A single-quoted shell word: ' becomes '\'' (close, escaped quote, reopen). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A Python literal for a JSON value (True/False/None; strings as JSON strings, which Python reads the same). */
export function pythonLiteral(v: Json): string {
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number" || typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pythonLiteral).join(", ")}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pythonLiteral(x)}`).join(", ")}}`;
}

/**
 * `printed`: the answer's fields the example prints (label and confidence by default; an intent
 * bot with reply templates prints label and reply).
 */
export function buildSnippet(language: SnippetLanguage, url: string, example: SnippetExample, printed: readonly string[] = ["label", "confidence"]): string {
  const file = example.kind === "png-file" ? example.fileName : null;
  switch (language) {
    case "curl":
      return [
        `curl -X POST ${shellQuote(url)} \\`,
        `  -H "Authorization: Bearer $AMS_API_KEY" \\`,
        `  -H 'Content-Type: application/json' \\`,
        file
          ? `  -d "{\\"input\\": \\"$(base64 -w0 ${shellQuote(file)})\\"}"`
          : `  -d ${shellQuote(JSON.stringify({ input: (example as { value: Json }).value }))}`,
      ].join("\n");
    case "javascript":
      return [
        ...(file ? [`import fs from "node:fs";`, ``, `const image = fs.readFileSync(${JSON.stringify(file)}).toString("base64");`] : []),
        `const res = await fetch(${JSON.stringify(url)}, {`,
        `  method: "POST",`,
        `  headers: { Authorization: \`Bearer \${process.env.AMS_API_KEY}\`, "Content-Type": "application/json" },`,
        `  body: JSON.stringify(${file ? "{ input: image }" : JSON.stringify({ input: (example as { value: Json }).value })}),`,
        `});`,
        `if (!res.ok) throw new Error((await res.json()).error.message);`,
        `const prediction = await res.json();`,
        `console.log(${printed.map((f) => `prediction.${f}`).join(", ")});`,
      ].join("\n");
    case "python":
      return [
        ...(file ? [`import base64`] : []),
        `import os`,
        `import requests`,
        ``,
        ...(file ? [`with open(${JSON.stringify(file)}, "rb") as f:`, `    image = base64.b64encode(f.read()).decode()`, ``] : []),
        `res = requests.post(`,
        `    ${JSON.stringify(url)},`,
        `    headers={"Authorization": f"Bearer {os.environ['AMS_API_KEY']}"},`,
        `    json={"input": ${file ? "image" : pythonLiteral((example as { value: Json }).value)}},`,
        `    timeout=30,`,
        `)`,
        `res.raise_for_status()`,
        `prediction = res.json()`,
        `print(${printed.map((f) => `prediction[${JSON.stringify(f)}]`).join(", ")})`,
      ].join("\n");
  }
}
