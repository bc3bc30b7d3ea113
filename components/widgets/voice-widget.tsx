"use client";

import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { closeCapture, openCapture, type Capture } from "@/components/data/mic-recorder";
import { decodeAudioClip } from "@/lib/client/audio-clip";
import { BACKGROUND_LABEL, type AudioClip } from "@/lib/ml/voice/clip";
import { createVoiceActivityGate, type VoiceActivityGate } from "@/lib/ml/voice/vad";
import type { ClassPrediction } from "@/lib/ml/types";

/** Push-to-talk records at least this long (a short tap still gives the model a whole word)… */
export const PTT_MIN_SECONDS = 1;
/** …and at most this long. */
export const PTT_MAX_SECONDS = 2;

type Source = "push-to-talk" | "continuous" | "file";

interface Heard {
  id: number;
  source: Source;
  prediction: ClassPrediction;
  seconds: number;
}

/**
 * Voice-command widget: hold the button to talk (1–2 s), or switch on continuous listening (a
 * voice-activity gate cuts each utterance out of the microphone stream and classifies it), or pick
 * a recording. Shows the top class and a confidence bar for every class. `classify` runs the
 * model (the Playground passes the project's worker; an embed could pass a page-side predictor).
 * Labels and everything else are rendered as text.
 */
