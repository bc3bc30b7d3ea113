// Issue 6 benchmark: each scene's time to a trained model, per tfjs backend, through the real app.
//
// For every scene of the registry (lib/scenes, read through bench/support/scene-list.ts) with its
// default model type, plus a few non-default model types whose backend support differs (the
// image-recognition CNNs), and every backend asked for:
//   a new project through POST /api/projects, the scene's bundled sample dataset loaded with
//   POST /api/projects/:id/sample-dataset (public/samples), then the Train tab opened in a fresh
//   headless Chromium with the backend forced in the Advanced settings, "Start training" clicked
//   and the saved version awaited (bench/support/train-in-app.mjs, the same flow as the banking77
//   part of train.bench.mjs). The version list then gives trainingMs and the headline metric.
// When the Train tab runs on another backend than the one forced (e.g. wasm for a model that trains
// convolutions), the run is stopped there and recorded as not-supported with the tab's reason.
//
// `node scripts/bench.mjs scenes`. Choices (environment variables):
//   SCENES_BENCH_SCENES      all scenes of the registry   comma-separated scene ids
//   SCENES_BENCH_BACKENDS    webgpu,webgl,wasm,cpu        backends to force, in this order
//   SCENES_BENCH_EXTRA       image-recognition:small-cnn,image-recognition:mobilenet-finetune
//                                                         scene:modelType rows besides the defaults
//                                                         (only those the registry marks available;
//                                                         "none" for none)
//   SCENES_BENCH_PRESET      fast                         Train tab preset (fast, balanced, best)
//   SCENES_BENCH_BUDGET_S    120                          per run: click → saved version
//   SCENES_BENCH_TIME_FALLBACKS  0                        1: time a fallback backend instead of stopping
//   SCENES_BENCH_PORT        3996                         port of the app server
//   CHROMIUM_PATH            /usr/bin/chromium
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { startServer } from "./server.mjs";
import { launch } from "./support/chromium.mjs";
import { latestVersion, trainInApp } from "./support/train-in-app.mjs";

const env = process.env;
const num = (name, fallback) => (env[name] !== undefined && env[name] !== "" && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback);
const list = (name, fallback) => (env[name] ?? fallback).split(",").map((s) => s.trim()).filter(Boolean);
const CONFIG = {
  scenes: env.SCENES_BENCH_SCENES ? list("SCENES_BENCH_SCENES", "") : null,
  backends: list("SCENES_BENCH_BACKENDS", "webgpu,webgl,wasm,cpu"),
  extra: env.SCENES_BENCH_EXTRA === "none" ? [] : list("SCENES_BENCH_EXTRA", "image-recognition:small-cnn,image-recognition:mobilenet-finetune"),
  preset: env.SCENES_BENCH_PRESET ?? "fast",
  budgetS: num("SCENES_BENCH_BUDGET_S", 120),
  timeFallbacks: env.SCENES_BENCH_TIME_FALLBACKS === "1",
  port: num("SCENES_BENCH_PORT", 3996),
};
const KNOWN_BACKENDS = ["webgpu", "webgl", "wasm", "cpu"];
const PRESETS = ["fast", "balanced", "best"];
/** What one sample is, per data kind of the registry. */
const UNIT = { text: "rows", faq: "Q&A entries", entities: "sentences", tabular: "rows", ratings: "ratings", image: "images", audio: "clips" };
/** The version list's headline: the first of these a version has (components/evaluate/evaluate-tab.tsx). */
const HEADLINE_ORDER = ["accuracy", "top1", "f1", "microF1", "hitRate10", "mae", "rmse"];
const HEADLINE_NAME = { accuracy: "accuracy", top1: "top-1", f1: "F1", microF1: "micro-F1", hitRate10: "hit@10", mae: "MAE", rmse: "RMSE" };
const AS_PERCENT = new Set(["accuracy", "top1", "f1", "microF1", "hitRate10"]);

const s1 = (ms) => (ms === null || ms === undefined ? null : (ms / 1000).toFixed(1));
const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(" / ");

