"use client";

import { useEffect, useRef, useState } from "react";
import { waveformPeaks } from "@/lib/client/recording";
import { decodeWav, sniffAudio } from "@/lib/data/audio";

/** Draws the outline of `samples` (mono, -1..1) as vertical bars centred on the middle line. */
export function drawWaveform(canvas: HTMLCanvasElement, samples: Float32Array, color = "#4f46e5") {
  const ratio = typeof window !== "undefined" ? window.devicePixelRatio || 1 : 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * ratio) || canvas.width);
  const h = Math.max(1, Math.round(canvas.clientHeight * ratio) || canvas.height);
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.clearRect(0, 0, w, h);
  const mid = h / 2;
  ctx.fillStyle = "#e2e8f0";
  ctx.fillRect(0, Math.floor(mid), w, Math.max(1, Math.round(ratio)));
  ctx.fillStyle = color;
  const peaks = waveformPeaks(samples, w);
  // Quiet recordings are scaled up so their shape is still visible (at most 10×).
  const loudest = peaks.reduce((m, p) => Math.max(m, -p.min, p.max), 0);
  const gain = loudest > 0 ? Math.min(10, 0.95 / loudest) : 1;
  peaks.forEach((p, x) => {
    const top = mid - p.max * gain * mid;
    const bottom = mid - p.min * gain * mid;
    ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
  });
}

/** A waveform preview of samples already in memory (the clip just recorded). */
export function Waveform({ samples, label, testId, className = "h-16 w-full" }: { samples: Float32Array; label: string; testId?: string; className?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) drawWaveform(canvas.current, samples);
  }, [samples]);
  return <canvas ref={canvas} role="img" aria-label={label} className={`block rounded bg-slate-50 ${className}`} data-testid={testId} />;
}

/** Largest clip whose thumbnail is drawn (bigger files just show the player). */
const THUMB_MAX_BYTES = 2 * 1024 * 1024;

async function decodeForThumb(bytes: ArrayBuffer): Promise<Float32Array | null> {
  const u8 = new Uint8Array(bytes);
  if (sniffAudio(u8) === "wav") {
    const wav = decodeWav(u8);
    if (wav.ok) return wav.value.samples;
  }
  const Offline = typeof window !== "undefined" ? window.OfflineAudioContext : undefined;
  if (!Offline) return null;
  try {
    const buf = await new Offline(1, 1, 16_000).decodeAudioData(bytes);
    return buf.getChannelData(0);
  } catch {
    return null;
  }
}

/** A small waveform of a stored clip, decoded only once it scrolls into view. */
export function ClipThumbnail({ url, name }: { url: string; name: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [samples, setSamples] = useState<Float32Array | null>(null);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    let cancelled = false;
    const load = async () => {
      try {
        const res = await fetch(url);
        if (!res.ok) return;
        const size = Number(res.headers.get("content-length") ?? 0);
        if (size > THUMB_MAX_BYTES) return;
        const bytes = await res.arrayBuffer();
        if (bytes.byteLength > THUMB_MAX_BYTES) return;
        const s = await decodeForThumb(bytes);
        if (!cancelled && s) setSamples(s);
      } catch {
        /* no thumbnail: the player is still there */
      }
    };
    if (typeof IntersectionObserver === "undefined") {
      void load();
      return () => {
        cancelled = true;
      };
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        void load();
      }
    });
    io.observe(el);
    return () => {
      cancelled = true;
      io.disconnect();
    };
  }, [url]);

  useEffect(() => {
    if (samples && canvas.current) drawWaveform(canvas.current, samples);
  }, [samples]);

  return <canvas ref={canvas} role="img" aria-label={name} className="block h-8 w-full rounded bg-slate-50" data-testid="clip-waveform" data-drawn={samples ? "true" : "false"} />;
}
