// Issue 13, item 1: how big a published text bot is, and what packing costs in accuracy.
//
// Per data set, one text model (ngram-bag, the intent chatbot's default) is trained twice in Node
// on the same data and seed (bench/support/bundle-size.ts through tsx, tfjs "cpu" backend): as
// the studio publishes it (weights packed: the embedding table in four bits per value with the
// rows no training text uses left out, other large tensors in float16; lib/ml/weight-packing.ts)
// and in full precision (float32, every row: what bundles were before). Both bundles are scored on
// the data set's own test file through lib/ml/predictor.ts (what the REST API runs).
//
// Data sets (../shared/datasets, not in the repository): Banking77 (77 intents), SNIPS (7 intents)
// and a 30-intent bot from Banking77 (its first 30 intents, at most 82 training texts each).
//
// `node scripts/bench.mjs bundle-size`. Settings (environment variables):
//   BUNDLE_BENCH_PRESET    balanced    training preset
//   STUDIO_DATASETS        ../shared/datasets
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const preset = process.env.BUNDLE_BENCH_PRESET ?? "balanced";
const loadAverage = () => os.loadavg().map((x) => Number(x.toFixed(2)));
const kb = (n) => Math.round(n / 1024);

export async function run({ root, log }) {
  const datasets = path.resolve(root, process.env.STUDIO_DATASETS ?? "../shared/datasets");
  const sets = [
    { name: "Banking77, 77 intents", train: "banking77/train.csv", test: "banking77/test.csv", label: "category" },
    { name: "Banking77, first 30 intents (≤ 82 texts each)", train: "banking77/train.csv", test: "banking77/test.csv", label: "category", classes: 30, perClass: 82 },
    { name: "SNIPS, 7 intents", train: "snips/train-intents.csv", test: "snips/test-intents.csv", label: "intent" },
  ].filter((s) => fs.existsSync(path.join(datasets, s.train)) && fs.existsSync(path.join(datasets, s.test)));
  if (sets.length === 0) return { skipped: `no data sets under ${datasets}` };
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const loadAtStart = loadAverage();
  const results = [];
  const rows = [];
  for (const s of sets) {
    log(`${s.name}: training twice (packed and full precision)…`);
    const args = [tsx, "bench/support/bundle-size.ts", path.join(datasets, s.train), path.join(datasets, s.test), s.label, preset];
    if (s.classes) args.push(String(s.classes), String(s.perClass));
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`bundle-size.ts failed for ${s.name}: ${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split("\n").pop());
    const p = out.published;
    const f = out.fullPrecision;
    const diff = (p.testAccuracy - f.testAccuracy) * 100;
    results.push({ dataset: s.name, ...out, load: loadAverage() });
    rows.push([
      s.name,
      out.classes,
      out.trainRows,
      out.testRows,
      kb(f.bundleBytes),
      kb(p.bundleBytes),
      (f.bundleBytes / p.bundleBytes).toFixed(1),
      `${p.rowsKept} / ${p.tableRows}`,
      (f.testAccuracy * 100).toFixed(2),
      (p.testAccuracy * 100).toFixed(2),
      `${diff >= 0 ? "+" : ""}${diff.toFixed(2)}`,
      loadAverage()[0],
    ]);
  }
  const machine = { cpuModel: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length };
  return {
    results: { machine, preset, loadAtStart, loadAtEnd: loadAverage(), sets: results },
    tables: [
      {
        title: `Text bots as published (packed) and in full precision (float32), same data and seed (preset ${preset})`,
        columns: ["data set", "intents", "training texts", "test texts", "full precision (KB)", "published (KB)", "smaller by", "embedding rows kept", "test accuracy full (%)", "test accuracy published (%)", "change (points)", "load avg (1 min)"],
        rows,
        notes: [
          `Machine: ${machine.cpuModel}, ${machine.cores} cores; load average ${loadAtStart.join(" / ")} at the start.`,
          "Published: the embedding table's rows that no training text uses are zero from the start and are left out; the others are stored in four bits per value with a float32 scale per row; other tensors of 256 values or more in float16 (lib/ml/weight-packing.ts). The accuracy of a published model is measured on the packed bundle itself.",
          "Issue 13 goals: a 150-intent bot ≤ 1.5 MB, a 30-intent bot ≤ 500 KB, accuracy within 0.3 points.",
        ],
      },
    ],
  };
}
