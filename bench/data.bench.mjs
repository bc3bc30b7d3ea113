// Issue 3 benchmark: upload and parse real datasets through the running app's HTTP routes.
import fs from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { startServer } from "./server.mjs";

export async function run({ root, datasets, log }) {
  const banking = path.join(datasets, "banking77", "train.csv");
  const digits = path.join(datasets, "sign-digits");
  if (!fs.existsSync(banking) && !fs.existsSync(digits)) return { skipped: `no datasets under ${datasets}` };
  const server = await startServer(root);
  const rows = [];
  try {
    const { client } = server;
    if (fs.existsSync(banking)) {
      const bytes = new Uint8Array(fs.readFileSync(banking));
      const p = await client("POST", "/api/projects", { name: "bench-banking77", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat"] });
      const id = p.json.project.id;
      let t = performance.now();
      const pre = await client("POST", `/api/projects/${id}/uploads?name=train.csv`, bytes, { "content-type": "application/octet-stream" });
      const parseMs = performance.now() - t;
      if (pre.status !== 200) throw new Error(`banking77 upload failed: ${pre.text}`);
      t = performance.now();
      const imp = await client("POST", `/api/projects/${id}/imports`, { uploadId: pre.json.uploadId, mapping: pre.json.mapping });
      const importMs = performance.now() - t;
      if (imp.status !== 201) throw new Error(`banking77 import failed: ${imp.text}`);
      const n = imp.json.added;
      log(`banking77: ${n} rows, upload+parse ${parseMs.toFixed(0)} ms, import ${importMs.toFixed(0)} ms`);
      rows.push(["banking77 train.csv (upload → preview)", `${(bytes.length / 1024).toFixed(0)} KB`, pre.json.rowCount, parseMs.toFixed(0), Math.round(pre.json.rowCount / (parseMs / 1000))]);
      rows.push(["banking77 train.csv (mapping → stored rows)", "", n, importMs.toFixed(0), Math.round(n / (importMs / 1000))]);
    }
    if (fs.existsSync(digits)) {
      const files = {};
      let count = 0;
      for (const cls of fs.readdirSync(digits).filter((d) => /^\d$/.test(d))) {
        for (const f of fs.readdirSync(path.join(digits, cls))) {
          files[`sign-digits/${cls}/${f}`] = [new Uint8Array(fs.readFileSync(path.join(digits, cls, f))), { level: 0 }];
          count++;
        }
      }
      const zip = zipSync(files);
      const p = await client("POST", "/api/projects", { name: "bench-sign-digits", scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["buttons"] });
      const id = p.json.project.id;
      const t = performance.now();
      const r = await client("POST", `/api/projects/${id}/uploads?name=sign-digits.zip`, zip, { "content-type": "application/octet-stream" });
      const ms = performance.now() - t;
      if (r.status !== 201) throw new Error(`sign-digits upload failed: ${r.text}`);
      log(`sign-digits: ${r.json.added} files in ${ms.toFixed(0)} ms`);
      rows.push([`sign-digits ZIP (${count} JPEGs, 10 folders)`, `${(zip.length / 2 ** 20).toFixed(1)} MB`, r.json.added, ms.toFixed(0), Math.round(r.json.added / (ms / 1000))]);
    }
    const peak = server.peakMemoryMiB();
    return {
      results: { rows, peakServerMemoryMiB: peak },
      tables: [
        {
          title: "Upload and parse through the app's HTTP routes (SQLite + blob store on local disk)",
          columns: ["input", "size", "rows/files", "time (ms)", "rows or files per second"],
          rows,
          notes: [`Peak resident memory of the server process during the run: ${peak ?? "n/a"} MiB.`, "Parsing, validation, content hashing and storage run on the server; the same lib/data parsers run in the browser."],
        },
      ],
    };
  } finally {
    await server.stop();
  }
}
