// Issue 5 benchmark: in-browser prediction latency per tfjs backend.
//
//  1. Two real models are trained in Node (bench/support/train-predict-bundles.ts through tsx) and
//     their bundles written to a temporary folder: the banking77 intent model (ngram-bag, "fast"
//     preset) and an image head on MobileNetV2 multi-scale features of sign-digits pictures.
//  2. Per backend, a fresh headless Chromium (WebGPU with the SwiftShader flags) opens the harness
//     page (bench/browser/predict-bench.ts bundled with esbuild; cross-origin isolated) which forces
//     the backend with selectBackend, loads each bundle with loadPredictor (the image one with the
//     loaded MobileNetV2 multi-scale backbone), warms up, and times single-input predictions one
//     after the other: text strings from banking77's test.csv, and 224×224 RawImages (sign-digits
//     pictures decoded in the page) through backbone and head.
//
// `npm run bench predict`. Budgets and choices (environment variables):
//   PREDICT_BENCH_BACKENDS         webgpu,webgl,wasm,cpu  backends, in this order
//   PREDICT_BENCH_TEXT_N           200    measured text predictions per backend
//   PREDICT_BENCH_TEXT_WARMUP      20     text predictions before the measured ones (not counted)
//   PREDICT_BENCH_IMAGE_N          25     measured image predictions per backend
//   PREDICT_BENCH_IMAGE_WARMUP     2      image predictions before the measured ones (not counted)
//   PREDICT_BENCH_TEXT_BUDGET_S    150    skip the measured text loop when projected over this
//   PREDICT_BENCH_IMAGE_BUDGET_S   240    skip the measured image loop when projected over this
//   PREDICT_BENCH_TEXT_ROWS        0      banking77 training rows (0 = all)
//   PREDICT_BENCH_PER_CLASS        10     sign-digits pictures per class for the image head
//   CHROMIUM_PATH                  /usr/bin/chromium
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { launch, memorySampler } from "./support/chromium.mjs";
import { bundleBrowserEntry, startHarness } from "./support/harness.mjs";

