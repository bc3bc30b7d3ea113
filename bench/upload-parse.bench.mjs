// Issue 11, failure 2 benchmark: parsing uploads must not stall other users. Before the fix (on
// the request thread, whole file in memory) a CSV with one 60 MB line took 14 s, answered a 63 MB
// preview and stalled every other request for 11.7 s; a 95 MB CSV with 500 columns stalled others
// 7.5 s and added 876 MB; an XLSX with 2 million shared strings stalled 2.3 s; six parallel large
// CSVs stalled 10.9 s with a 3.4 GB peak.
//
//  1. The production app starts on a throw-away DATA_DIR (bench/server.mjs, the same script as
//     `npm start`); its pid comes from STUDIO_PID_FILE. Two users sign up: the uploader, and
//     another user whose requests are timed.
//  2. Generated files (in a temporary folder): a 95 MB CSV with 500 columns, a CSV with one 60 MB
//     line, an XLSX with 2 million shared strings (and one with 900,000, under the limit; both
//     sheets use 200,000 of them, 100,000 rows of two), a 95 MB
//     three-column text CSV uploaded six times in parallel.
//  3. Per scenario: the other user sends a signed-in GET /api/projects every 50 ms (open loop:
//     latency counts from when the request was due, so a stalled server cannot hide it) from 2 s
//     before the upload until 1 s after its answer; the server's VmRSS is sampled every 50 ms and
//     VmHWM read at the end. A baseline with no upload comes first.
//
// Reported, not asserted: the other user's p50/p95/p99/max, the upload's answer and time, the
// server's RSS (start, peak, VmHWM), load average before and after.
//
// `node scripts/bench.mjs upload-parse`. Settings (environment variables):
//   UPLOAD_BENCH_PORT   3312    port of the app server
//   UPLOAD_BENCH_PARALLEL 6     uploads in the parallel scenario
//   UPLOAD_BENCH_ONLY     (all) comma-separated scenarios to run: wide (with its import), long-line, xlsx, parallel
//   NEXT_DIST_DIR       .next   build folder
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { strToU8, zipSync } from "fflate";
import { startServer } from "./server.mjs";

const env = process.env;
const num = (name, fallback) => (env[name] !== undefined && env[name] !== "" && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback);
const CONFIG = {
  port: num("UPLOAD_BENCH_PORT", 3312),
  parallel: num("UPLOAD_BENCH_PARALLEL", 6),
  probeIntervalMs: 50,
  distDir: env.NEXT_DIST_DIR ?? ".next",
  only: env.UPLOAD_BENCH_ONLY ? new Set(env.UPLOAD_BENCH_ONLY.split(",").map((x) => x.trim())) : null,
};
const wanted = (name) => !CONFIG.only || CONFIG.only.has(name);
const MB = 1024 * 1024;

const loadAverage = () => os.loadavg().map((x) => Number(x.toFixed(2)));

