// Issue 4 benchmark: training in headless Chromium on each tfjs backend.
//
//  1. banking77 through the real app: the built app (bench/server.mjs, its own build folder
//     .next-bench), train.csv uploaded and imported through the routes, the project's Train tab
//     opened in Chromium with the backend forced in the Advanced settings, "Start training" clicked
//     and the saved version awaited (bench/support/train-in-app.mjs, shared with scenes.bench.mjs). The saved bundle is then downloaded and test.csv predicted in
//     Node (lib/ml/predictor.ts on the tfjs cpu backend, bench/support/eval-text.ts through tsx).
//  2. sign-digits on a bare harness page (bench/browser/image-bench.ts bundled with esbuild) that
//     runs the app's MobileNetV2 feature extractor and head trainer: a seeded stratified 80/20
//     split, (a) features computed once then the head trained N epochs, (b) a naive loop that
//     embeds every training image again each epoch, measured for k <= N epochs.
//
// `node scripts/bench.mjs train`. Budgets and choices (environment variables):
//   TRAIN_BENCH_BACKENDS       webgpu,webgl,wasm,cpu   backends to try, in this order
//   TRAIN_BENCH_PARTS          text,image              which parts to run
//   TRAIN_BENCH_PORT           3995                    port of the app server
//   TRAIN_BENCH_TEXT_PRESET    balanced                preset chosen on the Train tab
//   TRAIN_BENCH_TEXT_BUDGET_S  420                     per backend: click → saved version
//   TRAIN_BENCH_IMAGE_EPOCHS   20                      head epochs (fixed, no early stopping)
//   TRAIN_BENCH_IMAGE_AUGMENT  2                       augmented copies per training picture in the
//                                                     second head run (the Best accuracy preset's); 0 = skip
//   TRAIN_BENCH_IMAGE_PRESETS  balanced,best           presets also run as the Train tab runs them
//   TRAIN_BENCH_NAIVE_EPOCHS   3                       at most this many naive epochs are measured
//   TRAIN_BENCH_PROBE_IMAGES   8                       images in the embedding speed probe
//   TRAIN_BENCH_IMAGE_BUDGET_S 240                     per backend: projected time to embed all images once
//   TRAIN_BENCH_NAIVE_BUDGET_S 200                     per backend: time given to the naive loop
//   TRAIN_BENCH_SEED           42                      split and training seed
//   CHROMIUM_PATH              /usr/bin/chromium
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer } from "./server.mjs";
import { launch, memorySampler } from "./support/chromium.mjs";
import { bundleBrowserEntry, listImages, startHarness } from "./support/harness.mjs";
import { latestVersion, trainInApp } from "./support/train-in-app.mjs";

const env = process.env;
const num = (name, fallback) => (env[name] !== undefined && env[name] !== "" && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback);
const CONFIG = {
  backends: (env.TRAIN_BENCH_BACKENDS ?? "webgpu,webgl,wasm,cpu").split(",").map((s) => s.trim()).filter(Boolean),
  parts: (env.TRAIN_BENCH_PARTS ?? "text,image").split(",").map((s) => s.trim()),
  port: num("TRAIN_BENCH_PORT", 3995),
  textPreset: env.TRAIN_BENCH_TEXT_PRESET ?? "balanced",
  textBudgetS: num("TRAIN_BENCH_TEXT_BUDGET_S", 420),
  imageEpochs: num("TRAIN_BENCH_IMAGE_EPOCHS", 20),
  imageAugment: num("TRAIN_BENCH_IMAGE_AUGMENT", 2),
  imagePresets: (env.TRAIN_BENCH_IMAGE_PRESETS ?? "balanced,best").split(",").map((s) => s.trim()).filter(Boolean),
  naiveEpochs: num("TRAIN_BENCH_NAIVE_EPOCHS", 3),
  probeImages: num("TRAIN_BENCH_PROBE_IMAGES", 8),
  imageBudgetS: num("TRAIN_BENCH_IMAGE_BUDGET_S", 240),
  naiveBudgetS: num("TRAIN_BENCH_NAIVE_BUDGET_S", 200),
  seed: num("TRAIN_BENCH_SEED", 42),
};
const KNOWN_BACKENDS = ["webgpu", "webgl", "wasm", "cpu"];

