/**
 * Test accuracy of a saved text model bundle on a CSV (columns text, category), in Node on the
 * tfjs "cpu" backend, through lib/ml/predictor.ts (what the REST API runs). Used by
 * bench/train.bench.mjs:
 *
 *   npx tsx bench/support/eval-text.ts BUNDLE_FILE TEST_CSV   # prints one JSON line
 */
import fs from "node:fs";
import Papa from "papaparse";
import * as tf from "@tensorflow/tfjs";
import { loadPredictor } from "../../lib/ml/predictor";
import { classificationReport } from "../../lib/ml/metrics";

async function main() {
  const [bundleFile, csvFile] = process.argv.slice(2);
  if (!bundleFile || !csvFile) throw new Error("usage: eval-text.ts BUNDLE_FILE TEST_CSV");
  await tf.setBackend("cpu");
  tf.env().set("PROD", true);
  const rows = Papa.parse<{ text: string; category: string }>(fs.readFileSync(csvFile, "utf8"), { header: true, skipEmptyLines: true }).data;
  const predictor = await loadPredictor(new Uint8Array(fs.readFileSync(bundleFile)));
  try {
    if (predictor.task !== "classification") throw new Error("the bundle is not a classifier");
    const started = performance.now();
    const predictions = await predictor.predict(rows.map((r) => r.text));
    const predictMs = performance.now() - started;
    const index = new Map(predictor.labels.map((l, i) => [l, i]));
    const unknown = rows.filter((r) => !index.has(r.category)).length;
    const correct = predictions.filter((p, i) => p.label === rows[i].category).length;
    const known = rows.flatMap((r, i) => (index.has(r.category) ? [i] : []));
    const report = classificationReport(
      known.map((i) => index.get(rows[i].category)!),
      known.map((i) => index.get(predictions[i].label)!),
      predictor.labels,
      known,
    );
    console.log(
      JSON.stringify({
        n: rows.length,
        correct,
        accuracy: correct / rows.length,
        macroF1: report.macroF1,
        unknownLabels: unknown,
        predictMsPerText: predictMs / rows.length,
        manifestBackend: predictor.manifest.backend,
        bundleBytes: fs.statSync(bundleFile).size,
      }),
    );
  } finally {
    predictor.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