function procStatusKiB(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/* ------------------------------------------------------------------ generated files */

function csv500Columns(target) {
  const header = `${Array.from({ length: 500 }, (_, i) => `f${i}`).join(",")}\n`;
  const row = Buffer.from(`${Array.from({ length: 500 }, (_, i) => String((i * 7) % 97)).join(",")}\n`);
  const rows = Math.ceil((target - header.length) / row.length);
  const out = Buffer.alloc(header.length + rows * row.length);
  out.write(header);
  for (let i = 0, o = header.length; i < rows; i++, o += row.length) row.copy(out, o);
  return out;
}

function csvOneLongLine(lineBytes) {
  const head = Buffer.from("text,label\nhello there,greet\n");
  const tail = Buffer.from(",spam\nbye for now,farewell\n");
  return Buffer.concat([head, Buffer.alloc(lineBytes, "a"), tail]);
}

function csvText(target) {
  const words = "the quick brown fox jumps over the lazy dog while a careful reviewer reads every line of the report".split(" ");
  const parts = [Buffer.from("text,label,reply\n")];
  let size = parts[0].length;
  for (let i = 0; size < target; i++) {
    let text = "";
    while (text.length < 420) text += `${words[(i * 7 + text.length) % words.length]} `;
    const line = Buffer.from(`"${text.trim()} ${i}",label${i % 12},"${text.slice(0, 420).trim()}"\n`);
    parts.push(line);
    size += line.length;
  }
  return Buffer.concat(parts).subarray(0, target);
}

/** A workbook with `count` shared strings, its sheet using the first `cells` of them (two per row). */
function xlsxSharedStrings(count, cells = count) {
  const si = [];
  for (let i = 0; i < count; i++) si.push(`<si><t>s${i}</t></si>`);
  const rows = [];
  const perRow = 2;
  for (let r = 0; r * perRow < cells; r++) {
    const row = [];
    for (let c = 0; c < perRow && r * perRow + c < cells; c++) row.push(`<c r="${String.fromCharCode(65 + c)}${r + 1}" t="s"><v>${r * perRow + c}</v></c>`);
    rows.push(`<row r="${r + 1}">${row.join("")}</row>`);
  }
  return zipSync({
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    ),
    "_rels/.rels": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    "xl/workbook.xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    ),
    "xl/sharedStrings.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${count}" uniqueCount="${count}">${si.join("")}</sst>`),
    "xl/worksheets/sheet1.xml": strToU8(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join("")}</sheetData></worksheet>`),
  });
}

/* ------------------------------------------------------------------ measuring */

/** The other user's requests every `intervalMs` until stopped, from their own thread (bench/support/probe-thread.mjs). */
async function startProbe(base, cookie, intervalMs) {
  const worker = new Worker(new URL("./support/probe-thread.mjs", import.meta.url), {
    workerData: { url: new URL("/api/projects", base).href, cookie, intervalMs, parentOrigin: performance.timeOrigin },
  });
  await once(worker, "message");
  return {
    now: () => performance.now(),
    async stop() {
      worker.postMessage("stop");
      const [result] = await once(worker, "message");
      await worker.terminate();
      return result;
    },
  };
}

function startRss(pid) {
  let peak = 0;
  const timer = setInterval(() => {
    const v = procStatusKiB(pid, "VmRSS");
    if (v && v > peak) peak = v;
  }, 50);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

function summarize(samples, from, to) {
  const window = samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.ms).sort((a, b) => a - b);
  const r1 = (x) => (x === null ? null : Number(x.toFixed(1)));
  return { requests: window.length, p50: r1(percentile(window, 50)), p95: r1(percentile(window, 95)), p99: r1(percentile(window, 99)), max: r1(window.at(-1) ?? null) };
}

/* ------------------------------------------------------------------ the run */