/** The registry as plain JSON (the .ts registry run through tsx). */
function readRegistry(root) {
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const r = spawnSync(process.execPath, [tsx, path.join(root, "bench", "support", "scene-list.ts")], { cwd: root, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`scene-list failed: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

/** Scene × model type combinations to run, with why an asked-for one is left out. */
function plan(scenes) {
  const wanted = CONFIG.scenes ?? scenes.map((s) => s.id);
  const unknown = wanted.filter((id) => !scenes.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown scene(s) ${unknown.join(", ")}; the registry has ${scenes.map((s) => s.id).join(", ")}`);
  const combos = [];
  const skipped = [];
  for (const scene of scenes.filter((s) => wanted.includes(s.id))) {
    if (!scene.sample) {
      skipped.push(`${scene.id}: no bundled sample dataset`);
      continue;
    }
    const byId = new Map(scene.modelTypes.map((m) => [m.id, m]));
    combos.push({ scene, modelType: byId.get(scene.defaultModelType), isDefault: true });
    for (const extra of CONFIG.extra) {
      const [sceneId, modelTypeId] = extra.split(":");
      if (sceneId !== scene.id || modelTypeId === scene.defaultModelType) continue;
      const m = byId.get(modelTypeId);
      if (!m) skipped.push(`${extra}: the registry has no such model type`);
      else if (!m.available) skipped.push(`${extra}: not offered (the registry marks it planned)`);
      else combos.push({ scene, modelType: m, isDefault: false });
    }
  }
  return { combos, skipped };
}

function headline(h) {
  const key = HEADLINE_ORDER.find((k) => h?.[k] !== undefined);
  if (!key) return null;
  const value = AS_PERCENT.has(key) ? `${(h[key] * 100).toFixed(1)}%` : Math.abs(h[key]) >= 100 ? h[key].toFixed(1) : h[key].toFixed(3);
  const r2 = h.r2 !== undefined ? `, R² ${h.r2.toFixed(3)}` : "";
  return { key, value: h[key], text: `${HEADLINE_NAME[key]} ${value}${r2}` };
}

/** One scene × model type × backend: project, sample dataset, Train tab, saved version. */
async function runOne({ server, combo, backend, log }) {
  const { client } = server;
  const { scene, modelType } = combo;
  const row = { scene: scene.id, modelType: modelType.id, isDefault: combo.isDefault, backend, status: "ok" };
  const p = await client("POST", "/api/projects", { name: `bench-scenes-${scene.id}-${modelType.id}-${backend}`, scene: scene.id, modelType: modelType.id, interfaces: scene.interfaces });
  if (p.status !== 201 && p.status !== 200) throw new Error(`create project failed: ${p.status} ${p.text}`);
  const id = p.json.project.id;
  const t = performance.now();
  const sample = await client("POST", `/api/projects/${id}/sample-dataset`);
  if (sample.status !== 201 || sample.json?.kind !== "imported") throw new Error(`sample-dataset failed: ${sample.status} ${sample.text}`);
  row.sampleLoadMs = performance.now() - t;
  row.sampleSize = sample.json.added;
  row.sampleUnit = UNIT[scene.dataKind] ?? "samples";

  const stopOnFallback = !CONFIG.timeFallbacks;
  Object.assign(row, await trainInApp({ server, projectId: id, backend, preset: CONFIG.preset, budgetS: CONFIG.budgetS, stopOnFallback, label: `${scene.id}/${modelType.id}/${backend}`, log }));
  if (row.status === "over-budget") {
    // Where it was when the budget ran out: the last Train tab status seen and since when.
    const last = Object.entries(row.statusSeenMs ?? {}).sort((a, b) => b[1] - a[1])[0];
    if (last) row.reason += `; status then: "${last[0]}" since ${s1(last[1])} s after the click`;
  }
  if (row.reason) row.reason = row.reason.replace(/\s*Dismiss$/, "");
  if (row.status !== "ok") return row;

  const { summary: v, fields } = await latestVersion(client, id);
  Object.assign(row, fields);
  row.headline = v.headline;
  row.headlineShown = headline(v.headline);
  if (CONFIG.timeFallbacks && row.backendUsed !== backend) row.status = "fallback";
  return row;
}

/* ------------------------------------------------------------------------------------------ */
/* Tables                                                                                       */

const mib = (m, type) => m?.[type]?.hwmMiB ?? null;
/** Train tab status texts, short, for cells of runs stopped by the budget. */
const PHASE = {
  "Preparing your data…": "still preparing the data",
  "Loading the pretrained model…": "still loading the backbone",
  "Reading your pictures with the pretrained model (once per picture)…": "still computing picture features",
  "Listening to your clips with the pretrained speech model (once per clip)…": "still computing clip features",
  "Training…": "training",
};
const comboLabel = (r) => `${r.scene} (${r.modelType}${r.isDefault ? "" : ", not the default"})`;

function cell(r) {
  if (!r) return "not run";
  if (r.status === "ok") return s1(r.clickToSavedMs);
  if (r.status === "fallback") return `${s1(r.clickToSavedMs)} on ${r.backendUsed}`;
  if (r.status === "over-budget") {
    // How far it got: the last epoch shown, else the phase it was still in.
    const epoch = /last progress: Epoch (\d+ of \d+)/.exec(r.reason ?? "")?.[1];
    const phase = /status then: "([^"]+)"/.exec(r.reason ?? "")?.[1];
    const where = epoch ? `at epoch ${epoch}` : phase ? PHASE[phase] ?? phase : null;
    return `over budget (> ${CONFIG.budgetS} s${where ? `, ${where}` : ""})`;
  }
  if (r.status === "not-supported") return `not supported (→ ${r.backendUsed ?? "?"})`;
  return "error";
}

