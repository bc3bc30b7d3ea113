/**
 * Code examples for the API tab: the same request in curl, JavaScript (fetch) and Python
 * (requests). The key is read from the AMS_API_KEY environment variable, never pasted in code.
 */
export type SnippetLanguage = "curl" | "javascript" | "python";
export const SNIPPET_LANGUAGES: readonly SnippetLanguage[] = ["curl", "javascript", "python"];

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

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

export function buildSnippet(language: SnippetLanguage, url: string, example: Json): string {
  const body = { input: example };
  switch (language) {
    case "curl":
      return [
        `curl -X POST ${shellQuote(url)} \\`,
        `  -H "Authorization: Bearer $AMS_API_KEY" \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -d ${shellQuote(JSON.stringify(body))}`,
      ].join("\n");
    case "javascript":
      return [
        `const res = await fetch(${JSON.stringify(url)}, {`,
        `  method: "POST",`,
        `  headers: { Authorization: \`Bearer \${process.env.AMS_API_KEY}\`, "Content-Type": "application/json" },`,
        `  body: JSON.stringify(${JSON.stringify(body)}),`,
        `});`,
        `if (!res.ok) throw new Error((await res.json()).error.message);`,
        `const prediction = await res.json();`,
        `console.log(prediction.label, prediction.confidence);`,
      ].join("\n");
    case "python":
      return [
        `import os`,
        `import requests`,
        ``,
        `res = requests.post(`,
        `    ${JSON.stringify(url)},`,
        `    headers={"Authorization": f"Bearer {os.environ['AMS_API_KEY']}"},`,
        `    json={"input": ${pythonLiteral(example)}},`,
        `    timeout=30,`,
        `)`,
        `res.raise_for_status()`,
        `prediction = res.json()`,
        `print(prediction["label"], prediction["confidence"])`,
      ].join("\n");
  }
}
