/**
 * Trains a text model on a CSV (columns text, category) in Node on the tfjs "cpu" backend and
 * writes its bundle, for benchmarks that need a realistic model without a browser
 * (bench/api.bench.mjs):
 *
 *   npx tsx bench/support/train-text-bundle.ts TRAIN_CSV OUT_FILE [preset] [scene] [full]   # prints one JSON line
 *
 * `full`: in full precision (float32, every embedding row), as bundles were before issue 13.
 */
import fs from "node:fs";
import Papa from "papaparse";
import * as tf from "@tensorflow/tfjs";
import { trainTextClassifier } from "../../lib/ml/text/train-text";
import type { PresetId } from "../../lib/ml/presets";

async function main() {
  const [csvFile, outFile, preset = "fast", scene = "intent-chatbot", precision] = process.argv.slice(2);
  if (!csvFile || !outFile) throw new Error("usage: train-text-bundle.ts TRAIN_CSV OUT_FILE [preset] [scene]");
  await tf.setBackend("cpu");
  tf.env().set("PROD", true);
  const rows = Papa.parse<{ text: string; category: string }>(fs.readFileSync(csvFile, "utf8"), { header: true, skipEmptyLines: true }).data;
  const started = performance.now();
  const trained = await trainTextClassifier(
    { texts: rows.map((r) => r.text), labels: rows.map((r) => r.category) },
    { modelType: "ngram-bag", scene, preset: preset as PresetId, seed: 42, fullPrecision: precision === "full" },
  );
  fs.writeFileSync(outFile, trained.bundle);
  const m = trained.manifest.metrics;
  console.log(
    JSON.stringify({
      rows: rows.length,
      classes: trained.manifest.task === "classification" ? trained.manifest.labels.length : null,
      trainMs: Math.round(performance.now() - started),
      bundleBytes: trained.bundle.length,
      heldOutAccuracy: m && m.kind === "classification" ? m.accuracy : null,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
