import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BACKGROUND_LABEL, decodeWavClip, hasBackgroundClass, isAudioClip, syntheticBackgroundClips, withBackgroundClips } from "./clip";
import { createVoiceActivityGate } from "./vad";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** A RIFF/WAVE file with the given format code (1 PCM, 3 float), bits and interleaved samples. */
function wavBytes(format: 1 | 3, bits: 8 | 16 | 32, rate: number, channels: number, samples: number[]): Buffer {
  const bytes = bits / 8;
  const b = Buffer.alloc(44 + samples.length * bytes);
  b.write("RIFF", 0, "ascii");
  b.writeUInt32LE(b.length - 8, 4);
  b.write("WAVEfmt ", 8, "ascii");
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(format, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * channels * bytes, 28);
  b.writeUInt16LE(channels * bytes, 32);
  b.writeUInt16LE(bits, 34);
  b.write("data", 36, "ascii");
  b.writeUInt32LE(samples.length * bytes, 40);
  samples.forEach((v, i) => {
    const o = 44 + i * bytes;
    if (format === 3) b.writeFloatLE(v, o);
    else if (bits === 8) b.writeUInt8(Math.round(v * 128 + 128), o);
    else if (bits === 16) b.writeInt16LE(Math.round(v * 32768), o);
    else b.writeInt32LE(Math.round(v * 2147483648), o);
  });
  return b;
}

describe("decodeWavClip (Node, no native add-ons)", () => {
  const values = [0, 0.5, -0.5, 0.25, -1];

  it("decodes 8-bit unsigned PCM", () => {
    const clip = decodeWavClip(wavBytes(1, 8, 8000, 1, values));
    expect(clip.sampleRate).toBe(8000);
    expect(Array.from(clip.samples)).toEqual(values);
  });

  it("decodes 16-bit PCM", () => {
    const clip = decodeWavClip(wavBytes(1, 16, 22050, 1, values));
    expect(clip.sampleRate).toBe(22050);
    expect(Array.from(clip.samples)).toEqual(values);
  });

  it("decodes 32-bit float and mixes stereo down to mono", () => {
    const clip = decodeWavClip(wavBytes(3, 32, 48000, 2, [0.5, -0.25, 0.1, 0.3]));
    expect(clip.sampleRate).toBe(48000);
    expect(clip.samples.length).toBe(2);
    expect(clip.samples[0]).toBeCloseTo(0.125, 6);
    expect(clip.samples[1]).toBeCloseTo(0.2, 6);
    expect(isAudioClip(clip)).toBe(true);
  });

  it("decodes the committed sample clip", () => {
    const clip = decodeWavClip(fs.readFileSync(path.join(ROOT, "public/samples/voice-commands/test-yes.wav")));
    expect(clip.sampleRate).toBe(16000);
    expect(clip.samples.length).toBe(16000);
  });

  it("says in plain words when the bytes are not a readable WAV", () => {
    expect(() => decodeWavClip(new TextEncoder().encode("hello, not audio"))).toThrow(/not a WAV file we can read/);
    expect(() => decodeWavClip(wavBytes(1, 16, 8000, 1, []))).toThrow(/no audio samples/);
  });
});

describe("synthetic background clips", () => {
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

  it("are seeded: the same seed gives the same clips, another seed other clips", () => {
    const a = syntheticBackgroundClips(6, { seed: 7 });
    const b = syntheticBackgroundClips(6, { seed: 7 });
    const c = syntheticBackgroundClips(6, { seed: 8 });
    expect(a.map((x) => Array.from(x.samples))).toEqual(b.map((x) => Array.from(x.samples)));
    expect(Array.from(a[1].samples)).not.toEqual(Array.from(c[1].samples));
  });

  it("are silence then low noise (between -66 and -30 dBFS RMS), 1 s at 16 kHz", () => {
    const clips = syntheticBackgroundClips(10, { seed: 1 });
    expect(clips.every((c) => c.sampleRate === 16000 && c.samples.length === 16000)).toBe(true);
    expect(rms(clips[0].samples)).toBe(0);
    for (const c of clips.slice(1)) {
      expect(rms(c.samples)).toBeGreaterThan(0.0005);
      expect(rms(c.samples)).toBeLessThan(0.032);
    }
  });

  it("are added under the reserved label only when no class is a background class", () => {
    const clip = { samples: new Float32Array(100), sampleRate: 8000 };
    const added = withBackgroundClips([clip, clip, clip], ["yes", "no", "no"], { seed: 3 });
    expect(added.added).toBe(8);
    expect(added.labels.filter((l) => l === BACKGROUND_LABEL)).toHaveLength(8);
    expect(added.clips).toHaveLength(11);
    expect(hasBackgroundClass(["yes", "Silence"])).toBe(true);
    expect(hasBackgroundClass(["yes", "背景"])).toBe(true);
    const kept = withBackgroundClips([clip, clip], ["yes", "background"]);
    expect(kept.added).toBe(0);
    expect(kept.labels).toEqual(["yes", "background"]);
  });
});

describe("voice-activity gate", () => {
  const rate = 16000;
  const tone = (seconds: number, amp: number) => Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * 300 * i) / rate));
  const noise = (seconds: number, amp: number, seed = 1) => {
    let s = seed;
    return Float32Array.from({ length: Math.round(rate * seconds) }, () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return amp * (s / 1073741824 - 1);
    });
  };
  const concat = (...parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) (out.set(p, o), (o += p.length));
    return out;
  };
  /** Feeds the signal in 1,024-sample chunks, as a ScriptProcessor/AudioWorklet would. */
  const feed = (signal: Float32Array) => {
    const gate = createVoiceActivityGate({ sampleRate: rate });
    const out = [];
    for (let i = 0; i < signal.length; i += 1024) out.push(...gate.push(signal.subarray(i, i + 1024)));
    return out;
  };

  it("finds one utterance in noise, with pre-roll and hangover, and nothing in noise alone", () => {
    expect(feed(noise(2, 0.003))).toHaveLength(0);
    const utterances = feed(concat(noise(0.5, 0.003), tone(0.6, 0.3), noise(1, 0.003, 2)));
    expect(utterances).toHaveLength(1);
    const seconds = utterances[0].samples.length / rate;
    // 0.6 s of voice + ≤ 0.15 s pre-roll + 0.3 s hangover (frame rounding)
    expect(seconds).toBeGreaterThan(0.85);
    expect(seconds).toBeLessThan(1.1);
  });

  it("keeps a short pause inside a word, splits two words, drops a click", () => {
    const quiet = (s: number) => noise(s, 0.002, 5);
    expect(feed(concat(quiet(0.3), tone(0.3, 0.3), quiet(0.1), tone(0.3, 0.3), quiet(1)))).toHaveLength(1);
    expect(feed(concat(quiet(0.3), tone(0.3, 0.3), quiet(0.8), tone(0.3, 0.3), quiet(1)))).toHaveLength(2);
    expect(feed(concat(quiet(0.3), tone(0.04, 0.5), quiet(1)))).toHaveLength(0);
  });

  it("cuts an endless sound at the maximum utterance length", () => {
    const utterances = feed(concat(noise(0.3, 0.002), tone(5, 0.3)));
    expect(utterances.length).toBeGreaterThanOrEqual(2);
    expect(utterances[0].samples.length / rate).toBeLessThanOrEqual(2.001);
  });
});