export function VoiceWidget({ classify, disabled = false }: { classify: (clip: AudioClip) => Promise<ClassPrediction>; disabled?: boolean }) {
  const t = useTranslations("voice");
  const [mode, setMode] = useState<"idle" | "opening" | "recording" | "opening-listen" | "listening">("idle");
  const [busy, setBusy] = useState(false);
  const [latest, setLatest] = useState<Heard | null>(null);
  const [history, setHistory] = useState<Heard[]>([]);
  const [error, setError] = useState<string | null>(null);
  const capture = useRef<Capture | null>(null);
  const chunks = useRef<Float32Array[]>([]);
  const recorded = useRef(0);
  const releaseRequested = useRef(false);
  const gate = useRef<VoiceActivityGate | null>(null);
  const listenWanted = useRef(false);
  const nextId = useRef(1);
  const queue = useRef<Promise<void>>(Promise.resolve());

  const labelText = useCallback((label: string) => (label === BACKGROUND_LABEL ? t("backgroundLabel") : label), [t]);

  const run = useCallback(
    (clip: AudioClip, source: Source) => {
      // One classification at a time, in order (the worker serialises anyway).
      queue.current = queue.current.then(async () => {
        setBusy(true);
        try {
          const prediction = await classify(clip);
          const heard = { id: nextId.current++, source, prediction, seconds: clip.samples.length / clip.sampleRate };
          setLatest(heard);
          setHistory((h) => [heard, ...h].slice(0, 8));
          setError(null);
        } catch (e) {
          setError(t("classifyFailed", { detail: (e as Error).message }));
        } finally {
          setBusy(false);
        }
      });
    },
    [classify, t],
  );

  const stopCapture = useCallback(() => {
    closeCapture(capture.current);
    capture.current = null;
    gate.current = null;
  }, []);

  useEffect(() => stopCapture, [stopCapture]);

  const finishRecording = useCallback(() => {
    const c = capture.current;
    if (!c) return;
    const rate = c.ctx.sampleRate;
    const max = Math.round(rate * PTT_MAX_SECONDS);
    const samples = new Float32Array(Math.min(max, recorded.current));
    let o = 0;
    for (const ch of chunks.current) {
      if (o >= samples.length) break;
      const n = Math.min(ch.length, samples.length - o);
      samples.set(ch.subarray(0, n), o);
      o += n;
    }
    chunks.current = [];
    recorded.current = 0;
    stopCapture();
    setMode("idle");
    run({ samples, sampleRate: rate }, "push-to-talk");
  }, [run, stopCapture]);

  async function startTalking() {
    if (disabled || mode !== "idle") return;
    setError(null);
    releaseRequested.current = false;
    chunks.current = [];
    recorded.current = 0;
    setMode("opening");
    try {
      capture.current = await openCapture((chunk) => {
        const c = capture.current;
        if (!c) return;
        const rate = c.ctx.sampleRate;
        chunks.current.push(chunk);
        recorded.current += chunk.length;
        const enough = recorded.current >= rate * PTT_MIN_SECONDS;
        if (recorded.current >= rate * PTT_MAX_SECONDS || (enough && releaseRequested.current)) finishRecording();
      });
      setMode("recording");
    } catch (e) {
      stopCapture();
      setMode("idle");
      setError(t("noMicrophone", { detail: (e as Error).message }));
    }
  }

  function stopTalking() {
    if (mode !== "recording" && mode !== "opening") return;
    releaseRequested.current = true;
    const c = capture.current;
    // Released after the minimum: classify now; otherwise the chunk callback finishes at 1 s.
    if (c && recorded.current >= c.ctx.sampleRate * PTT_MIN_SECONDS) finishRecording();
  }

  async function toggleListening() {
    if (mode === "listening" || mode === "opening-listen") {
      listenWanted.current = false;
      stopCapture();
      setMode("idle");
      return;
    }
    if (mode !== "idle" || disabled) return;
    setError(null);
    listenWanted.current = true;
    setMode("opening-listen");
    try {
      const opened = await openCapture((chunk) => {
        const g = gate.current;
        if (!g) return;
        for (const utterance of g.push(chunk)) run(utterance, "continuous");
      });
      // Switched off while the microphone was opening.
      if (!listenWanted.current) return closeCapture(opened);
      capture.current = opened;
      gate.current = createVoiceActivityGate({ sampleRate: opened.ctx.sampleRate, maxUtteranceMs: PTT_MAX_SECONDS * 1000 });
      setMode("listening");
    } catch (e) {
      stopCapture();
      setMode("idle");
      setError(t("noMicrophone", { detail: (e as Error).message }));
    }
  }

  async function onFile(file: File | undefined) {
    if (!file) return;
    try {
      run(await decodeAudioClip(file), "file");
    } catch (e) {
      setError(t("decodeFailed", { detail: (e as Error).message }));
    }
  }

  const talking = mode === "recording" || mode === "opening";
  const listening = mode === "listening" || mode === "opening-listen";
  const scores = latest ? [...latest.prediction.topK].sort((a, b) => b.confidence - a.confidence) : [];

  return (
    <div className="space-y-4" data-testid="voice-widget">
      <div className="flex flex-wrap items-center gap-3">
        <Button
          type="button"
          className="select-none touch-none"
          disabled={disabled || listening}
          aria-pressed={talking}
          onPointerDown={(e) => {
            e.preventDefault();
            void startTalking();
          }}
          onPointerUp={stopTalking}
          onPointerLeave={stopTalking}
          onKeyDown={(e) => {
            if ((e.key === " " || e.key === "Enter") && !e.repeat) {
              e.preventDefault();
              void startTalking();
            }
          }}
          onKeyUp={(e) => {
            if (e.key === " " || e.key === "Enter") stopTalking();
          }}
          data-testid="push-to-talk"
        >
          {talking ? t("recording") : t("holdToTalk")}
        </Button>
        <label className="inline-flex cursor-pointer items-center gap-2 text-sm">
          <input type="checkbox" role="switch" checked={listening} disabled={disabled || talking} onChange={() => void toggleListening()} data-testid="continuous-toggle" />
          {t("continuous")}
        </label>
        <label className="inline-flex cursor-pointer items-center gap-2 text-sm">
          <span className="rounded-lg border border-slate-300 px-3 py-1.5 hover:bg-slate-50">{t("pickFile")}</span>
          <input type="file" accept="audio/*,.wav,.webm,.mp3,.ogg" className="sr-only" disabled={disabled} onChange={(e) => void onFile(e.target.files?.[0])} data-testid="voice-file" />
        </label>
      </div>
      <p className="text-sm text-slate-600" aria-live="polite" data-testid="voice-status">
        {listening ? t("listening") : mode === "recording" ? t("talkNow", { min: PTT_MIN_SECONDS, max: PTT_MAX_SECONDS }) : busy ? t("thinking") : t("hint", { min: PTT_MIN_SECONDS, max: PTT_MAX_SECONDS })}
      </p>
      {error ? (
        <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800" data-testid="voice-error">
          {error}
        </p>
      ) : null}
      {latest ? (
        <div className="rounded-xl border border-slate-200 bg-white p-4" data-testid="voice-result">
          <p className="text-sm text-slate-600">{t(`heard.${latest.source}`)}</p>
          <p className="text-2xl font-semibold">
            <span data-testid="voice-top-label">{labelText(latest.prediction.label)}</span>{" "}
            <span className="text-base font-normal text-slate-600">{Math.round(latest.prediction.confidence * 100)}%</span>
          </p>
          <ul className="mt-3 space-y-1" data-testid="voice-bars" aria-label={t("confidence")}>
            {scores.map((s) => (
              <li key={s.label} className="grid grid-cols-[9rem_1fr_3rem] items-center gap-2 text-xs" data-testid="voice-bar" data-label={s.label}>
                <span className="truncate">{labelText(s.label)}</span>
                <span className="h-2 rounded bg-slate-100">
                  <span className="block h-2 rounded bg-brand-500" style={{ width: `${Math.round(s.confidence * 100)}%` }} />
                </span>
                <span className="text-right tabular-nums">{Math.round(s.confidence * 100)}%</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {history.length > 1 ? (
        <div>
          <h3 className="text-sm font-medium">{t("history")}</h3>
          <ol className="mt-1 space-y-0.5 text-sm text-slate-700" data-testid="voice-history">
            {history.slice(1).map((h) => (
              <li key={h.id}>
                {labelText(h.prediction.label)} · {Math.round(h.prediction.confidence * 100)}% · {t(`heard.${h.source}`)}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}