const s1 = (ms) => (ms === null || ms === undefined ? null : (ms / 1000).toFixed(1));
const pct = (x) => (x === null || x === undefined ? null : `${(x * 100).toFixed(2)}%`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function loadAverage() {
  return os.loadavg().map((x) => x.toFixed(2)).join(" / ");
}

/* ------------------------------------------------------------------------------------------ */
/* Part 1: banking77 through the app                                                           */

async function trainTextInApp({ server, backend, trainBytes, testCsv, root, log }) {
  const { client } = server;
  const row = { backend, status: "ok" };
  const p = await client("POST", "/api/projects", { name: `bench-train-banking77-${backend}`, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat"] });
  if (p.status !== 201 && p.status !== 200) throw new Error(`create project failed: ${p.status} ${p.text}`);
  const id = p.json.project.id;
  const pre = await client("POST", `/api/projects/${id}/uploads?name=train.csv`, trainBytes, { "content-type": "application/octet-stream" });
  if (pre.status !== 200) throw new Error(`upload failed: ${pre.text}`);
  const imp = await client("POST", `/api/projects/${id}/imports`, { uploadId: pre.json.uploadId, mapping: pre.json.mapping });
  if (imp.status !== 201) throw new Error(`import failed: ${imp.text}`);
  row.rows = imp.json.added;

  Object.assign(row, await trainInApp({ server, projectId: id, backend, preset: CONFIG.textPreset, budgetS: CONFIG.textBudgetS, label: `banking77/${backend}`, log }));
  if (row.status !== "ok") return row;

  const { summary: v, training, fields } = await latestVersion(client, id);
  Object.assign(row, fields);
  row.validationAccuracy = v.headline.accuracy ?? null;
  row.architecture = training.architecture ?? null;

  // The saved bundle, downloaded with the session cookie, predicted in Node (tfjs cpu).
  const res = await fetch(`${server.base}/api/projects/${id}/models/${v.id}/bundle`, { headers: { cookie: server.cookie() } });
  if (!res.ok) throw new Error(`bundle download failed: ${res.status}`);
  const file = path.join(os.tmpdir(), `studio-bench-banking77-${backend}-${process.pid}.bundle`);
  fs.writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
  try {
    const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
    const r = spawnSync(process.execPath, [tsx, path.join(root, "bench", "support", "eval-text.ts"), file, testCsv], { cwd: root, encoding: "utf8", timeout: 300_000 });
    if (r.status !== 0) throw new Error(`eval-text failed: ${r.stderr || r.stdout}`);
    row.test = JSON.parse(r.stdout.trim().split("\n").pop());
  } finally {
    fs.rmSync(file, { force: true });
  }
  return row;
}

async function runText({ root, datasets, log, backends }) {
  const trainCsv = path.join(datasets, "banking77", "train.csv");
  const testCsv = path.join(datasets, "banking77", "test.csv");
  if (!fs.existsSync(trainCsv) || !fs.existsSync(testCsv)) return { skipped: `banking77 not found under ${datasets}` };
  const t = performance.now();
  log(`starting the app on port ${CONFIG.port} (NEXT_DIST_DIR=.next-bench; builds first when sources changed)…`);
  const server = await startServer(root, { port: CONFIG.port, env: { NEXT_DIST_DIR: ".next-bench" } });
  const serverStartMs = performance.now() - t;
  log(`app up after ${s1(serverStartMs)} s`);
  const rows = [];
  try {
    const trainBytes = new Uint8Array(fs.readFileSync(trainCsv));
    for (const backend of backends) {
      log(`banking77 on ${backend} (load ${loadAverage()})…`);
      const loadBefore = os.loadavg()[0];
      try {
        const row = await trainTextInApp({ server, backend, trainBytes, testCsv, root, log });
        row.loadAvg1 = [loadBefore, os.loadavg()[0]];
        rows.push(row);
        log(
          row.status === "ok"
            ? `  ${backend}: used ${row.backendUsed}, click→saved ${s1(row.clickToSavedMs)} s, training ${s1(row.trainingMs)} s, ${row.epochsRun} epochs, test accuracy ${pct(row.test.accuracy)}`
            : `  ${backend}: ${row.status}: ${row.reason}`,
        );
      } catch (e) {
        rows.push({ backend, status: "error", reason: e instanceof Error ? e.message : String(e) });
        log(`  ${backend}: error ${e instanceof Error ? e.stack : e}`);
      }
    }
  } finally {
    await server.stop();
  }
  return { rows, serverStartMs };
}

/* ------------------------------------------------------------------------------------------ */
/* Part 2: sign-digits on the harness page                                                     */

async function imageRun({ harness, list, backend, log }) {
  const row = { backend, status: "ok" };
  const { browser, marker } = await launch(backend);
  const mem = memorySampler(marker);
  const ev = (fn, arg, timeoutMs) =>
    Promise.race([page.evaluate(fn, arg), sleep(timeoutMs).then(() => Promise.reject(new Error(`step timed out after ${s1(timeoutMs)} s`)))]);
  let page;
  try {
    row.chromium = browser.version();
    page = await browser.newPage();
    page.on("console", (m) => {
      if (m.text().startsWith("[image-bench]")) log(`  ${backend}: ${m.text()}`);
    });
    await page.goto(`${harness.base}/`);
    await page.waitForFunction(() => window.imageBench !== undefined, null, { timeout: 60_000 });
    const init = await ev((b) => window.imageBench.init(b), backend, 60_000);
    row.backendUsed = init.active;
    row.choice = init.choice;
    row.wasmThreads = init.choice?.wasm?.threads ?? null;
    row.webgpuAdapter = init.webgpuAdapter;
    if (init.active !== backend) {
      row.status = "unavailable";
      row.reason = `tfjs could not use ${backend} here (fell back to ${init.active}: ${JSON.stringify(init.choice.attempts)})`;
      return row;
    }
    const images = await ev(([l, seed]) => window.imageBench.loadImages(l, seed), [list, CONFIG.seed], 300_000);
    Object.assign(row, { images: images.n, trainImages: images.train, heldOutImages: images.heldOut, decodeMs: images.ms });
    const bb = await ev(() => window.imageBench.loadBackbone(), undefined, 300_000);
    row.backboneLoadMs = bb.ms;
    row.backbone = `${bb.id} (${bb.featureDim}-d, ${bb.version})`;

    // Speed probe: one batch to compile kernels for the batch shape, then a measured one.
    const n = CONFIG.probeImages;
    const budgetMs = CONFIG.imageBudgetS * 1000;
    const first = await ev((k) => window.imageBench.probe(k), n, budgetMs);
    row.probeFirstMs = first.ms;
    const probe = await ev((k) => window.imageBench.probe(k), n, budgetMs);
    row.probe = { n: probe.n, ms: probe.ms, featuresPerSec: probe.n / (probe.ms / 1000) };
    const perImage = probe.ms / probe.n;
    row.projectedEmbedAllMs = perImage * images.n;
    if (row.projectedEmbedAllMs > budgetMs) {
      row.status = "over-budget";
      row.reason = `embedding all ${images.n} images once would take about ${s1(row.projectedEmbedAllMs)} s (projected from the measured ${probe.n}-image probe), over the ${CONFIG.imageBudgetS} s budget; not run`;
      return row;
    }

    const held = await ev(() => window.imageBench.embedHeldOut(), undefined, 3 * budgetMs);
    row.heldOutEmbedMs = held.ms;
    const cached = await ev(([e, seed]) => window.imageBench.cached(e, seed), [CONFIG.imageEpochs, CONFIG.seed], 6 * budgetMs);
    row.cached = { ...cached, featuresPerSec: cached.n / (cached.embedMs / 1000) };
    log(`  ${backend}: cached: embed ${cached.n} in ${s1(cached.embedMs)} s, head ${cached.epochsRun} epochs in ${s1(cached.headMs)} s, held-out ${pct(cached.accuracy)}`);
    if (CONFIG.imageAugment > 0) {
      const aug = await ev(([e, seed, v]) => window.imageBench.augmented(e, seed, v), [CONFIG.imageEpochs, CONFIG.seed, CONFIG.imageAugment], 6 * CONFIG.imageAugment * budgetMs);
      row.augmented = aug;
      log(`  ${backend}: augmented ×${aug.views}: embed ${aug.copies} copies in ${s1(aug.augmentMs)} s, head ${aug.epochsRun} epochs in ${s1(aug.headMs)} s, held-out ${pct(aug.accuracy)}`);
    }
    row.presets = [];
    for (const preset of CONFIG.imagePresets) {
      const p = await ev(([pr, seed]) => window.imageBench.preset(pr, seed), [preset, CONFIG.seed], 12 * budgetMs);
      row.presets.push(p);
      log(`  ${backend}: preset ${preset}: ${p.augmentViews} copies (${p.embedded} newly embedded in ${s1(p.augmentMs)} s), head ${p.epochsRun} epochs in ${s1(p.headMs)} s, held-out ${pct(p.accuracy)}`);
    }
    const naiveBudget = CONFIG.naiveBudgetS * 1000;
    const naive = await ev(([e, seed, b]) => window.imageBench.naive(e, seed, b), [Math.min(CONFIG.naiveEpochs, CONFIG.imageEpochs), CONFIG.seed, naiveBudget], naiveBudget + 6 * budgetMs);
    const k = naive.perEpoch.length;
    const perEpochMs = k ? naive.perEpoch.reduce((a, x) => a + x.embedMs + x.headMs, 0) / k : null;
    row.naive = {
      measuredEpochs: k,
      perEpoch: naive.perEpoch,
      measuredTotalMs: naive.perEpoch.reduce((a, x) => a + x.embedMs + x.headMs, 0),
      meanEpochMs: perEpochMs,
      accuracyAfterMeasuredEpochs: naive.accuracy,
      extrapolatedTotalMs: perEpochMs !== null ? perEpochMs * CONFIG.imageEpochs : null,
    };
    row.tensorsLeft = await ev(() => window.imageBench.memory(), undefined, 10_000);
    return row;
  } catch (e) {
    row.status = "error";
    row.reason = e instanceof Error ? e.message : String(e);
    return row;
  } finally {
    row.memory = mem.stop();
    await browser.close();
  }
}

async function runImage({ root, datasets, log, backends }) {
  const dir = path.join(datasets, "sign-digits");
  if (!fs.existsSync(dir)) return { skipped: `sign-digits not found under ${datasets}` };
  const model = path.join(root, "public", "models", "mobilenet_v2", "model.json");
  if (!fs.existsSync(model) || !fs.existsSync(path.join(root, "public", "vendor", "tfjs-wasm"))) {
    log("copying run-time assets into public/ (node scripts/copy-assets.mjs)…");
    const r = spawnSync(process.execPath, [path.join(root, "scripts", "copy-assets.mjs")], { cwd: root, stdio: "inherit" });
    if (r.status !== 0) throw new Error("scripts/copy-assets.mjs failed");
  }
  const list = listImages(dir);
  const { outDir, outfile } = await bundleBrowserEntry(root, "bench/browser/image-bench.ts");
  const harness = await startHarness({ root, bundleFile: outfile, dataDir: dir });
  const rows = [];
  try {
    for (const backend of backends) {
      log(`sign-digits on ${backend} (load ${loadAverage()})…`);
      const loadBefore = os.loadavg()[0];
      const row = await imageRun({ harness, list, backend, log });
      row.loadAvg1 = [loadBefore, os.loadavg()[0]];
      rows.push(row);
      if (row.status !== "ok") log(`  ${backend}: ${row.status}: ${row.reason}`);
    }
  } finally {
    await harness.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  return { rows, images: list.length };
}

/* ------------------------------------------------------------------------------------------ */
/* Tables                                                                                       */

const mib = (m, type, key = "hwmMiB") => m?.[type]?.[key] ?? null;

/** "Training… 3.1 · Saving… 137.0": when each Train tab status text was first seen (250 ms polling). */
function phases(seen) {
  if (!seen) return null;
  const short = { "Preparing your data…": "preparing", "Training…": "training", "Saving the model…": "saving", Done: "done" };
  return Object.entries(seen)
    .sort((a, b) => a[1] - b[1])
    .map(([k, ms]) => `${short[k] ?? k} ${s1(ms)}`)
    .join(" · ");
}

function textTable(text, chromium) {
  if (text.skipped) return { title: "banking77 (ngram-bag) trained through the app's Train tab", columns: ["note"], rows: [[text.skipped]] };
  const rows = text.rows.map((r) =>
    r.status === "ok"
      ? [
          r.backend,
          r.backendUsed,
          s1(r.clickToSavedMs),
          s1(r.trainingMs),
          phases(r.statusSeenMs),
          `${r.epochsRun} of ${r.epochsPlanned} (best ${r.bestEpoch}, ${r.stoppedReason})`,
          pct(r.validationAccuracy),
          pct(r.test.accuracy),
          r.test.macroF1.toFixed(4),
          mib(r.memory, "renderer"),
          mib(r.memory, "gpu-process"),
        ]
      : [r.backend, r.backendUsed ?? null, null, null, phases(r.statusSeenMs), `not measured: ${r.reason}`, null, null, null, mib(r.memory, "renderer"), mib(r.memory, "gpu-process")],
  );
  const ok = text.rows.find((r) => r.status === "ok");
  return {
    title: "banking77 (ngram-bag) trained through the app's Train tab, test accuracy of the saved version on test.csv",
    columns: [
      "backend forced",
      "backend used (badge)",
      "click → saved version (s)",
      "training time of the version (s)",
      "status first seen (s after click)",
      "epochs run",
      "accuracy on the trainer's validation split",
      "test accuracy (test.csv, 3,080)",
      "test macro-F1",
      "peak renderer RSS (MiB)",
      "peak GPU-process RSS (MiB)",
    ],
    rows,
    notes: [
      `Each backend: a new project, train.csv (${ok?.rows ?? "10,003"} rows) uploaded and imported through the HTTP routes, the Train tab opened in a fresh headless Chromium ${chromium}, preset "${ok?.preset ?? CONFIG.textPreset}" (${ok ? `${ok.trainSamples} training / ${ok.validationSamples} validation samples, seed 42` : "defaults"}), backend forced in Advanced settings, "Start training" clicked; the clock stops when "train-done" shows (the version is saved).`,
      ...(ok?.hyperparams ? [`Hyperparameters recorded in the saved version (${ok.backend}): ${JSON.stringify(ok.hyperparams)}; architecture ${JSON.stringify(ok.architecture)}.`] : []),
      `"Status first seen": the Train tab's status line polled every 250 ms after the click: "training" shows once the data is fetched, the backend chosen and the job prepared (the worker then tokenizes and trains); "saving" shows when the worker has returned the trained bundle (after its own final evaluation and loading the model for predictions); the clock stops at "done" (version saved).`,
      `"Training time of the version" is trainingMs stored with the saved version (GET /api/projects/:id/models): the worker's training + evaluation of the saved bundle, without data loading, backend start-up and upload.`,
      `Test accuracy: the saved bundle downloaded (GET /api/projects/:id/models/:versionId/bundle) and test.csv predicted in Node with loadPredictor (lib/ml/predictor.ts) on the tfjs cpu backend (bench/support/eval-text.ts).`,
      `Targets (issue 4): banking77 test accuracy ≥ 88% required, 92% aimed. Published reference points on the same test set: TF-IDF + logistic regression ≈ 88.9%, TF-IDF + SVM ≈ 90.3%, BERT-large ≈ 93.7%.`,
      `Peak memory: the largest VmHWM (kernel peak resident set) among the browser's processes of each type, read from /proc every 250 ms while the run went on (not JS heap). The page and its training worker live in the renderer process; WebGL/WebGPU buffers and SwiftShader's work live in the GPU process.`,
      `App server start (incl. a build into .next-bench when sources changed): ${s1(text.serverStartMs)} s.`,
      ...text.rows.filter((r) => r.fallbackReason).map((r) => `${r.backend}: the Train tab showed a fallback reason: "${r.fallbackReason}".`),
      ...text.rows.filter((r) => r.pageErrors).map((r) => `${r.backend}: page errors: ${r.pageErrors.join(" | ")}`),
      `1-minute load average before/after each run: ${text.rows.map((r) => `${r.backend} ${r.loadAvg1?.map((x) => x.toFixed(1)).join("→") ?? "?"}`).join(", ")}.`,
    ],
  };
}

function imageTable(image, chromium) {
  const title = "sign-digits: MobileNetV2 features + classifier head, stratified 80/20 split (seed 42)";
  if (image.skipped) return [{ title, columns: ["note"], rows: [[image.skipped]] }];
  const N = CONFIG.imageEpochs;
  const rows = image.rows.map((r) => {
    const probe = r.probe ? `${r.probe.featuresPerSec.toFixed(2)} (${r.probe.n}-image probe)` : null;
    if (r.status !== "ok") return [r.backend, r.backendUsed ?? null, probe, null, null, null, null, `not run: ${r.reason}`, mib(r.memory, "renderer"), mib(r.memory, "gpu-process")];
    return [
      r.backend,
      r.backendUsed,
      `${r.cached.featuresPerSec.toFixed(2)} (${r.cached.n} training images)`,
      s1(r.cached.embedMs),
      `${s1(r.cached.headMs)} (${r.cached.epochsRun} epochs)`,
      s1(r.cached.embedMs + r.cached.headMs),
      s1(r.decodeMs + r.backboneLoadMs + r.cached.embedMs + r.cached.headMs),
      pct(r.cached.accuracy),
      mib(r.memory, "renderer"),
      mib(r.memory, "gpu-process"),
    ];
  });
  const naiveRows = image.rows
    .filter((r) => r.status === "ok" && r.naive)
    .map((r) => {
      const cachedTotal = r.cached.embedMs + r.cached.headMs;
      const k = r.naive.measuredEpochs;
      return [
        r.backend,
        s1(cachedTotal),
        `${k} of ${N}`,
        r.naive.perEpoch.map((e) => `${s1(e.embedMs)} + ${s1(e.headMs)}`).join("; "),
        s1(r.naive.meanEpochMs),
        s1(r.naive.measuredTotalMs),
        `${N} × ${s1(r.naive.meanEpochMs)} s (mean of ${k} measured epochs) = ${s1(r.naive.extrapolatedTotalMs)} s, extrapolated`,
        `${(r.naive.extrapolatedTotalMs / cachedTotal).toFixed(1)}× (extrapolated / measured)`,
        `${(r.naive.meanEpochMs / (r.cached.headMs / r.cached.epochsRun)).toFixed(0)}× (measured / measured)`,
        `${pct(r.naive.accuracyAfterMeasuredEpochs)} after ${k} epoch${k === 1 ? "" : "s"}`,
      ];
    });
  const ok = image.rows.find((r) => r.status === "ok");
  const adapter = image.rows.find((r) => r.webgpuAdapter)?.webgpuAdapter;
  const common = [
    `${image.images} JPEGs (100×100, 10 classes), decoded in the page as the Train tab does (EXIF orientation, centre crop, 224×224 RGBA); ${ok ? `${ok.trainImages} training / ${ok.heldOutImages} held-out images` : "80/20"} (lib/ml/split.ts stratifiedSplit, seed ${CONFIG.seed}).`,
    `Harness page (bench/browser/image-bench.ts, esbuild bundle, served from 127.0.0.1 with public/), fresh headless Chromium ${chromium} per backend; the app's code on the page's main thread (the app runs the same code in its worker): selectBackend with the backend forced, loadMobileNetV2("/models/mobilenet_v2/model.json", warm-up, mid-level features: mobilenet-v2-ml-3520, 3,520-d, as new image models use; the backbone is recorded per row in the JSON), backbone.embed in chunks of 16 (batches of 8) as the worker does, trainClassifierHead with the backbone's feature blocks (featureGroups, as the worker passes them) and the "balanced" image-head preset, epochs ${N}, patience 0 (no early stopping), validationFraction 0; accuracy from the saved bundle through loadPredictor on the held-out features.`,
    `Backends whose embedding speed is too low are not run in full: the probe embeds ${CONFIG.probeImages} images once to compile kernels, then ${CONFIG.probeImages} more, timed; a full run is skipped when all ${image.images} images would take longer than ${CONFIG.imageBudgetS} s at that speed (TRAIN_BENCH_IMAGE_BUDGET_S). The probe speed is measured; the projection is only used to decide.`,
    `Targets (issue 4): sign-digits held-out accuracy ≥ 95% required, 98% aimed.`,
    `Peak memory: largest VmHWM per process type from /proc, as in the banking77 table.`,
    `1-minute load average before/after each run: ${image.rows.map((r) => `${r.backend} ${r.loadAvg1?.map((x) => x.toFixed(1)).join("→") ?? "?"}`).join(", ")}.`,
  ];
  for (const r of image.rows.filter((r) => r.status === "ok")) {
    common.push(`${r.backend}: last head epoch on the training features: accuracy ${pct(r.cached.finalTrainAcc)}, loss ${r.cached.finalTrainLoss?.toFixed(4)} (with dropout and label smoothing 0.05 active); held-out ${pct(r.cached.accuracy)}.`);
  }
  if (adapter) common.push(`WebGPU adapter reported by the page: "${adapter}".`);
  for (const r of image.rows.filter((r) => r.probe)) common.push(`${r.backend}: backbone load ${s1(r.backboneLoadMs)} s; first ${CONFIG.probeImages}-image batch (kernel compilation) ${s1(r.probeFirstMs)} s; measured probe ${r.probe.n} images in ${s1(r.probe.ms)} s.`);
  return [
    {
      title: `${title}: (a) with the feature cache`,
      columns: [
        "backend forced",
        "backend used",
        "backbone features per second",
        "embed training images once (s)",
        `train head, fixed epochs (s)`,
        "features + head = time to a trained model (s)",
        "incl. image decoding and backbone load (s)",
        "held-out accuracy (20%)",
        "peak renderer RSS (MiB)",
        "peak GPU-process RSS (MiB)",
      ],
      rows,
      notes: common,
    },
    {
      title: `${title}: (a') with the feature cache and ${CONFIG.imageAugment} augmented copies per training picture (the Best accuracy preset's setting)`,
      columns: ["backend", "copies embedded", "embed copies (s)", "train head, fixed epochs (s)", "time to a trained model: originals + copies + head (s)", "held-out accuracy (20%)"],
      rows: image.rows
        .filter((r) => r.status === "ok" && r.augmented)
        .map((r) => [
          r.backend,
          r.augmented.copies,
          s1(r.augmented.augmentMs),
          `${s1(r.augmented.headMs)} (${r.augmented.epochsRun} epochs)`,
          s1(r.cached.embedMs + r.augmented.augmentMs + r.augmented.headMs),
          pct(r.augmented.accuracy),
        ]),
      notes: [
        `Same run and head settings as (a), plus augmentViews ${CONFIG.imageAugment} (TRAIN_BENCH_IMAGE_AUGMENT): each training picture gets ${CONFIG.imageAugment} random crops (85–100 % of the side) with a brightness change of up to ±15 % (lib/ml/image/augment.ts, never mirrored), embedded once; held-out pictures are never augmented. The originals' features are reused from (a), and their embedding time is counted in the total.`,
      ],
    },
    {
      title: `${title}: (a'') the app's presets as the Train tab runs them`,
      columns: ["backend", "preset", "augmented copies per picture", "head epochs run (early stopping)", "train head (s)", "held-out accuracy (20%)"],
      rows: image.rows
        .filter((r) => r.status === "ok" && r.presets?.length)
        .flatMap((r) => r.presets.map((p) => [r.backend, p.preset, p.augmentViews, p.epochsRun, s1(p.headMs), pct(p.accuracy)])),
      notes: [
        `trainClassifierHead with only the preset, the seed and the backbone's feature blocks, as the worker calls it: the preset's inner validation split (15 % of the training pictures) picks the best epoch and stops early, so the head sees fewer pictures than in (a). Augmented copies are reused from (a') when it made them (the worker caches them the same way); otherwise their embedding time is in the notes of the JSON.`,
      ],
    },
    {
      title: `${title}: (b) naive loop that recomputes backbone features every epoch, side by side`,
      columns: [
        "backend",
        `(a) cached: features + ${N} head epochs, measured (s)`,
        "naive epochs measured",
        "measured epochs: embed + head (s)",
        "naive s per epoch (mean, measured)",
        "naive measured total (s)",
        `naive for ${N} epochs`,
        `naive ${N} epochs / cached`,
        "naive epoch / cached head epoch",
        "naive held-out accuracy",
      ],
      rows: naiveRows.length ? naiveRows : [["—", null, null, null, null, null, "no backend ran the full image benchmark", null, null, null]],
      notes: [
        `Naive: each epoch embeds every training image again, then trains the head one epoch with trainClassifierHead (epochs 1), continuing from the previous epoch's bundle (resumeFrom; Adam state restarts each epoch, and every call also saves and re-evaluates the bundle, as one app training run does).`,
        `At most ${CONFIG.naiveEpochs} naive epochs are measured (TRAIN_BENCH_NAIVE_EPOCHS, within TRAIN_BENCH_NAIVE_BUDGET_S = ${CONFIG.naiveBudgetS} s). The "${N} epochs" column is NOT measured: it is ${N} × the measured mean epoch time, labelled extrapolated; the per-epoch columns are measured.`,
        `The feature cache (the worker keys features by blob content hash) also means a second training run on the same pictures skips embedding entirely; that is not timed here.`,
      ],
    },
  ];
}

/* ------------------------------------------------------------------------------------------ */

export async function run({ root, datasets, log }) {
  if (!fs.existsSync(datasets)) return { skipped: `no datasets under ${datasets}` };
  const unknown = CONFIG.backends.filter((b) => !KNOWN_BACKENDS.includes(b));
  if (unknown.length) throw new Error(`unknown backend(s) ${unknown.join(", ")}; use ${KNOWN_BACKENDS.join(", ")}`);
  const started = performance.now();
  log(`config ${JSON.stringify(CONFIG)}`);
  const { browser } = await launch("cpu");
  const chromium = browser.version();
  await browser.close();
  const text = CONFIG.parts.includes("text") ? await runText({ root, datasets, log, backends: CONFIG.backends }) : { skipped: "not selected (TRAIN_BENCH_PARTS)" };
  const image = CONFIG.parts.includes("image") ? await runImage({ root, datasets, log, backends: CONFIG.backends }) : { skipped: "not selected (TRAIN_BENCH_PARTS)" };
  const cpus = os.cpus();
  const machineNotes = [
    `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, no GPU. Chromium ${chromium} (headless, ${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"}) through @playwright/test.`,
    `WebGPU here is SwiftShader's Vulkan implementation running on the CPU (flags --enable-unsafe-webgpu --enable-features=Vulkan --use-vulkan=swiftshader --use-webgpu-adapter=swiftshader, only for the webgpu runs); WebGL is ANGLE on SwiftShader, also the CPU. Neither says anything about speed on a real GPU. wasm runs with SIMD, and with threads when the page is crossOriginIsolated (the app's pages and the harness page send COOP/COEP; see wasmThreads per row in the JSON).`,
    `Other processes shared the 2 cores during the run (see the load averages); timings are wall-clock and include that contention.`,
    `Total bench wall time: ${s1(performance.now() - started)} s. Config: ${JSON.stringify(CONFIG)}.`,
  ];
  return {
    results: { config: CONFIG, chromium, text, image },
    tables: [
      { title: "Machine and setup", columns: ["note"], rows: machineNotes.map((n) => [n]) },
      textTable(text, chromium),
      ...imageTable(image, chromium),
    ],
  };
}