function tables(rows, { chromium, skipped, serverStartMs, wallMs }) {
  const combos = [...new Map(rows.map((r) => [`${r.scene}:${r.modelType}`, r])).values()];
  const summary = combos.map((c) => {
    const mine = rows.filter((r) => r.scene === c.scene && r.modelType === c.modelType);
    const size = mine.find((r) => r.sampleSize !== undefined);
    return [comboLabel(c), size ? `${size.sampleSize} ${size.sampleUnit}` : null, ...CONFIG.backends.map((b) => cell(mine.find((r) => r.backend === b)))];
  });
  const detail = rows.map((r) => [
    r.scene,
    r.modelType,
    r.sampleSize !== undefined ? `${r.sampleSize} ${r.sampleUnit}` : null,
    r.backend,
    r.backendUsed ?? null,
    r.fallbackReason ?? null,
    r.status === "ok" ? "ok" : `${r.status}: ${r.reason ?? ""}`.trim(),
    s1(r.clickToSavedMs),
    s1(r.trainingMs),
    r.headlineShown?.text ?? null,
    r.epochsRun !== undefined && r.epochsRun !== null ? `${r.epochsRun} of ${r.epochsPlanned} (${r.stoppedReason})` : null,
    mib(r.memory, "renderer"),
    mib(r.memory, "gpu-process"),
    r.loadAvg1 ? r.loadAvg1.map((x) => x.toFixed(1)).join(" → ") : null,
  ]);
  const notOk = rows.filter((r) => r.status !== "ok");
  const cpus = os.cpus();
  return [
    {
      title: `Time to a trained model (s, click "Start training" → version saved), preset "${CONFIG.preset}", scene × backend`,
      columns: ["scene (model type)", "sample dataset", ...CONFIG.backends.map((b) => `${b} (s)`)],
      rows: summary,
      notes: [
        `Each cell: a new project created through POST /api/projects with the model type shown, the scene's bundled sample dataset loaded with POST /api/projects/:id/sample-dataset (public/samples), the Train tab opened in a fresh headless Chromium ${chromium}, preset "${CONFIG.preset}" (SCENES_BENCH_PRESET; the point is time to a trained model, so the Fast preset is the default), the backend forced in Advanced settings, "Start training" clicked; the clock stops when the tab shows the version saved. It includes everything the user waits for after the click: fetching the training data, backend start-up, loading a pretrained backbone where the model has one (MobileNetV2, speech embedding) and computing its features, training, the final evaluation and uploading the bundle. Page load and Chromium start-up are not included.`,
        `Budget per run: ${CONFIG.budgetS} s (SCENES_BENCH_BUDGET_S), chosen so the whole bench fits in about 40 minutes on this machine. "over budget" = no saved version within it; the run was stopped and is not counted.`,
        `"not supported (→ X)": the model type cannot train on the backend forced; the Train tab fell back to X and said why (see the notes below), and the run was stopped there rather than timed on X (SCENES_BENCH_TIME_FALLBACKS=1 times it instead).`,
        `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, no GPU; other work shared the cores (load averages per run are in the JSON). WebGPU here is SwiftShader's Vulkan on the CPU (--enable-unsafe-webgpu --enable-features=Vulkan --use-vulkan=swiftshader --use-webgpu-adapter=swiftshader, only for webgpu runs) and WebGL is ANGLE on SwiftShader, also the CPU: their times say nothing about a real GPU. wasm runs with SIMD and threads (the app's pages are cross-origin isolated).`,
        ...skipped.map((s) => `Left out: ${s}.`),
        ...notOk.map((r) => `${r.scene}/${r.modelType} on ${r.backend}: ${r.status}: ${r.reason}${r.pageErrors ? ` (page errors: ${r.pageErrors.join(" | ")})` : ""}`),
        `App server start (incl. a build into .next-bench when sources changed): ${s1(serverStartMs)} s. Total bench wall time: ${s1(wallMs)} s.`,
      ],
    },
    {
      title: "Every run",
      columns: [
        "scene",
        "model type",
        "sample size",
        "backend forced",
        "backend used (badge)",
        "fallback reason shown",
        "status",
        "click → saved (s)",
        "trainingMs of the version (s)",
        "headline metric (version list)",
        "epochs run",
        "peak renderer RSS (MiB)",
        "peak GPU-process RSS (MiB)",
        "1-min load average before → after",
      ],
      rows: detail,
      notes: [
        `"trainingMs of the version": trainingMs stored with the saved version (the worker's own training + evaluation time, without data loading, backend start-up and upload).`,
        `Headline metric: the first number the Evaluate tab's version list shows (accuracy, top-1, F1, micro-F1, hit@10, MAE, RMSE in that order; R² added where the version has it), measured by the trainer on its own validation split of the small sample dataset: a sanity check that a usable model came out, not a quality benchmark.`,
        `Load average: the machine's 1-minute load average when the run started and ended (2 cores; above 2 means other work was waiting for the cores too, so times are inflated).`,
        `Peak memory: the largest VmHWM (kernel peak resident set) among the browser's processes of each type, read from /proc every 250 ms during the run. The page and its training worker live in the renderer; WebGL/WebGPU buffers and SwiftShader's work in the GPU process.`,
      ],
    },
  ];
}

