/**
 * Browser-only: audio bytes (a URL or a Blob) → a mono AudioClip for the voice models. WAV files
 * are decoded exactly in TypeScript (lib/ml/voice); WebM, MP3 and OGG go through Web Audio's
 * decodeAudioData (an OfflineAudioContext at 16 kHz, the speech backbone's rate).
 */
import { decodeWavClip, type AudioClip } from "@/lib/ml/voice/clip";
import { mixToMono } from "@/lib/ml/backbones/audio";

const DECODE_RATE = 16000;

function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === "RIFF" && String.fromCharCode(...bytes.subarray(8, 12)) === "WAVE";
}

/** Decodes any audio the browser can read; throws an Error with a plain message otherwise. */
export async function decodeAudioClip(source: string | Blob): Promise<AudioClip> {
  let blob: Blob;
  if (typeof source === "string") {
    const res = await fetch(source, { credentials: "same-origin" });
    if (!res.ok) throw new Error(`Could not load the recording ${source} (${res.status}).`);
    blob = await res.blob();
  } else blob = source;
  const bytes = new Uint8Array(await blob.arrayBuffer());
  if (isWav(bytes)) return decodeWavClip(bytes);
  const Ctx = globalThis.OfflineAudioContext ?? (globalThis as { webkitOfflineAudioContext?: typeof OfflineAudioContext }).webkitOfflineAudioContext;
  if (!Ctx) throw new Error("This browser cannot decode audio (no Web Audio).");
  const ctx = new Ctx(1, 1, DECODE_RATE);
  let buffer: AudioBuffer;
  try {
    buffer = await ctx.decodeAudioData(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch {
    throw new Error("This file is not audio the browser can read (use WAV, WebM, MP3 or OGG).");
  }
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  return { samples: mixToMono(channels), sampleRate: buffer.sampleRate };
}