export async function run({ root, log }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "studio-upload-bench-"));
  const pidFile = path.join(tmp, "server.pid");
  const machine = {
    nproc: Number(execFileSync("nproc", { encoding: "utf8" }).trim()),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
  const loadAtStart = loadAverage();
  log("generating files…");
  const files = {
    wide: csv500Columns(95 * MB),
    longLine: csvOneLongLine(60 * MB),
    xlsx2m: xlsxSharedStrings(2_000_000, 200_000),
    xlsx900k: xlsxSharedStrings(900_000, 200_000),
    text: csvText(95 * MB),
  };
  const server = await startServer(root, { port: CONFIG.port, env: { STUDIO_PID_FILE: pidFile, NEXT_DIST_DIR: CONFIG.distDir } });
  const rows = [];
  const details = [];
  try {
    const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
    const { base, client } = server;
    // the other user
    const signup = await fetch(`${base}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `bench-other-${Date.now()}@example.test`, password: "bench-pass-1" }),
    });
    const otherCookie = (signup.headers.get("set-cookie") ?? "").split(";")[0];
    for (let i = 0; i < 3; i++) {
      await fetch(`${base}/api/projects`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: otherCookie },
        body: JSON.stringify({ name: `Other ${i}`, scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] }),
      });
    }
    const project = async (scene, modelType, interfaces) => {
      const r = await client("POST", "/api/projects", { name: `${scene} ${Math.random()}`, scene, modelType, interfaces });
      if (r.status !== 201) throw new Error(`project: ${r.status} ${r.text}`);
      return r.json.project.id;
    };
    const upload = async (id, bytes, name) => {
      const t = performance.now();
      try {
        const r = await client("POST", `/api/projects/${id}/uploads?name=${encodeURIComponent(name)}`, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { "content-type": "application/octet-stream" });
        return { ms: Math.round(performance.now() - t), status: r.status, bytes: r.text.length, json: r.json };
      } catch (e) {
        // e.g. the server's 300 s request timeout on a machine too loaded to take the body in time
        return { ms: Math.round(performance.now() - t), status: `error (${e.cause?.code ?? e.message})`, bytes: 0, json: null };
      }
    };
    const tabular = await project("tabular-prediction", "mlp", ["buttons"]);
    // warm-up: the route code and a worker thread are loaded
    await upload(await project("text-classification", "ngram-bag", ["chat"]), Buffer.from("text,label\nhi,a\nyo,b\n"), "warm.csv");
    await new Promise((r) => setTimeout(r, 1000));

    const scenario = async (name, action) => {
      const loadBefore = loadAverage();
      const rssStart = procStatusKiB(pid, "VmRSS");
      const probe = await startProbe(base, otherCookie, CONFIG.probeIntervalMs);
      const rss = startRss(pid);
      await new Promise((r) => setTimeout(r, 2000));
      const from = probe.now();
      const outcome = await action();
      const to = probe.now();
      await new Promise((r) => setTimeout(r, 1000));
      const peak = rss();
      const { samples, statuses } = await probe.stop();
      const before = summarize(samples, 0, from);
      const during = summarize(samples, from, to);
      const row = {
        scenario: name,
        ...outcome,
        other: during,
        otherBefore: before,
        otherStatuses: statuses,
        rssStartMiB: Math.round((rssStart ?? 0) / 1024),
        rssPeakMiB: Math.round(peak / 1024),
        vmHwmMiB: Math.round((procStatusKiB(pid, "VmHWM") ?? 0) / 1024),
        loadBefore,
        loadAfter: loadAverage(),
      };
      details.push(row);
      rows.push([name, outcome.answer, outcome.ms, during.requests, during.p50, during.p95, during.p99, during.max, row.rssStartMiB, row.rssPeakMiB, row.vmHwmMiB, `${loadBefore[0]} → ${row.loadAfter[0]}`]);
      log(`${name}: ${outcome.answer} in ${outcome.ms} ms; other user p99 ${during.p99} ms (max ${during.max}); RSS peak ${row.rssPeakMiB} MiB`);
      return outcome;
    };
    const describe = (u) => `${u.status}${u.json?.kind ? ` ${u.json.kind}` : ""}${u.json?.rowCount !== undefined ? `, ${u.json.rowCount} rows` : ""}${u.json?.issues?.length ? `, ${u.json.issues[0].code}` : u.json?.error ? `, ${u.json.error.code}` : ""}, ${Math.round(u.bytes / 1024)} KB answer`;

    await scenario("baseline (no upload, 5 s)", async () => {
      const t = performance.now();
      await new Promise((r) => setTimeout(r, 5000));
      return { answer: "—", ms: Math.round(performance.now() - t) };
    });
    let widePreview = null;
    if (wanted("wide")) await scenario("95 MB CSV, 500 columns", async () => {
      const u = await upload(tabular, files.wide, "wide.csv");
      widePreview = u.json;
      return { answer: describe(u), ms: u.ms };
    });
    if (widePreview?.uploadId) {
      await scenario("  … its import (mapping → rows)", async () => {
        const t = performance.now();
        const r = await client("POST", `/api/projects/${tabular}/imports`, { uploadId: widePreview.uploadId, mapping: widePreview.mapping });
        return { answer: `${r.status}${r.json?.added !== undefined ? `, ${r.json.added} rows added` : ` ${r.text.slice(0, 120)}`}`, ms: Math.round(performance.now() - t) };
      });
    }
    const textProject = await project("text-classification", "ngram-bag", ["chat"]);
    if (wanted("long-line")) await scenario("CSV with one 60 MB line", async () => {
      const u = await upload(textProject, files.longLine, "long-line.csv");
      return { answer: describe(u), ms: u.ms };
    });
    if (wanted("xlsx")) await scenario("XLSX, 2,000,000 shared strings", async () => {
      const u = await upload(textProject, files.xlsx2m, "strings-2m.xlsx");
      return { answer: describe(u), ms: u.ms };
    });
    if (wanted("xlsx")) await scenario("XLSX, 900,000 shared strings", async () => {
      const u = await upload(textProject, files.xlsx900k, "strings-900k.xlsx");
      return { answer: describe(u), ms: u.ms };
    });
    if (wanted("parallel")) await scenario(`${CONFIG.parallel} parallel 95 MB text CSVs`, async () => {
      const t = performance.now();
      const all = await Promise.all(Array.from({ length: CONFIG.parallel }, async (_, i) => upload(await project("intent-chatbot", "ngram-bag", ["chat"]), files.text, `text-${i}.csv`)));
      const counts = {};
      for (const u of all) counts[u.status] = (counts[u.status] ?? 0) + 1;
      return { answer: `${Object.entries(counts).map(([s, n]) => `${n} × ${s}`).join(", ")}; ${all.map((u) => u.ms).join(" / ")} ms each; ${all[0].json?.rowCount ?? "—"} rows`, ms: Math.round(performance.now() - t) };
    });
    await new Promise((r) => setTimeout(r, 5000));
    const rssIdleMiB = Math.round((procStatusKiB(pid, "VmRSS") ?? 0) / 1024);
    const loadAtEnd = loadAverage();
    return {
      results: { machine, loadAtStart, loadAtEnd, rssIdleMiB, files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.length])), scenarios: details },
      tables: [
        {
          title: "Other users' requests (signed-in GET /api/projects every 50 ms) while uploads are parsed, production server",
          columns: ["upload", "answer", "answer time (ms)", "other requests", "p50 (ms)", "p95 (ms)", "p99 (ms)", "max (ms)", "RSS start (MiB)", "RSS peak (MiB)", "VmHWM (MiB)", "load 1 min before → after"],
          rows,
          notes: [
            `Machine: ${machine.nproc} cores (nproc), ${machine.cpuModel}, ${machine.memoryGiB} GiB; shared with other work: load average ${loadAtStart.join(" / ")} at the start, ${loadAtEnd.join(" / ")} at the end.`,
            "Latency counts from when each request was due (one every 50 ms whatever happened to the previous one), over the time from the upload's start to its answer; the probe runs on a thread of its own (bench/support/probe-thread.mjs), so the benchmark's own work of sending the upload is not counted as the server's stall (earlier runs probed from the benchmark's main thread).",
            `Server: one process (scripts/server.mjs), pid from STUDIO_PID_FILE; VmRSS sampled every 50 ms, VmHWM is the process's peak so far; ${rssIdleMiB} MiB resident 5 s after the last upload.`,
            "Parsing runs on the data worker pool (STUDIO_DATA_WORKERS, default cores − 1 = 1 here; queue 8); the request thread streams the body to disk, stores the parse result and answers.",
            "Before the fix (issue 11): one 60 MB line 14 s, 63 MB preview, others stalled 11.7 s; 95 MB × 500 columns stalled others 7.5 s, +876 MB; XLSX with 2 million shared strings stalled 2.3 s; six parallel large CSVs stalled 10.9 s, 3.4 GB peak.",
          ],
        },
      ],
    };
  } finally {
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
