/**
 * Banking77 benchmark for the text models, in Node on the tfjs "cpu" backend.
 *
 *   npx tsx scripts/bench-text-node.ts                  # train on train.csv, report test accuracy
 *   npx tsx scripts/bench-text-node.ts --mode tune ...  # hold out 15% of train.csv, report validation accuracy
 *
 * Options: --model ngram-bag|text-cnn, --preset fast|balanced|best, --epochs N, --dim N,
 * --buckets N, --combiner mean|sqrtn, --lr X, --elr X, --dropout X, --smoothing X, --batch N,
 * --hidden N, --tokdrop X, --word 1-2, --char 3-5, --val X (the trainer's early-stopping share),
 * --seed N, --tuneseed N (which 15% is held out in tune mode), --quiet 1,
 * --data DIR (default ../shared/datasets/banking77). Exits 0 with a note when the data is absent.
 */
import fs from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import * as tf from "@tensorflow/tfjs";
import { trainTextClassifier, type TrainTextOptions } from "../lib/ml/text/train-text";
import { loadPredictor } from "../lib/ml/predictor";
import { stratifiedSplit } from "../lib/ml/split";
import type { PresetId } from "../lib/ml/presets";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1] ?? "");
const num = (k: string) => (args.has(k) ? Number(args.get(k)) : undefined);
const rangeArg = (k: string): [number, number] | undefined => {
  const v = args.get(k);
  if (!v) return undefined;
  const [a, b] = v.split("-").map(Number);
  return [a, b ?? a];
};

const dataDir = path.resolve(args.get("data") ?? path.join(process.cwd(), "../shared/datasets/banking77"));
if (!fs.existsSync(path.join(dataDir, "train.csv"))) {
  console.log(`banking77 not found at ${dataDir}; nothing to benchmark.`);
  process.exit(0);
}

function readCsv(file: string): { texts: string[]; labels: string[] } {
  const parsed = Papa.parse<{ text: string; category: string }>(fs.readFileSync(file, "utf8"), { header: true, skipEmptyLines: true });
  return { texts: parsed.data.map((r) => r.text), labels: parsed.data.map((r) => r.category) };
}

async function main() {
  await tf.setBackend("cpu");
  tf.env().set("PROD", true); // silences the one-time "install tfjs-node" hint
  const mode = args.get("mode") ?? "test";
  const full = readCsv(path.join(dataDir, "train.csv"));
  let train = full;
  let evalSet: { texts: string[]; labels: string[] };
  if (mode === "tune") {
    const split = stratifiedSplit(full.labels, { validationFraction: 0.15, seed: num("tuneseed") ?? 7 });
    train = { texts: split.train.map((i) => full.texts[i]), labels: split.train.map((i) => full.labels[i]) };
    evalSet = { texts: split.validation.map((i) => full.texts[i]), labels: split.validation.map((i) => full.labels[i]) };
  } else {
    evalSet = readCsv(path.join(dataDir, "test.csv"));
  }
  const modelType = (args.get("model") ?? "ngram-bag") as TrainTextOptions["modelType"];
  const tokenizer: Record<string, unknown> = {};
  if (num("buckets")) tokenizer.buckets = num("buckets");
  if (rangeArg("word")) tokenizer.wordNgrams = rangeArg("word");
  if (args.has("char")) tokenizer.charNgrams = args.get("char") === "none" ? null : rangeArg("char");
  if (num("maxlen")) tokenizer.maxLength = num("maxlen");
  const architecture: Record<string, unknown> = {};
  if (num("dim")) architecture.embeddingDim = num("dim");
  if (args.has("combiner")) architecture.combiner = args.get("combiner");
  if (args.has("dropout")) architecture.dropout = num("dropout");
  if (args.has("hidden")) architecture.hiddenUnits = num("hidden");
  if (args.has("tokdrop")) architecture.tokenDropout = num("tokdrop");
  if (args.has("filters")) architecture.filters = num("filters");
  const hyperparams = {
    epochs: num("epochs"),
    learningRate: num("lr"),
    embeddingLearningRate: num("elr"),
    labelSmoothing: num("smoothing"),
    batchSize: num("batch"),
    validationFraction: num("val"),
    patience: num("patience"),
  };
  const started = performance.now();
  let lastEpoch = "";
  const result = await trainTextClassifier(train, {
    modelType,
    preset: (args.get("preset") ?? "balanced") as PresetId,
    hyperparams,
    tokenizer,
    architecture,
    seed: num("seed") ?? 42,
    onProgress: (p) => {
      if (p.phase === "epoch") {
        lastEpoch = `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)} acc ${p.acc?.toFixed(4)} valLoss ${p.valLoss?.toFixed(4)} valAcc ${p.valAcc?.toFixed(4)} ${p.isBest ? "*" : ""} ${(p.elapsedMs / 1000).toFixed(1)}s ${Math.round(p.samplesPerSec)} samples/s`;
        if (!args.has("quiet")) console.log(lastEpoch);
      }
    },
  });
  const trainMs = performance.now() - started;
  const predictor = await loadPredictor(result.bundle);
  const t0 = performance.now();
  const predictions = await (predictor.task === "classification" ? predictor.predict(evalSet.texts) : Promise.reject(new Error("not a classifier")));
  const predictMs = performance.now() - t0;
  const correct = predictions.filter((p, i) => p.label === evalSet.labels[i]).length;
  predictor.dispose();
  const out = {
    mode,
    modelType,
    evalSet: mode === "tune" ? "15% of train.csv" : "test.csv",
    accuracy: Number((correct / evalSet.texts.length).toFixed(4)),
    evalSamples: evalSet.texts.length,
    trainSamples: train.texts.length,
    validationMacroF1: result.manifest.metrics?.kind === "classification" ? Number(result.manifest.metrics.macroF1.toFixed(4)) : null,
    bestEpoch: result.bestEpoch,
    stoppedReason: result.stoppedReason,
    trainingSeconds: Number((trainMs / 1000).toFixed(1)),
    predictMsPerText: Number((predictMs / evalSet.texts.length).toFixed(3)),
    bundleMB: Number((result.bundle.byteLength / 1e6).toFixed(2)),
    backend: tf.getBackend(),
    hyperparams: result.manifest.training?.hyperparams,
    architecture: result.manifest.training?.architecture,
    tokenizer: result.manifest.preprocessing.kind !== "tabular" && "tokenizer" in result.manifest.preprocessing ? result.manifest.preprocessing.tokenizer : null,
  };
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
