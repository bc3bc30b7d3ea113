/**
 * The voice-commands scene end to end in Node: sample clips → the worker handler's "backbone-head"
 * job with the real speech backbone (openWakeWord ONNX on onnxruntime-web WASM) → bundle →
 * predictions from raw AudioClips, through the worker and through loadPredictor.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrainerClient } from "../worker/client";
import { inProcessWorker } from "../worker/testing";
import { registerNodeBackbones } from "../backbones/node";
import { SPEECH_BACKBONE_ID } from "../backbones/speech";
import { listClassFolders } from "../backbones/testing";
import { loadPredictor } from "../predictor";
import type { ClassPrediction } from "../types";
import { BACKGROUND_LABEL, decodeWavClip, type AudioClip } from "./clip";
import { loadVoicePredictorFromDisk, type VoicePredictor } from "./node";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const SAMPLES = path.join(ROOT, "public", "samples", "voice-commands");

const items = listClassFolders(SAMPLES, ".wav");
const clipOf = (file: string): AudioClip => decodeWavClip(fs.readFileSync(file));
const testYes = clipOf(path.join(SAMPLES, "test-yes.wav"));

describe("voice commands through the worker job and the predictor", () => {
  let client: TrainerClient;
  let voice: VoicePredictor | null = null;

  beforeAll(async () => {
    await tf.setBackend("cpu");
    registerNodeBackbones(ROOT);
    client = new TrainerClient({ worker: inProcessWorker({ saveCheckpoint: async () => undefined }) });
    await client.loadBackbone(SPEECH_BACKBONE_ID);
  });
  afterAll(() => {
    client?.dispose();
    voice?.dispose();
  });

  it("without a background class: adds synthetic background clips, trains above the floor, recognises test-yes.wav", async () => {
    const words = items.filter((i) => i.label !== "background");
    // The sample clips at 8 kHz: the job resamples any input rate.
    const clips = words.map((i) => clipOf(i.file));
    const tensorsBefore = tf.memory().numTensors;
    const events: string[] = [];
    const run = await client.train(
      { kind: "backbone-head", modelType: "speech-embedding", backboneId: SPEECH_BACKBONE_ID, clips, labels: words.map((i) => i.label), seed: 7, preset: "fast" },
      { onProgress: (p) => events.push(p.phase) },
    );
    // The worker keeps the trained model loaded for predict: its 4 weight tensors, nothing else.
    expect(tf.memory().numTensors).toBe(tensorsBefore + 4);
    expect(run.syntheticBackground).toBe(12); // median clips per class
    expect(run.manifest.labels).toEqual([BACKGROUND_LABEL, "no", "stop", "yes"]);
    expect(run.manifest.backbone?.id).toBe(SPEECH_BACKBONE_ID);
    expect(run.manifest.modelType).toBe("speech-embedding");
    expect(run.manifest.scene).toBe("voice-commands");
    expect(events).toContain("features");
    const metrics = run.manifest.metrics;
    expect(metrics?.kind).toBe("classification");
    if (metrics?.kind === "classification") expect(metrics.accuracy).toBeGreaterThanOrEqual(0.8);

    const [p] = (await client.predict([testYes], { topK: 4 })) as ClassPrediction[];
    expect(p.label).toBe("yes");
    expect(p.topK).toHaveLength(4);

    // Save → load: the REST API's Node path gives the same probabilities as the worker.
    voice = await loadVoicePredictorFromDisk(run.bundle, { root: ROOT });
    const again = await loadPredictor(run.bundle, { backbone: voice.backbone });
    if (voice.predictor.task !== "classification" || again.task !== "classification") throw new Error("not a classifier");
    const probe = [testYes, { samples: testYes.samples.subarray(2000, 14000), sampleRate: 16000 }, clips[0]];
    const a = await voice.predictor.predictProbabilities(probe);
    const b = await again.predictProbabilities(probe);
    const [w] = (await client.predict([testYes], { topK: 4 })) as ClassPrediction[];
    for (let i = 0; i < a.length; i++) for (let c = 0; c < a[i].length; c++) expect(Math.abs(a[i][c] - b[i][c])).toBeLessThanOrEqual(1e-6);
    for (const t of w.topK) expect(Math.abs(t.confidence - a[0][voice.predictor.labels.indexOf(t.label)])).toBeLessThanOrEqual(1e-6);
    again.dispose();

    // 100 predictions from raw clips leak no tensors.
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await voice.predictor.predict([i % 2 ? testYes : clips[i % clips.length]]);
    expect(tf.memory().numTensors).toBe(before);
    voice.dispose();
    voice = null;
    expect(await client.unloadModel()).toBe(true);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it("keeps the data's own background class and never adds the reserved one", async () => {
    const clips = items.map((i) => clipOf(i.file));
    const run = await client.train({
      kind: "backbone-head",
      modelType: "speech-embedding",
      backboneId: SPEECH_BACKBONE_ID,
      clips,
      labels: items.map((i) => i.label),
      cacheKeys: items.map((i) => path.basename(i.file)),
      seed: 7,
      preset: "fast",
    });
    expect(run.syntheticBackground).toBe(0);
    expect(run.manifest.labels).toEqual(["background", "no", "stop", "yes"]);
    const metrics = run.manifest.metrics;
    if (metrics?.kind === "classification") expect(metrics.accuracy).toBeGreaterThanOrEqual(0.8);
    const silence = { samples: new Float32Array(16000), sampleRate: 16000 };
    const [yes, quiet] = (await client.predict([testYes, silence])) as ClassPrediction[];
    expect(yes.label).toBe("yes");
    expect(quiet.label).toBe("background");
  });

  it("is deterministic for a seed", async () => {
    const words = items.filter((i) => i.label === "yes" || i.label === "no");
    const job = {
      kind: "backbone-head" as const,
      modelType: "speech-embedding",
      backboneId: SPEECH_BACKBONE_ID,
      clips: words.map((i) => clipOf(i.file)),
      labels: words.map((i) => i.label),
      seed: 3,
      hyperparams: { epochs: 5, patience: 0 },
    };
    const [r1, r2] = [await client.train(job), await client.train(job)];
    expect(r1.history.map((h) => h.loss)).toEqual(r2.history.map((h) => h.loss));
  });

  it("refuses clips with a plain message: images-backbone mismatch, empty clip", async () => {
    await expect(
      client.train({ kind: "backbone-head", backboneId: SPEECH_BACKBONE_ID, clips: [{ samples: new Float32Array(0), sampleRate: 16000 }, testYes], labels: ["a", "b"] }),
    ).rejects.toMatchObject({ code: "bad-data", message: expect.stringMatching(/empty/) });
    await expect(client.train({ kind: "backbone-head", backboneId: "nope", clips: [testYes], labels: ["a"] })).rejects.toMatchObject({ code: "backbone-not-loaded" });
  });
});
