import { describe, expect, it } from "vitest";
import { decodeWav, inspectAudio } from "@/lib/data/audio";
import { CLIP_SAMPLE_RATE, ClipCollector, clipFileName, clipToWav, resample, rms, toClip, waveformPeaks } from "./recording";

/** A 440 Hz tone at `rate`, as a microphone would deliver it. */
function tone(rate: number, seconds: number, amp = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * 440 * i) / rate);
  return out;
}

describe("recording a fixed-length clip", () => {
  it("collects audio-callback chunks until the clip is full, dropping what comes after", () => {
    const c = new ClipCollector(48_000, 1);
    const chunks = tone(48_000, 1.2);
    let full = false;
    let pushes = 0;
    for (let i = 0; i < chunks.length && !full; i += 1024) {
      full = c.push(chunks.subarray(i, i + 1024));
      pushes++;
    }
    expect(full).toBe(true);
    expect(pushes).toBe(Math.ceil(48_000 / 1024));
    expect(c.progress).toBe(1);
    const s = c.samples();
    expect(s.length).toBe(48_000);
    expect(s[47_999]).toBeCloseTo(chunks[47_999], 6);
    expect(c.push(new Float32Array(10))).toBe(true);
  });

  it("pads a clip that stopped early with silence", () => {
    const c = new ClipCollector(16_000, 2);
    c.push(new Float32Array(100).fill(0.25));
    expect(c.full).toBe(false);
    expect(c.progress).toBeCloseTo(100 / 32_000);
    const s = c.samples();
    expect(s.length).toBe(32_000);
    expect(s[99]).toBe(0.25);
    expect(s[100]).toBe(0);
  });

  it("resamples 48 kHz and 44.1 kHz captures to exactly 16 kHz × seconds", () => {
    for (const rate of [48_000, 44_100, 16_000]) {
      for (const seconds of [1, 2]) {
        const clip = toClip(tone(rate, seconds), rate, seconds);
        expect(clip.length).toBe(CLIP_SAMPLE_RATE * seconds);
        // The tone keeps its level through resampling.
        expect(rms(clip)).toBeCloseTo(0.5 / Math.SQRT2, 2);
      }
    }
    expect(resample(new Float32Array([0, 1]), 8000, 8000)).toEqual(new Float32Array([0, 1]));
  });

  it("encodes the kept clip as a 16-bit PCM WAV that decodeWav reads back to the same samples", () => {
    const clip = toClip(tone(48_000, 1, 0.8), 48_000, 1);
    clip[0] = 1;
    clip[1] = -1;
    clip[2] = 1.5; // clipped to full scale
    const wav = clipToWav(clip);
    expect(wav.length).toBe(44 + CLIP_SAMPLE_RATE * 2);
    const info = inspectAudio(wav, { fileName: "yes.wav" });
    expect(info.ok && info.value).toMatchObject({ format: "wav", mime: "audio/wav", durationSec: 1 });
    const back = decodeWav(wav);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.value).toMatchObject({ sampleRate: CLIP_SAMPLE_RATE, channels: 1, durationSec: 1 });
    expect(back.value.samples.length).toBe(clip.length);
    let worst = 0;
    for (let i = 0; i < clip.length; i++) worst = Math.max(worst, Math.abs(back.value.samples[i] - Math.max(-1, Math.min(1, clip[i]))));
    // Half a 16-bit step of rounding, plus encodeWav's ×32767 / decodeWav's ÷32768 for positive samples.
    expect(worst).toBeLessThanOrEqual(1.5 / 32_767);
  });
});

describe("waveform preview", () => {
  it("gives the lowest and highest sample per slice", () => {
    const s = new Float32Array([0, 0.5, -0.25, 0, 0, 0, 1, -1]);
    expect(waveformPeaks(s, 4)).toEqual([
      { min: 0, max: 0.5 },
      { min: -0.25, max: 0 },
      { min: 0, max: 0 },
      { min: -1, max: 1 },
    ]);
    // More slices than samples: every slice still covers at least one sample.
    expect(waveformPeaks(new Float32Array([0.5, -0.5]), 4)).toHaveLength(4);
    expect(waveformPeaks(s, 0)).toEqual([]);
  });

  it("tells silence from a recording", () => {
    expect(rms(new Float32Array(1000))).toBe(0);
    expect(rms(tone(16_000, 0.1))).toBeGreaterThan(0.3);
  });
});

describe("clip file names", () => {
  it("names a clip by class, time and number, safely", () => {
    const d = new Date(2024, 4, 1, 10, 15, 2);
    expect(clipFileName("yes", 3, d)).toBe("yes-20240501-101502-3.wav");
    expect(clipFileName("开始 / start", 1, d)).toBe("开始-start-20240501-101502-1.wav");
    expect(clipFileName("../..", 1, d)).toBe("clip-20240501-101502-1.wav");
  });
});
