"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { CLIP_SAMPLE_RATE, CLIP_SECONDS, ClipCollector, clipFileName, clipToWav, rms, toClip, type ClipSeconds } from "@/lib/client/recording";
import { Waveform } from "./waveform";

/** Below this level (RMS) a recording counts as silent. */
const SILENCE_RMS = 0.002;

/**
 * Runs in the audio thread: forwards the microphone's samples to the page in blocks of 1024.
 * Loaded from a Blob URL so no extra file has to be served.
 */
const WORKLET_SOURCE = `
class StudioCapture extends AudioWorkletProcessor {
  constructor() { super(); this.buf = new Float32Array(1024); this.n = 0; }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch) {
      for (let i = 0; i < ch.length; i++) {
        this.buf[this.n++] = ch[i];
        if (this.n === this.buf.length) { this.port.postMessage(this.buf.slice(0)); this.n = 0; }
      }
    }
    return true;
  }
}
registerProcessor("studio-capture", StudioCapture);
`;

export interface Capture {
  stream: MediaStream;
  ctx: AudioContext;
  nodes: AudioNode[];
}

export async function openCapture(onChunk: (chunk: Float32Array) => void): Promise<Capture> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    video: false,
  });
  const ctx = new AudioContext();
  try {
    const source = ctx.createMediaStreamSource(stream);
    let node: AudioNode;
    if (ctx.audioWorklet && typeof AudioWorkletNode !== "undefined") {
      const url = URL.createObjectURL(new Blob([WORKLET_SOURCE], { type: "text/javascript" }));
      try {
        await ctx.audioWorklet.addModule(url);
      } finally {
        URL.revokeObjectURL(url);
      }
      const worklet = new AudioWorkletNode(ctx, "studio-capture", { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
      worklet.port.onmessage = (e: MessageEvent<Float32Array>) => onChunk(e.data);
      node = worklet;
    } else {
      // Older browsers: the deprecated ScriptProcessor does the same on the main thread.
      const sp = ctx.createScriptProcessor(2048, 1, 1);
      sp.onaudioprocess = (e) => onChunk(new Float32Array(e.inputBuffer.getChannelData(0)));
      node = sp;
    }
    source.connect(node);
    // The node must reach the destination to be run; it outputs silence, so nothing is heard.
    node.connect(ctx.destination);
    await ctx.resume();
    return { stream, ctx, nodes: [source, node] };
  } catch (e) {
    stream.getTracks().forEach((t) => t.stop());
    void ctx.close();
    throw e;
  }
}

export function closeCapture(c: Capture | null) {
  if (!c) return;
  for (const n of c.nodes) {
    try {
      n.disconnect();
    } catch {
      /* already disconnected */
    }
    if ("port" in n) (n as AudioWorkletNode).port.onmessage = null;
  }
  c.stream.getTracks().forEach((t) => t.stop());
  if (c.ctx.state !== "closed") void c.ctx.close();
}

/**
 * Microphone recording into the chosen class: fixed-length clips (1 s or 2 s) captured as PCM,
 * shown as a waveform with a player, and kept (as a 16-bit WAV, like a dropped file) or discarded.
 */
export function MicRecorder({ currentClass, onKeep }: { currentClass: string; onKeep: (wav: Blob, name: string) => Promise<boolean> }) {
  const t = useTranslations("data");
  const capture = useRef<Capture | null>(null);
  const collector = useRef<ClipCollector | null>(null);
  const [on, setOn] = useState(false);
  const [seconds, setSeconds] = useState<ClipSeconds>(1);
  const [phase, setPhase] = useState<"idle" | "recording" | "review">("idle");
  const [progress, setProgress] = useState(0);
  const [clip, setClip] = useState<{ samples: Float32Array; url: string; label: string; silent: boolean } | null>(null);
  const [kept, setKept] = useState(0);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const recordSeconds = useRef<ClipSeconds>(1);
  const recordLabel = useRef("");

  useEffect(
    () => () => {
      closeCapture(capture.current);
      capture.current = null;
    },
    [],
  );
  // The playback URL belongs to the clip under review.
  useEffect(() => () => (clip ? URL.revokeObjectURL(clip.url) : undefined), [clip]);

  function onChunk(chunk: Float32Array) {
    const c = collector.current;
    const cap = capture.current;
    if (!c || !cap) return;
    const full = c.push(chunk);
    setProgress(c.progress);
    if (!full) return;
    collector.current = null;
    const samples = toClip(c.samples(), cap.ctx.sampleRate, recordSeconds.current);
    const wav = clipToWav(samples, CLIP_SAMPLE_RATE);
    const url = URL.createObjectURL(new Blob([wav as BlobPart], { type: "audio/wav" }));
    setClip({ samples, url, label: recordLabel.current, silent: rms(samples) < SILENCE_RMS });
    setPhase("review");
  }

  async function start() {
    setError(null);
    try {
      capture.current = await openCapture(onChunk);
      setOn(true);
    } catch {
      setError(t("micDenied"));
    }
  }

  function stop() {
    closeCapture(capture.current);
    capture.current = null;
    collector.current = null;
    setOn(false);
    setPhase("idle");
    setClip(null);
  }

  async function record() {
    const cap = capture.current;
    if (!cap) return;
    if (!currentClass.trim()) return setError(t("chooseClassFirst"));
    setError(null);
    setClip(null);
    if (cap.ctx.state !== "running") await cap.ctx.resume();
    recordSeconds.current = seconds;
    recordLabel.current = currentClass.trim();
    collector.current = new ClipCollector(cap.ctx.sampleRate, seconds);
    setProgress(0);
    setPhase("recording");
  }

  async function keep() {
    if (!clip) return;
    setSaving(true);
    const wav = clipToWav(clip.samples, CLIP_SAMPLE_RATE);
    const ok = await onKeep(new Blob([wav as BlobPart], { type: "audio/wav" }), clipFileName(clip.label, kept + 1));
    setSaving(false);
    if (ok) {
      setKept((k) => k + 1);
      setClip(null);
      setPhase("idle");
    }
  }

  function discard() {
    setClip(null);
    setPhase("idle");
  }

  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-4" data-testid="mic-recorder">
      <p className="text-sm font-medium">{t("micTitle")}</p>
      {error ? (
        <p role="alert" className="mt-1 text-sm text-red-600">
          {error}
        </p>
      ) : null}
      {on ? (
        <div className="mt-2 space-y-2">
          <fieldset className="flex items-center gap-3 text-sm" disabled={phase === "recording"}>
            <legend className="sr-only">{t("clipLength")}</legend>
            <span aria-hidden>{t("clipLength")}:</span>
            {CLIP_SECONDS.map((s) => (
              <label key={s} className="flex items-center gap-1">
                <input type="radio" name="clip-seconds" value={s} checked={seconds === s} onChange={() => setSeconds(s)} />
                {t("seconds", { count: s })}
              </label>
            ))}
          </fieldset>
          <div className="flex flex-wrap gap-2">
            <Button size="sm" onClick={record} disabled={phase === "recording" || saving}>
              {phase === "recording" ? t("recording") : t("recordClip", { name: currentClass.trim() || "—" })}
            </Button>
            <Button size="sm" variant="secondary" onClick={stop}>
              {t("micOff")}
            </Button>
          </div>
          {phase === "recording" ? (
            <div className="h-2 rounded bg-slate-100" role="progressbar" aria-label={t("recording")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
              <div className="h-2 rounded bg-red-500" style={{ width: `${Math.round(progress * 100)}%` }} />
            </div>
          ) : null}
          {clip && phase === "review" ? (
            <div className="space-y-2 rounded-xl border border-slate-200 p-2" data-testid="clip-review">
              <Waveform samples={clip.samples} label={t("clipPreview")} testId="clip-preview" />
              <audio controls src={clip.url} className="w-full" data-testid="clip-playback" />
              {clip.silent ? <p className="text-xs text-amber-800">{t("silentClip")}</p> : null}
              <div className="flex gap-2">
                <Button size="sm" onClick={keep} disabled={saving}>
                  {t("keepClip")}
                </Button>
                <Button size="sm" variant="secondary" onClick={discard} disabled={saving}>
                  {t("discardClip")}
                </Button>
              </div>
            </div>
          ) : null}
        </div>
      ) : (
        <div className="mt-2">
          <Button size="sm" variant="secondary" onClick={start}>
            {t("micOn")}
          </Button>
        </div>
      )}
      {kept ? <p className="mt-1 text-xs text-slate-500">{t("clipsKept", { count: kept })}</p> : null}
    </div>
  );
}
