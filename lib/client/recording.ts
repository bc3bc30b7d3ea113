/**
 * Pure helpers for microphone recording in the Data tab: collecting PCM chunks into a clip of a
 * fixed length, resampling to the clip rate, the waveform outline drawn on a canvas, and the WAV
 * file that is kept. The Web Audio plumbing lives in components/data/mic-recorder.tsx.
 */
import { encodeWav } from "@/lib/data/audio";

/** Clips are stored at 16 kHz mono: what speech models expect, and 32 KB per second as WAV. */
export const CLIP_SAMPLE_RATE = 16_000;
export const CLIP_SECONDS = [1, 2] as const;
export type ClipSeconds = (typeof CLIP_SECONDS)[number];

/** Collects chunks of samples (as an audio callback delivers them) until the clip is full. */
export class ClipCollector {
  readonly length: number;
  private readonly buffer: Float32Array;
  private filled = 0;

  constructor(
    readonly sampleRate: number,
    readonly seconds: number,
  ) {
    this.length = Math.round(sampleRate * seconds);
    this.buffer = new Float32Array(this.length);
  }

  /** Appends a chunk (extra samples past the end are dropped); true once the clip is full. */
  push(chunk: Float32Array): boolean {
    const n = Math.min(chunk.length, this.length - this.filled);
    if (n > 0) this.buffer.set(chunk.subarray(0, n), this.filled);
    this.filled += Math.max(0, n);
    return this.full;
  }

  get full(): boolean {
    return this.filled >= this.length;
  }

  /** 0..1 */
  get progress(): number {
    return this.length ? this.filled / this.length : 1;
  }

  /** The samples so far, padded with silence to the full length. */
  samples(): Float32Array {
    return this.buffer.slice();
  }
}

/** Linear-interpolation resampling; enough for short voice clips (the model works on log-mel frames). */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate || samples.length === 0) return samples.slice();
  const outLength = Math.max(1, Math.round((samples.length * toRate) / fromRate));
  const out = new Float32Array(outLength);
  const step = fromRate / toRate;
  for (let i = 0; i < outLength; i++) {
    const x = i * step;
    const i0 = Math.floor(x);
    const i1 = Math.min(samples.length - 1, i0 + 1);
    const f = x - i0;
    out[i] = samples[Math.min(i0, samples.length - 1)] * (1 - f) + samples[i1] * f;
  }
  return out;
}

/** The clip as captured at `rate`, at exactly CLIP_SAMPLE_RATE × seconds samples. */
export function toClip(samples: Float32Array, rate: number, seconds: number): Float32Array {
  const r = resample(samples, rate, CLIP_SAMPLE_RATE);
  const n = Math.round(CLIP_SAMPLE_RATE * seconds);
  if (r.length === n) return r;
  const out = new Float32Array(n);
  out.set(r.subarray(0, n));
  return out;
}

/** A kept clip as a 16-bit PCM WAV file (the same bytes a dropped .wav file would have). */
export function clipToWav(samples: Float32Array, sampleRate = CLIP_SAMPLE_RATE): Uint8Array {
  return encodeWav(samples, sampleRate);
}

/** Lowest and highest sample in each of `buckets` equal slices: the outline of a waveform. */
export function waveformPeaks(samples: Float32Array, buckets: number): { min: number; max: number }[] {
  const out: { min: number; max: number }[] = [];
  if (buckets <= 0) return out;
  const per = samples.length / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * per);
    const end = Math.max(start + 1, Math.floor((b + 1) * per));
    let min = 0;
    let max = 0;
    for (let i = start; i < end && i < samples.length; i++) {
      const v = samples[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    out.push({ min, max });
  }
  return out;
}

/** Root mean square level, 0..1: tells "nothing was heard" apart from a real recording. */
export function rms(samples: Float32Array): number {
  if (!samples.length) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
}

/** A file name for a recorded clip: class, date and time, e.g. "yes-20240501-101502-3.wav". */
export function clipFileName(label: string, n: number, now = new Date()): string {
  const safe = label.trim().replace(/[^\p{L}\p{N}_-]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "clip";
  const p = (x: number) => String(x).padStart(2, "0");
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${safe}-${stamp}-${n}.wav`;
}
