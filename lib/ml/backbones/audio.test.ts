import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeWav, mixToMono, resample } from "./audio";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const sine = (freq: number, rate: number, seconds: number, amp = 1) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));

/** Magnitude of the DFT of x at `freq` (Hz), normalised so a full-scale sine gives ~1. */
function dftMagnitude(x: Float32Array, rate: number, freq: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    const a = (2 * Math.PI * freq * i) / rate;
    re += x[i] * Math.cos(a);
    im -= x[i] * Math.sin(a);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

function peakFrequency(x: Float32Array, rate: number, step: number): number {
  let best = 0;
  let bestMag = -1;
  for (let f = step; f < rate / 2; f += step) {
    const m = dftMagnitude(x, rate, f);
    if (m > bestMag) [bestMag, best] = [m, f];
  }
  return best;
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

describe("resample", () => {
  it("8 kHz -> 16 kHz keeps a sine's frequency and amplitude", () => {
    const input = sine(1000, 8000, 0.5);
    const out = resample(input, 8000, 16000);
    expect(out.length).toBe(8000);
    // skip the filter's edge effects
    const middle = out.subarray(400, 7600);
    expect(peakFrequency(middle, 16000, 10)).toBe(1000);
    expect(dftMagnitude(middle, 16000, 1000)).toBeCloseTo(1, 1);
    // no image of the tone above the old Nyquist frequency (8000 - 1000 Hz)
    expect(dftMagnitude(middle, 16000, 7000)).toBeLessThan(0.01);
  });

  it("48 kHz -> 16 kHz passes in-band tones and removes out-of-band ones (no aliasing)", () => {
    const passed = resample(sine(3000, 48000, 0.25), 48000, 16000);
    expect(passed.length).toBe(4000);
    expect(rms(passed.subarray(200, 3800))).toBeCloseTo(Math.SQRT1_2, 1);
    expect(peakFrequency(passed.subarray(200, 3800), 16000, 50)).toBe(3000);
    // 10 kHz is above the new 8 kHz Nyquist frequency; without a low-pass it would alias to 6 kHz
    const blocked = resample(sine(10000, 48000, 0.25), 48000, 16000);
    expect(rms(blocked.subarray(200, 3800))).toBeLessThan(0.01);
  });

  it("handles awkward ratios and equal rates", () => {
    const x = sine(440, 44100, 0.1);
    const y = resample(x, 44100, 16000);
    expect(y.length).toBe(Math.round((x.length * 16000) / 44100));
    expect(peakFrequency(y.subarray(100, y.length - 100), 16000, 20)).toBe(440);
    const same = resample(x, 16000, 16000);
    expect(same).toEqual(x);
    expect(same).not.toBe(x);
  });
});

describe("decodeWav", () => {
  it("reads the 16-bit sample clips", () => {
    const wav = decodeWav(fs.readFileSync(path.join(ROOT, "public/samples/voice-commands/test-yes.wav")));
    expect(wav.sampleRate).toBe(16000);
    expect(wav.channels.length).toBe(1);
    expect(wav.channels[0].length).toBe(16000);
    const peak = Math.max(...wav.channels[0].map(Math.abs));
    expect(peak).toBeGreaterThan(0.2);
    expect(peak).toBeLessThanOrEqual(1);
  });

  it("reads stereo float WAV and mixes it down", () => {
    const frames = 4;
    const b = Buffer.alloc(44 + frames * 2 * 4);
    b.write("RIFF", 0, "ascii");
    b.writeUInt32LE(b.length - 8, 4);
    b.write("WAVEfmt ", 8, "ascii");
    b.writeUInt32LE(16, 16);
    b.writeUInt16LE(3, 20); // IEEE float
    b.writeUInt16LE(2, 22);
    b.writeUInt32LE(8000, 24);
    b.writeUInt32LE(8000 * 8, 28);
    b.writeUInt16LE(8, 32);
    b.writeUInt16LE(32, 34);
    b.write("data", 36, "ascii");
    b.writeUInt32LE(frames * 8, 40);
    for (let i = 0; i < frames; i++) {
      b.writeFloatLE(0.5, 44 + i * 8);
      b.writeFloatLE(-0.25, 48 + i * 8);
    }
    const wav = decodeWav(b);
    expect(wav.sampleRate).toBe(8000);
    expect(Array.from(wav.channels[0])).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(mixToMono(wav.channels))).toEqual([0.125, 0.125, 0.125, 0.125]);
  });

  it("rejects other files", () => {
    expect(() => decodeWav(new TextEncoder().encode("not a wav file at all"))).toThrow(/RIFF/);
  });
});
