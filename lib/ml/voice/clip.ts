/**
 * Voice-command helpers shared by the trainer, the worker, the widget and the REST API: AudioClip
 * checks, WAV bytes → AudioClip (pure TypeScript, no native add-ons: works in Node and browsers)
 * and the synthetic "background / silence" clips a voice job adds when the data has none.
 */
import { decodeWav, mixToMono } from "../backbones/audio";
import { createRng } from "../random";
import type { AudioClip } from "../backbones/types";

export type { AudioClip };

/** Model type id of the voice-commands scene (head on the speech backbone's features). */
export const SPEECH_MODEL_TYPE = "speech-embedding";

/** Reserved label of the synthetic background clips (shown to users as "background / silence"). */
export const BACKGROUND_LABEL = "_background_";

/** Labels that already mean "no command" (case-insensitive), so no synthetic class is added. */
const BACKGROUND_NAMES = /^(_?background_?|background noise|silence|noise|none|nothing|背景|背景音|静音|噪音|无)$/i;

export function isBackgroundLabel(label: string): boolean {
  return BACKGROUND_NAMES.test(label.trim());
}

/** True when some class of the dataset is already a background / silence class. */
export function hasBackgroundClass(labels: readonly string[]): boolean {
  return labels.some(isBackgroundLabel);
}

export function isAudioClip(x: unknown): x is AudioClip {
  if (typeof x !== "object" || x === null) return false;
  const c = x as Partial<AudioClip>;
  return c.samples instanceof Float32Array && typeof c.sampleRate === "number" && Number.isFinite(c.sampleRate) && c.sampleRate > 0;
}

/**
 * Decodes a RIFF/WAVE file (PCM 8/16/24/32-bit, IEEE float 32/64, mono or several channels mixed
 * down) into an AudioClip. For the REST API: the uploaded bytes go straight to predict().
 * Throws an Error with a plain message for anything else.
 */
export function decodeWavClip(bytes: ArrayBuffer | Uint8Array): AudioClip {
  let wav;
  try {
    wav = decodeWav(bytes);
  } catch (e) {
    throw new Error(`This is not a WAV file we can read: ${(e as Error).message}. Send a WAV file (PCM 8/16/24/32-bit or 32/64-bit float).`);
  }
  if (!(wav.sampleRate > 0)) throw new Error("The WAV file has no valid sample rate.");
  const samples = mixToMono(wav.channels);
  if (samples.length === 0) throw new Error("The WAV file holds no audio samples.");
  return { samples, sampleRate: wav.sampleRate };
}

export interface BackgroundOptions {
  /** Number of clips; default max(8, the median number of clips per class). */
  count?: number;
  seed?: number;
  /** Default 16000. */
  sampleRate?: number;
  /** Default 1 s. */
  seconds?: number;
}

/**
 * Synthetic background clips, seeded: the first is pure silence, the others low noise (white or
 * low-passed "rumble", RMS between about -60 and -30 dBFS), some with a slow swell. Deterministic
 * for a given seed and count.
 */
export function syntheticBackgroundClips(count: number, options: Omit<BackgroundOptions, "count"> = {}): AudioClip[] {
  const sampleRate = options.sampleRate ?? 16000;
  const n = Math.round(sampleRate * (options.seconds ?? 1));
  const rng = createRng(options.seed ?? 42);
  const clips: AudioClip[] = [];
  for (let c = 0; c < count; c++) {
    const samples = new Float32Array(n);
    if (c > 0) {
      // Level between 0.001 (-60 dBFS) and 0.03 (-30 dBFS), log-uniform.
      const level = 0.001 * Math.pow(30, rng.next());
      const lowpass = c % 2 === 0 ? 0.05 + 0.3 * rng.next() : 1; // smoothing factor (1 = white)
      const swell = c % 3 === 0;
      let y = 0;
      // Uniform noise has RMS 1/sqrt(3) of its peak: scale to the wanted level.
      const gain = level * Math.sqrt(3) / (lowpass < 1 ? Math.sqrt(lowpass / (2 - lowpass)) : 1);
      for (let i = 0; i < n; i++) {
        const white = rng.next() * 2 - 1;
        y += lowpass * (white - y);
        const env = swell ? 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n) : 1;
        samples[i] = Math.max(-1, Math.min(1, y * gain * env));
      }
    }
    clips.push({ samples, sampleRate });
  }
  return clips;
}

/**
 * Adds synthetic background clips under BACKGROUND_LABEL when no class is a background class.
 * Returns the inputs unchanged (added: 0) otherwise.
 */
export function withBackgroundClips(
  clips: readonly AudioClip[],
  labels: readonly string[],
  options: BackgroundOptions = {},
): { clips: AudioClip[]; labels: string[]; added: number } {
  if (hasBackgroundClass(labels)) return { clips: [...clips], labels: [...labels], added: 0 };
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const sorted = [...counts.values()].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
  const count = options.count ?? Math.max(8, median);
  const extra = syntheticBackgroundClips(count, options);
  return { clips: [...clips, ...extra], labels: [...labels, ...extra.map(() => BACKGROUND_LABEL)], added: count };
}