const env = process.env;
const num = (name, fallback) => (env[name] !== undefined && env[name] !== "" && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback);
const CONFIG = {
  backends: (env.PREDICT_BENCH_BACKENDS ?? "webgpu,webgl,wasm,cpu").split(",").map((s) => s.trim()).filter(Boolean),
  textN: num("PREDICT_BENCH_TEXT_N", 200),
  textWarmup: num("PREDICT_BENCH_TEXT_WARMUP", 20),
  imageN: num("PREDICT_BENCH_IMAGE_N", 25),
  imageWarmup: Math.max(1, num("PREDICT_BENCH_IMAGE_WARMUP", 2)),
  textBudgetS: num("PREDICT_BENCH_TEXT_BUDGET_S", 150),
  imageBudgetS: num("PREDICT_BENCH_IMAGE_BUDGET_S", 240),
  textRows: num("PREDICT_BENCH_TEXT_ROWS", 0),
  perClass: num("PREDICT_BENCH_PER_CLASS", 10),
};
const KNOWN_BACKENDS = ["webgpu", "webgl", "wasm", "cpu"];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const f1 = (x) => (x === null || x === undefined ? null : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? null : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const s1 = (ms) => (ms === null || ms === undefined ? null : (ms / 1000).toFixed(1));
const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(" / ");

/** Nearest-rank percentile of a sample. */
function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summarise(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const total = latencies.reduce((a, b) => a + b, 0);
  return {
    n: latencies.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: total / latencies.length,
    perSecond: latencies.length / (total / 1000),
  };
}

/** Warm-up, projected-time check, then the measured loop. `time(n, offset)` runs in the page. */
async function measure({ time, n, warmup, budgetS, what }) {
  const warm = await time(warmup, 0);
  // Projection: median of the second half of the warm-up predictions (the first ones compile kernels).
  const tail = warm.slice(Math.floor(warm.length / 2)).sort((a, b) => a - b);
  const per = tail[Math.floor((tail.length - 1) / 2)];
  const projectedMs = per * n;
  const out = { warmupMs: warm, projectedMs };
  if (projectedMs > budgetS * 1000) {
    out.status = "over-budget";
    out.reason = `${n} ${what} predictions would take about ${s1(projectedMs)} s (median late warm-up prediction ${f1(per)} ms), over the ${budgetS} s budget; not measured`;
    return out;
  }
  const started = performance.now();
  const latencies = await time(n, warmup);
  out.status = "ok";
  out.wallMs = performance.now() - started;
  out.latencies = latencies.map((x) => Math.round(x * 100) / 100);
  out.stats = summarise(latencies);
  return out;
}

async function backendRun({ harness, backend, texts, imageUrls, log }) {
  const row = { backend, status: "ok" };
  const { browser, marker } = await launch(backend);
  const mem = memorySampler(marker);
  let page;
  const ev = (fn, arg, timeoutMs) =>
    Promise.race([page.evaluate(fn, arg), sleep(timeoutMs).then(() => Promise.reject(new Error(`step timed out after ${s1(timeoutMs)} s`)))]);
  try {
    row.chromium = browser.version();
    page = await browser.newPage();
    page.on("console", (m) => {
      if (m.text().startsWith("[predict-bench]") && !m.text().endsWith("ready")) log(`  ${backend}: ${m.text()}`);
    });
    await page.goto(`${harness.base}/`);
    await page.waitForFunction(() => window.predictBench !== undefined, null, { timeout: 60_000 });
    const init = await ev((b) => window.predictBench.init(b), backend, 60_000);
    row.backendUsed = init.active;
    row.choice = init.choice;
    row.wasmThreads = init.choice?.wasm?.threads ?? null;
    row.webgpuAdapter = init.webgpuAdapter;
    row.crossOriginIsolated = init.crossOriginIsolated;
    if (init.active !== backend) {
      row.status = "unavailable";
      row.reason = `tfjs could not use ${backend} here (fell back to ${init.active}: ${JSON.stringify(init.choice.attempts)})`;
      return row;
    }

    // Text.
    const tLoad = await ev(([u, x]) => window.predictBench.loadText(u, x), ["/bundles/text.bundle", texts[0]], 300_000);
    row.textLoad = { ...tLoad, oneOffMs: tLoad.loadPredictorMs + tLoad.firstPredictionMs };
    row.text = await measure({
      time: (n, offset) => ev(([t, k, o]) => window.predictBench.timeText(t, k, o), [texts, n, offset], CONFIG.textBudgetS * 3000 + 60_000),
      n: CONFIG.textN,
      warmup: CONFIG.textWarmup,
      budgetS: CONFIG.textBudgetS,
      what: "text",
    });
    // The same text over and over (one input shape): 5 not counted, then 20 measured.
    await ev(([t]) => window.predictBench.timeText(t, 5, 0), [[texts[0]]], 120_000);
    row.textRepeat = summarise(await ev(([t]) => window.predictBench.timeText(t, 20, 0), [[texts[0]]], 300_000));
    await ev(() => window.predictBench.disposeText(), undefined, 30_000);
    log(
      `  ${backend} text: load+first ${f1(row.textLoad.oneOffMs)} ms; ` +
        (row.text.status === "ok" ? `p50 ${f2(row.text.stats.p50)} ms, p95 ${f2(row.text.stats.p95)} ms, ${f1(row.text.stats.perSecond)}/s` : row.text.reason),
    );

    // Image.
    const dec = await ev((urls) => window.predictBench.decodeImages(urls), imageUrls, 120_000);
    row.imageDecode = dec;
    const iLoad = await ev((u) => window.predictBench.loadImage(u), "/bundles/image.bundle", 600_000);
    row.imageLoad = { ...iLoad, oneOffMs: iLoad.backboneLoadMs + iLoad.loadPredictorMs + iLoad.firstPredictionMs };
    log(`  ${backend} image: backbone ${s1(iLoad.backboneLoadMs)} s, first prediction ${s1(iLoad.firstPredictionMs)} s`);
    row.image = await measure({
      time: (n, offset) => ev(([k, o]) => window.predictBench.timeImages(k, o), [n, offset], CONFIG.imageBudgetS * 3000 + 120_000),
      n: CONFIG.imageN,
      warmup: CONFIG.imageWarmup,
      budgetS: CONFIG.imageBudgetS,
      what: "image",
    });
    log(
      `  ${backend} image: ` +
        (row.image.status === "ok" ? `p50 ${f1(row.image.stats.p50)} ms, p95 ${f1(row.image.stats.p95)} ms, ${f2(row.image.stats.perSecond)}/s` : row.image.reason),
    );
    row.tensorsAtEnd = await ev(() => window.predictBench.memory(), undefined, 30_000);
  } catch (e) {
    row.status = "error";
    row.reason = e instanceof Error ? e.message : String(e);
    log(`  ${backend}: error ${row.reason}`);
  } finally {
    row.memory = mem.stop();
    await browser.close();
  }
  return row;
}

/* ------------------------------------------------------------------------------------------ */

function latencyRows(rows, part) {
  return rows.map((r) => {
    const load = part === "text" ? r.textLoad : r.imageLoad;
    const m = r[part];
    const loadCols =
      part === "text"
        ? [load ? f1(load.oneOffMs) : null, load ? `${f1(load.loadPredictorMs)} + ${f1(load.firstPredictionMs)}` : null]
        : [load ? f1(load.oneOffMs) : null, load ? `${f1(load.backboneLoadMs)} + ${f1(load.loadPredictorMs)} + ${f1(load.firstPredictionMs)}` : null];
    const extra = part === "text" ? [r.textRepeat ? f2(r.textRepeat.p50) : null] : [];
    if (r.status !== "ok" && !m) return [r.backend, r.backendUsed ?? null, ...loadCols, null, null, null, null, null, ...extra, `${r.status}: ${r.reason}`];
    if (!m || m.status !== "ok") return [r.backend, r.backendUsed, ...loadCols, null, null, null, null, null, ...extra, m ? `skipped: ${m.reason}` : `${r.status}: ${r.reason}`];
    const st = m.stats;
    const status = r.status === "ok" ? "measured" : `${r.status}: ${r.reason}`;
    if (part === "text") return [r.backend, r.backendUsed, ...loadCols, st.n, f2(st.p50), f2(st.p95), f2(st.p99), f2(st.perSecond), r.textRepeat ? f2(r.textRepeat.p50) : null, status];
    return [r.backend, r.backendUsed, ...loadCols, st.n, f2(st.p50), f2(st.p95), f2(st.p99), f2(st.perSecond), status];
  });
}

export async function run({ root, datasets, log }) {
  const trainCsv = path.join(datasets, "banking77", "train.csv");
  const testCsv = path.join(datasets, "banking77", "test.csv");
  const signDir = path.join(datasets, "sign-digits");
  for (const p of [trainCsv, testCsv, signDir]) if (!fs.existsSync(p)) return { skipped: `${p} not found` };
  const unknown = CONFIG.backends.filter((b) => !KNOWN_BACKENDS.includes(b));
  if (unknown.length) throw new Error(`unknown backend(s) ${unknown.join(", ")}; use ${KNOWN_BACKENDS.join(", ")}`);
  const started = performance.now();
  log(`config ${JSON.stringify(CONFIG)}`);

  if (!fs.existsSync(path.join(root, "public", "models", "mobilenet_v2", "model.json")) || !fs.existsSync(path.join(root, "public", "vendor", "tfjs-wasm"))) {
    log("copying run-time assets into public/ (node scripts/copy-assets.mjs)…");
    const r = spawnSync(process.execPath, [path.join(root, "scripts", "copy-assets.mjs")], { cwd: root, stdio: "inherit" });
    if (r.status !== 0) throw new Error("scripts/copy-assets.mjs failed");
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "studio-bench-predict-"));
  try {
    log(`training the two models in Node (banking77 ${CONFIG.textRows || "all"} rows; ${CONFIG.perClass} sign-digits pictures per class)…`);
    const t = performance.now();
    const tr = spawnSync(
      process.execPath,
      [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "bench/support/train-predict-bundles.ts", trainCsv, signDir, tmp, String(CONFIG.textRows), String(CONFIG.perClass)],
      { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
    );
    if (tr.status !== 0) throw new Error(`training failed: ${tr.stderr || tr.stdout}`);
    const models = JSON.parse(tr.stdout.trim().split("\n").at(-1));
    models.wallMs = performance.now() - t;
    log(`models: ${JSON.stringify({ ...models, image: { ...models.image, samples: models.image.samples.length } })}`);

    const texts = Papa.parse(fs.readFileSync(testCsv, "utf8"), { header: true, skipEmptyLines: true })
      .data.map((r) => r.text)
      .slice(0, Math.max(CONFIG.textN + CONFIG.textWarmup, 1));
    const imageUrls = models.image.samples.map((s) => `/data/${s.rel.split(path.sep).map(encodeURIComponent).join("/")}`);

    const { outDir, outfile } = await bundleBrowserEntry(root, "bench/browser/predict-bench.ts");
    const harness = await startHarness({
      root,
      bundleFile: outfile,
      dataDir: signDir,
      files: { "/bundles/text.bundle": path.join(tmp, "text.bundle"), "/bundles/image.bundle": path.join(tmp, "image.bundle") },
    });
    const rows = [];
    try {
      for (const backend of CONFIG.backends) {
        log(`${backend} (load ${loadAverage()})…`);
        const loadBefore = os.loadavg()[0];
        const row = await backendRun({ harness, backend, texts, imageUrls, log });
        row.loadAvg1 = [loadBefore, os.loadavg()[0]];
        rows.push(row);
        if (row.status !== "ok") log(`  ${backend}: ${row.status}: ${row.reason}`);
      }
    } finally {
      await harness.close();
      fs.rmSync(outDir, { recursive: true, force: true });
    }

    const chromium = rows.find((r) => r.chromium)?.chromium ?? null;
    const cpus = os.cpus();
    const wallS = s1(performance.now() - started);
    const columnsFor = (part) => [
      "backend forced",
      "backend used",
      "one-off load (ms)",
      part === "text" ? "= loadPredictor + first prediction (ms)" : "= backbone load + loadPredictor + first prediction (ms)",
      "measured predictions",
      "p50 (ms)",
      "p95 (ms)",
      "p99 (ms)",
      "predictions/s (sequential)",
      ...(part === "text" ? ["p50, one text repeated 20× (ms)"] : []),
      "status",
    ];
    const perBackendNotes = rows.map(
      (r) =>
        `${r.backend}: wasm threads ${r.wasmThreads ?? "—"}, crossOriginIsolated ${r.crossOriginIsolated ?? "—"}${r.webgpuAdapter ? `, WebGPU adapter "${r.webgpuAdapter}"` : ""}; 1-minute load average ${r.loadAvg1.map((x) => x.toFixed(2)).join("→")}` +
        (r.text?.warmupMs ? `; last text warm-up ${f1(r.text.warmupMs.at(-1))} ms` : "") +
        (r.image?.warmupMs ? `; image warm-ups ${r.image.warmupMs.map((x) => f1(x)).join(", ")} ms` : "") +
        (r.memory ? `; peak RSS renderer ${r.memory.renderer?.hwmMiB ?? "—"} MiB, GPU process ${r.memory["gpu-process"]?.hwmMiB ?? "—"} MiB` : ""),
    );
    return {
      results: { config: CONFIG, chromium, models, rows },
      tables: [
        {
          title: "Machine and setup",
          columns: ["note"],
          rows: [
            [`Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, no GPU. Chromium ${chromium} (headless, ${env.CHROMIUM_PATH ?? "/usr/bin/chromium"}) through @playwright/test, a fresh browser per backend.`],
            [`WebGPU here is SwiftShader's Vulkan implementation on the CPU (flags --enable-unsafe-webgpu --enable-features=Vulkan --use-vulkan=swiftshader --use-webgpu-adapter=swiftshader, webgpu runs only); WebGL is ANGLE on SwiftShader, also the CPU. Their numbers say nothing about a real GPU. The harness page is cross-origin isolated, so wasm may use threads (see per-backend notes).`],
            [`Other processes shared the cores during the run (load averages below); timings are wall-clock and include that contention. Total bench wall time ${wallS} s.`],
          ],
        },
        {
          title: "Models (trained in Node before the browser runs)",
          columns: ["model", "trained on", "bundle (bytes)", "training (s)", "validation accuracy"],
          rows: [
            [`banking77 intent (ngram-bag, "fast" preset, tfjs cpu)`, `${models.text.rows} rows of train.csv (${models.text.classes} intents)`, models.text.bundleBytes, s1(models.text.trainMs), models.text.validationAccuracy === null ? null : `${(models.text.validationAccuracy * 100).toFixed(2)}%`],
            [
              `sign-digits head on ${models.image.backbone} ("balanced" preset)`,
              `${models.image.images} real pictures (${CONFIG.perClass} per class, decoded with sharp, embedded on tfjs ${models.image.tfBackend} in Node in ${s1(models.image.embedMs)} s)`,
              models.image.bundleBytes,
              s1(models.image.headMs),
              models.image.validationAccuracy === null ? null : `${(models.image.validationAccuracy * 100).toFixed(0)}% (tiny validation split; accuracy is not what this benchmark measures)`,
            ],
          ],
        },
        {
          title: "Text: banking77 intent model, one string per predict() call",
          columns: columnsFor("text"),
          rows: latencyRows(rows, "text"),
          notes: [
            `Inputs: the first ${texts.length} texts of banking77 test.csv, cycled; ${CONFIG.textWarmup} warm-up predictions (not counted), then ${CONFIG.textN} measured, one after the other: predictor.predict([text], {topK: 3}) awaited (tokenize, forward pass, read back, top-k).`,
            `"One text repeated": texts[0] predicted 5 times (not counted), then 20 times measured. The ngram-bag input tensor is [1, number of n-gram ids of that text], so the main loop sees many different input shapes while the repeated text always has one.`,
            `One-off load: loadPredictor(bundle bytes) (bundle parse + weights into tensors) + the first prediction (kernel/shader compilation). Fetching the bundle from the local harness server is not included (JSON: textLoad.fetchMs).`,
            `Percentiles are nearest-rank over the measured predictions (with fewer than 100 predictions p99 is the slowest one); predictions/s = measured predictions / their summed latency (sequential, one input at a time, no batching).`,
          ],
        },
        {
          title: "Image: sign-digits head on MobileNetV2 multi-scale features, one 224×224 RawImage per predict() call",
          columns: columnsFor("image"),
          rows: latencyRows(rows, "image"),
          notes: [
            `Inputs: ${imageUrls.length} sign-digits pictures (3 per class) decoded in the page as the Train tab does (EXIF orientation, centre crop, 224×224 RGBA; decoding not timed), cycled; ${CONFIG.imageWarmup} warm-up predictions, then ${CONFIG.imageN} measured: predictor.predict([rawImage], {topK: 3}) with the loaded backbone (preprocess, MobileNetV2 multi-scale forward pass, head, read back).`,
            `One-off load: loadMobileNetV2("/models/mobilenet_v2/model.json", multi-scale, no warm-up; fetch from the local server + weight decoding + model build) + loadPredictor(head bundle) + the first prediction (which compiles the kernels).`,
            `A backend is not measured when the median of the later half of its warm-up predictions × ${CONFIG.imageN} exceeds PREDICT_BENCH_IMAGE_BUDGET_S = ${CONFIG.imageBudgetS} s (text: PREDICT_BENCH_TEXT_BUDGET_S = ${CONFIG.textBudgetS} s); its load time and warm-up latencies are still reported.`,
            `The harness runs the app's code on the page's main thread; the app runs the same predictor in a module worker.`,
            ...perBackendNotes,
          ],
        },
      ],
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