/* ------------------------------------------------------------------------------------------ */

export async function run({ root, log }) {
  const unknown = CONFIG.backends.filter((b) => !KNOWN_BACKENDS.includes(b));
  if (unknown.length) throw new Error(`unknown backend(s) ${unknown.join(", ")}; use ${KNOWN_BACKENDS.join(", ")}`);
  if (!PRESETS.includes(CONFIG.preset)) throw new Error(`unknown preset ${CONFIG.preset}; use ${PRESETS.join(", ")}`);
  const started = performance.now();
  log(`config ${JSON.stringify(CONFIG)}`);
  const registry = readRegistry(root);
  const { combos, skipped } = plan(registry);
  log(`${combos.length} scene/model rows × ${CONFIG.backends.length} backends: ${combos.map((c) => `${c.scene.id}:${c.modelType.id}`).join(", ")}`);
  const { browser } = await launch("cpu");
  const chromium = browser.version();
  await browser.close();

  log(`starting the app on port ${CONFIG.port} (NEXT_DIST_DIR=.next-bench; builds first when sources changed)…`);
  const t = performance.now();
  const server = await startServer(root, { port: CONFIG.port, env: { NEXT_DIST_DIR: ".next-bench" } });
  const serverStartMs = performance.now() - t;
  log(`app up after ${s1(serverStartMs)} s`);
  const rows = [];
  try {
    for (const combo of combos) {
      for (const backend of CONFIG.backends) {
        const label = `${combo.scene.id}/${combo.modelType.id}/${backend}`;
        log(`${label} (load ${loadAverage()})…`);
        const loadBefore = os.loadavg()[0];
        let row;
        try {
          row = await runOne({ server, combo, backend, log });
        } catch (e) {
          row = { scene: combo.scene.id, modelType: combo.modelType.id, isDefault: combo.isDefault, backend, status: "error", reason: e instanceof Error ? e.message : String(e) };
        }
        row.loadAvg1 = [loadBefore, os.loadavg()[0]];
        rows.push(row);
        log(
          row.status === "ok"
            ? `  ${label}: used ${row.backendUsed}, click→saved ${s1(row.clickToSavedMs)} s, training ${s1(row.trainingMs)} s, ${row.headlineShown?.text ?? "no headline"}`
            : `  ${label}: ${row.status}: ${row.reason}`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  const wallMs = performance.now() - started;
  return {
    results: { config: CONFIG, chromium, registry: combos.map((c) => ({ scene: c.scene.id, modelType: c.modelType.id, isDefault: c.isDefault, needsConvGradients: c.modelType.needsConvGradients })), skipped, serverStartMs, rows },
    tables: tables(rows, { chromium, skipped, serverStartMs, wallMs }),
  };
}
