/**
 * Spoken digits, speaker-independent, in Node (run by bench/voice.bench.mjs through tsx):
 * every clip of ../shared/datasets/spoken-digits is decoded (lib/ml/voice decodeWavClip),
 * resampled 8 → 16 kHz and embedded once with the app's speech backbone (openWakeWord ONNX models
 * on onnxruntime-web WASM, 1 thread); then for each tfjs backend (cpu, wasm) and each speaker the
 * app's head trainer (trainClassifierHead, model type "speech-embedding", preset from argv) trains
 * on the other three speakers and the saved bundle predicts the held-out speaker's clips through
 * loadPredictor. Raw-clip predictions through the backbone are checked to equal the feature path
 * on a few clips. Prints one JSON object on stdout.
 *
 *   npx tsx bench/support/voice-node.ts <datasetDir> [preset=fast] [backends=cpu,wasm] [seed=42]
 */
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { loadSpeechBackboneFromDisk } from "../../lib/ml/backbones/node";
import { trainClassifierHead } from "../../lib/ml/image/train-head";
import { loadPredictor } from "../../lib/ml/predictor";
import { decodeWavClip, SPEECH_MODEL_TYPE } from "../../lib/ml/voice";
import type { PresetId } from "../../lib/ml/presets";

async function main() {
  const [dir, preset = "fast", backendList = "cpu,wasm", seedArg = "42"] = process.argv.slice(2);
  const seed = Number(seedArg);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".wav")).sort();
  const meta = files.map((f) => {
    const [digit, speaker] = f.replace(/\.wav$/, "").split("_");
    return { file: f, label: digit, speaker };
  });
  const speakers = [...new Set(meta.map((m) => m.speaker))].sort();
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

  const t0 = performance.now();
  const backbone = await loadSpeechBackboneFromDisk({ root });
  const loadMs = performance.now() - t0;
  const decodeStart = performance.now();
  const clips = meta.map((m) => decodeWavClip(fs.readFileSync(path.join(dir, m.file))));
  const decodeMs = performance.now() - decodeStart;
  const audioSeconds = clips.reduce((s, c) => s + c.samples.length / c.sampleRate, 0);
  const embedStart = performance.now();
  const features: Float32Array[] = [];
  for (let i = 0; i < clips.length; i += 16) features.push(...(await backbone.embed(clips.slice(i, i + 16))));
  const embedMs = performance.now() - embedStart;
  process.stderr.write(`embedded ${clips.length} clips in ${(embedMs / 1000).toFixed(1)} s\n`);

  const results: unknown[] = [];
  for (const backend of backendList.split(",")) {
    const ok = await tf.setBackend(backend).catch(() => false);
    if (!ok) {
      results.push({ backend, error: "backend failed to initialise" });
      continue;
    }
    await tf.ready();
    const folds: { heldOut: string; train: number; test: number; accuracy: number; headMs: number; predictMs: number; epochs: number }[] = [];
    let rawPathMaxDiff = 0;
    const tensorsBefore = tf.memory().numTensors;
    for (const heldOut of speakers) {
      const trainIdx = meta.flatMap((m, i) => (m.speaker !== heldOut ? [i] : []));
      const testIdx = meta.flatMap((m, i) => (m.speaker === heldOut ? [i] : []));
      const headStart = performance.now();
      const trained = await trainClassifierHead(
        { features: trainIdx.map((i) => features[i]), labels: trainIdx.map((i) => meta[i].label) },
        { modelType: SPEECH_MODEL_TYPE, scene: "voice-commands", preset: preset as PresetId, seed, backbone: { id: backbone.id, package: backbone.package, version: backbone.version } },
      );
      const headMs = performance.now() - headStart;
      const predictor = await loadPredictor(trained.bundle, { backbone });
      if (predictor.task !== "classification") throw new Error("not a classifier");
      const predictStart = performance.now();
      const preds = await predictor.predict(testIdx.map((i) => features[i]));
      const predictMs = performance.now() - predictStart;
      const correct = preds.filter((p, k) => p.label === meta[testIdx[k]].label).length;
      // The raw-clip path (backbone inside the predictor) gives the same probabilities.
      const some = testIdx.slice(0, 4);
      const [viaFeatures, viaClips] = [await predictor.predictProbabilities(some.map((i) => features[i])), await predictor.predictProbabilities(some.map((i) => clips[i]))];
      viaFeatures.forEach((p, k) => p.forEach((v, c) => (rawPathMaxDiff = Math.max(rawPathMaxDiff, Math.abs(v - viaClips[k][c])))));
      predictor.dispose();
      folds.push({ heldOut, train: trainIdx.length, test: testIdx.length, accuracy: correct / testIdx.length, headMs, predictMs, epochs: trained.history.length });
      process.stderr.write(`${backend} held out ${heldOut}: ${(100 * correct / testIdx.length).toFixed(1)}% (${(headMs / 1000).toFixed(1)} s)\n`);
    }
    const totalTest = folds.reduce((s, f) => s + f.test, 0);
    results.push({
      backend,
      folds,
      accuracy: folds.reduce((s, f) => s + f.accuracy * f.test, 0) / totalTest,
      meanHeadMs: folds.reduce((s, f) => s + f.headMs, 0) / folds.length,
      rawPathMaxDiff,
      leakedTensors: tf.memory().numTensors - tensorsBefore,
    });
  }
  backbone.dispose();
  console.log(
    JSON.stringify({
      clips: clips.length,
      speakers,
      audioSeconds,
      preset,
      seed,
      backbone: { id: backbone.id, package: backbone.package, version: backbone.version, loadMs, runtime: "onnxruntime-web wasm, 1 thread" },
      decodeMs,
      embedMs,
      featuresPerSecond: clips.length / (embedMs / 1000),
      results,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
