/**
 * A simple voice-activity gate for continuous listening: frame energy (RMS) against a threshold
 * that follows the noise floor, with a hangover so short pauses inside a word do not cut it.
 * Feed it audio frames in order; it returns each detected utterance (with a little audio before
 * the onset) once the hangover has run out. Pure TypeScript: the widget uses it with the
 * microphone, the tests with synthetic signals.
 */
import type { AudioClip } from "../backbones/types";

export interface VadOptions {
  sampleRate: number;
  /** Frame length in ms. Default 20. */
  frameMs?: number;
  /** Minimum RMS to count as voice, whatever the noise floor. Default 0.01 (-40 dBFS). */
  minRms?: number;
  /** Voice when RMS > noiseFloor * ratio (and > minRms). Default 3. */
  ratio?: number;
  /** Keep the gate open this long after the last voiced frame. Default 300 ms. */
  hangoverMs?: number;
  /** Audio kept from before the onset. Default 150 ms. */
  preRollMs?: number;
  /** Utterances shorter than this (voiced part) are dropped as clicks. Default 120 ms. */
  minSpeechMs?: number;
  /** Longer utterances are cut here. Default 2000 ms. */
  maxUtteranceMs?: number;
}

export interface VoiceActivityGate {
  /** Pushes samples (any length); returns the utterances completed by them. */
  push(samples: Float32Array): AudioClip[];
  /** Whether the gate is open (inside an utterance) after the last push. */
  readonly active: boolean;
  /** Current noise-floor estimate (RMS). */
  readonly noiseFloor: number;
  reset(): void;
}

export function createVoiceActivityGate(options: VadOptions): VoiceActivityGate {
  const rate = options.sampleRate;
  const frame = Math.max(1, Math.round(((options.frameMs ?? 20) * rate) / 1000));
  const minRms = options.minRms ?? 0.01;
  const ratio = options.ratio ?? 3;
  const hangFrames = Math.ceil((options.hangoverMs ?? 300) / (options.frameMs ?? 20));
  const preRoll = Math.round(((options.preRollMs ?? 150) * rate) / 1000);
  const minSpeechFrames = Math.ceil((options.minSpeechMs ?? 120) / (options.frameMs ?? 20));
  const maxSamples = Math.round(((options.maxUtteranceMs ?? 2000) * rate) / 1000);

  let pending = new Float32Array(0);
  let history: Float32Array[] = []; // recent frames while closed (pre-roll)
  let noise = minRms / ratio;
  let active = false;
  let current: Float32Array[] = [];
  let currentLength = 0;
  let voicedFrames = 0;
  let silentRun = 0;

  const close = (out: AudioClip[]) => {
    if (voicedFrames >= minSpeechFrames) {
      const samples = new Float32Array(currentLength);
      let o = 0;
      for (const f of current) {
        samples.set(f, o);
        o += f.length;
      }
      out.push({ samples, sampleRate: rate });
    }
    active = false;
    current = [];
    currentLength = 0;
    voicedFrames = 0;
    silentRun = 0;
  };

  const onFrame = (f: Float32Array, out: AudioClip[]) => {
    let sum = 0;
    for (let i = 0; i < f.length; i++) sum += f[i] * f[i];
    const rms = Math.sqrt(sum / f.length);
    const voiced = rms > Math.max(minRms, noise * ratio);
    if (!active) {
      if (voiced) {
        active = true;
        current = [...history];
        currentLength = history.reduce((n, h) => n + h.length, 0);
        history = [];
        current.push(f);
        currentLength += f.length;
        voicedFrames = 1;
        silentRun = 0;
      } else {
        // The noise floor follows quiet frames (slowly up, quickly down).
        noise = rms < noise ? 0.9 * noise + 0.1 * rms : 0.995 * noise + 0.005 * rms;
        history.push(f);
        let kept = history.reduce((n, h) => n + h.length, 0);
        while (history.length && kept - history[0].length >= preRoll) kept -= history.shift()!.length;
      }
      return;
    }
    current.push(f);
    currentLength += f.length;
    if (voiced) {
      voicedFrames++;
      silentRun = 0;
    } else silentRun++;
    if (silentRun >= hangFrames || currentLength >= maxSamples) close(out);
  };

  return {
    push(samples: Float32Array) {
      const out: AudioClip[] = [];
      const all = new Float32Array(pending.length + samples.length);
      all.set(pending);
      all.set(samples, pending.length);
      let o = 0;
      for (; o + frame <= all.length; o += frame) onFrame(all.slice(o, o + frame), out);
      pending = all.slice(o);
      return out;
    },
    get active() {
      return active;
    },
    get noiseFloor() {
      return noise;
    },
    reset() {
      pending = new Float32Array(0);
      history = [];
      noise = minRms / ratio;
      active = false;
      current = [];
      currentLength = 0;
      voicedFrames = 0;
      silentRun = 0;
    },
  };
}
