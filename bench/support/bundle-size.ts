/**
 * Trains one text model twice on the same data and seed, in Node on the tfjs "cpu" backend: as
 * published (packed weights, embedding rows that no training text uses left out) and in full
 * precision (every weight float32, every row kept, as bundles were before issue 13), then scores
 * both bundles on a held-out CSV through lib/ml/predictor.ts. Used by bench/bundle-size.bench.mjs:
 *
 *   npx tsx bench/support/bundle-size.ts TRAIN_CSV TEST_CSV LABEL_COLUMN [preset] [classes] [perClass]
 *
 * `classes`/`perClass` keep the first classes (in file order) and at most perClass training texts
 * of each, for a smaller bot from the same data; the test rows are those of the kept classes.
 * Prints one JSON line.
 */
import fs from "node:fs";
import Papa from "papaparse";
import * as tf from "@tensorflow/tfjs";
import { decodeBundle } from "../../lib/ml/bundle";
import { loadPredictor } from "../../lib/ml/predictor";
import type { PresetId } from "../../lib/ml/presets";
import { trainTextClassifier } from "../../lib/ml/text/train-text";

type Row = Record<string, string>;

async function accuracy(bundle: Uint8Array, rows: Row[], labelColumn: string): Promise<number> {
  const predictor = await loadPredictor(bundle);
  try {
    if (predictor.task !== "classification") throw new Error("not a classifier");
    const predictions = await predictor.predict(rows.map((r) => r.text));
    return predictions.filter((p, i) => p.label === rows[i][labelColumn]).length / rows.length;
  } finally {
    predictor.dispose();
  }
}

async function main() {
  const [trainCsv, testCsv, labelColumn, preset = "balanced", maxClasses, perClass] = process.argv.slice(2);
  if (!trainCsv || !testCsv || !labelColumn) throw new Error("usage: bundle-size.ts TRAIN_CSV TEST_CSV LABEL_COLUMN [preset]");
  await tf.setBackend("cpu");
  tf.env().set("PROD", true);
  const read = (f: string) => Papa.parse<Row>(fs.readFileSync(f, "utf8"), { header: true, skipEmptyLines: true }).data;
  let train = read(trainCsv);
  let test = read(testCsv);
  if (maxClasses) {
    const kept = [...new Set(train.map((r) => r[labelColumn]))].slice(0, Number(maxClasses));
    const seen = new Map<string, number>();
    train = train.filter((r) => {
      const n = seen.get(r[labelColumn]) ?? 0;
      if (!kept.includes(r[labelColumn]) || n >= Number(perClass ?? Infinity)) return false;
      seen.set(r[labelColumn], n + 1);
      return true;
    });
    test = test.filter((r) => kept.includes(r[labelColumn]));
  }
  const data = { texts: train.map((r) => r.text), labels: train.map((r) => r[labelColumn]) };
  const out: Record<string, unknown> = { trainRows: train.length, testRows: test.length, classes: new Set(data.labels).size, preset };
  for (const [name, fullPrecision] of [
    ["published", false],
    ["fullPrecision", true],
  ] as const) {
    const started = performance.now();
    const trained = await trainTextClassifier(data, { modelType: "ngram-bag", scene: "intent-chatbot", preset: preset as PresetId, seed: 42, fullPrecision });
    const { artifacts, packed } = decodeBundle(trained.bundle);
    const table = artifacts.weightSpecs?.find((s) => s.shape.length === 2 && s.shape[0] >= 1024);
    let rowsKept: number | null = null;
    if (table) {
      const values = new Float32Array(artifacts.weightData as ArrayBuffer, 0, table.shape[0] * table.shape[1]);
      rowsKept = 0;
      for (let r = 0; r < table.shape[0]; r++) if (values.subarray(r * table.shape[1], (r + 1) * table.shape[1]).some((v) => v !== 0)) rowsKept++;
    }
    out[name] = {
      bundleBytes: trained.bundle.byteLength,
      packed,
      tableRows: table?.shape[0] ?? null,
      tableDim: table?.shape[1] ?? null,
      rowsKept,
      testAccuracy: await accuracy(trained.bundle, test, labelColumn),
      trainMs: Math.round(performance.now() - started),
    };
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
