/**
 * Trains the two models of the in-browser prediction benchmark (bench/predict.bench.mjs) in Node and
 * writes their bundles into OUT_DIR:
 *
 *  - text.bundle: the banking77 intent model (ngram-bag, "fast" preset, seed 42) on TRAIN_CSV
 *    (all rows unless MAX_ROWS > 0), on the tfjs "cpu" backend;
 *  - image.bundle: a classifier head on real MobileNetV2 multi-scale features (mobilenet-v2-ms-2880)
 *    of PER_CLASS sign-digits pictures per class, decoded with sharp (bench only: the app decodes
 *    in the browser) the way the Train tab does (centre crop, 224×224), embedded on tfjs-backend-wasm
 *    (Node, no native add-on) with the app's loader (lib/ml/backbones/node.ts), head "balanced".
 *
 *   npx tsx bench/support/train-predict-bundles.ts TRAIN_CSV SIGN_DIGITS_DIR OUT_DIR [MAX_ROWS] [PER_CLASS]
 * Prints one JSON line.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import Papa from "papaparse";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { trainTextClassifier } from "../../lib/ml/text/train-text";
import { trainClassifierHead } from "../../lib/ml/image/train-head";
import { loadMobileNetV2FromDisk } from "../../lib/ml/backbones/node";
import type { RawImage } from "../../lib/ml/types";

async function main() {
  const [csvFile, signDir, outDir, maxRowsArg = "0", perClassArg = "10"] = process.argv.slice(2);
  if (!csvFile || !signDir || !outDir) throw new Error("usage: train-predict-bundles.ts TRAIN_CSV SIGN_DIGITS_DIR OUT_DIR [MAX_ROWS] [PER_CLASS]");
  fs.mkdirSync(outDir, { recursive: true });
  tf.env().set("PROD", true);
  const out: Record<string, unknown> = {};

  // Text: banking77.
  await tf.setBackend("cpu");
  let rows = Papa.parse<{ text: string; category: string }>(fs.readFileSync(csvFile, "utf8"), { header: true, skipEmptyLines: true }).data;
  const maxRows = Number(maxRowsArg);
  if (maxRows > 0) rows = rows.slice(0, maxRows);
  let t = performance.now();
  const text = await trainTextClassifier(
    { texts: rows.map((r) => r.text), labels: rows.map((r) => r.category) },
    { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 42 },
  );
  fs.writeFileSync(path.join(outDir, "text.bundle"), text.bundle);
  const tm = text.manifest.metrics;
  out.text = {
    rows: rows.length,
    classes: text.manifest.task === "classification" ? text.manifest.labels.length : null,
    preset: "fast",
    trainMs: Math.round(performance.now() - t),
    bundleBytes: text.bundle.length,
    validationAccuracy: tm && tm.kind === "classification" ? tm.accuracy : null,
  };

  // Image: sign-digits through MobileNetV2 multi-scale features on tfjs-backend-wasm.
  const require = createRequire(path.join(process.cwd(), "package.json"));
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep);
  if (!(await tf.setBackend("wasm"))) await tf.setBackend("cpu");
  const perClass = Number(perClassArg);
  const files: { file: string; label: string }[] = [];
  for (const cls of fs.readdirSync(signDir).filter((d) => fs.statSync(path.join(signDir, d)).isDirectory()).sort()) {
    const names = fs.readdirSync(path.join(signDir, cls)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    for (const f of names.slice(0, perClass)) files.push({ file: path.join(signDir, cls, f), label: cls });
  }
  t = performance.now();
  const images: RawImage[] = [];
  for (const { file } of files) {
    const { data, info } = await sharp(file).rotate().resize(224, 224, { fit: "cover", position: "centre" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    images.push({ width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) });
  }
  const decodeMs = performance.now() - t;
  t = performance.now();
  const backbone = await loadMobileNetV2FromDisk({ features: "multiscale" });
  const features = await backbone.embed(images);
  const embedMs = performance.now() - t;
  t = performance.now();
  const head = await trainClassifierHead(
    { features, labels: files.map((f) => f.label) },
    { preset: "balanced", seed: 42, backbone: { id: backbone.id, package: backbone.package, version: backbone.version } },
  );
  fs.writeFileSync(path.join(outDir, "image.bundle"), head.bundle);
  const im = head.manifest.metrics;
  out.image = {
    images: files.length,
    classes: new Set(files.map((f) => f.label)).size,
    backbone: `${backbone.id} (${backbone.featureDim}-d, ${backbone.package}@${backbone.version})`,
    tfBackend: tf.getBackend(),
    decodeMs: Math.round(decodeMs),
    embedMs: Math.round(embedMs),
    headMs: Math.round(performance.now() - t),
    bundleBytes: head.bundle.length,
    validationAccuracy: im && im.kind === "classification" ? im.accuracy : null,
    // The inputs of the browser run: the same pictures (relative paths), first of each class.
    samples: files.filter((_, i) => i % perClass < 3).map((f) => ({ rel: path.relative(signDir, f.file), label: f.label })),
  };
  backbone.dispose();
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
