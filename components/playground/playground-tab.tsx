"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { useTraining } from "@/components/training/training-provider";
import { FeedbackButtons } from "@/components/widgets/feedback-buttons";
import { apiFetch } from "@/lib/client/api";
import { recordPrediction } from "@/lib/client/monitoring";
import type { ClassPrediction, RawImage } from "@/lib/ml/types";

interface Turn {
  id: number;
  from: "user" | "bot";
  text: string;
  prediction?: ClassPrediction;
  suggestions?: string[];
  /** Monitoring: the user's text this answer is for, and its recorded event once the server replied. */
  input?: string;
  eventId?: string | null;
  recording?: boolean;
}

const DEFAULT_THRESHOLD = 0.5;

async function imageFromFile(file: Blob, size = 224): Promise<RawImage> {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    const canvas = new OffscreenCanvas(size, size);
    const side = Math.min(bitmap.width, bitmap.height);
    canvas.getContext("2d")!.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, size, size);
    return { width: size, height: size, channels: 4, data: canvas.getContext("2d")!.getImageData(0, 0, size, size).data };
  } finally {
    bitmap.close();
  }
}

function Bars({ prediction }: { prediction: ClassPrediction }) {
  return (
    <ul className="mt-2 space-y-1" data-testid="confidence-bars">
      {prediction.topK.map((p) => (
        <li key={p.label} className="grid grid-cols-[8rem_1fr_3rem] items-center gap-2 text-xs">
          <span className="truncate">{p.label}</span>
          <span className="h-2 rounded bg-slate-100">
            <span className="block h-2 rounded bg-brand-500" style={{ width: `${Math.round(p.confidence * 100)}%` }} />
          </span>
          <span className="text-right tabular-nums">{Math.round(p.confidence * 100)}%</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Playground: the active model version runs in this browser (the project's worker). Text scenes get
 * a chat; the intent chatbot answers with the intent's reply, or a fallback with the likely intents
 * as buttons below the confidence threshold. Image scenes get a picture drop. Everything the model
 * or the user wrote is rendered as text.
 */
export function PlaygroundTab({ projectId, scene, kind }: { projectId: string; scene: string; kind: string }) {
  const t = useTranslations("playground");
  const tm = useTranslations("monitor");
  const { getClient } = useTraining();
  const [status, setStatus] = useState<"loading" | "ready" | "no-model" | "error">("loading");
  const [version, setVersion] = useState<number | null>(null);
  const [versionId, setVersionId] = useState<string | null>(null);
  const [labels, setLabels] = useState<string[]>([]);
  const [replies, setReplies] = useState<Record<string, string>>({});
  const [turns, setTurns] = useState<Turn[]>([]);
  const [threshold, setThreshold] = useState(DEFAULT_THRESHOLD);
  const [imageResult, setImageResult] = useState<{ url: string; prediction: ClassPrediction } | null>(null);
  const nextId = useRef(1);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const list = await apiFetch<{ versions: { id: string; number: number; active: boolean }[] }>(`/api/projects/${projectId}/models`);
      const active = list.ok ? list.data.versions.find((v) => v.active) : undefined;
      if (!active) return !cancelled && setStatus("no-model");
      const ds = await apiFetch<{ dataset: { schema: { replies: Record<string, string> } } }>(`/api/projects/${projectId}/dataset`);
      if (ds.ok) setReplies(ds.data.dataset.schema.replies ?? {});
      const res = await fetch(`/api/projects/${projectId}/models/${active.id}/bundle`);
      if (!res.ok) throw new Error(String(res.status));
      const bundle = new Uint8Array(await res.arrayBuffer());
      const client = await getClient();
      const { readManifest } = await import("@/lib/ml/bundle");
      const manifest = readManifest(bundle);
      if (kind === "image" && manifest.backbone) await client.loadBackbone(manifest.backbone.id);
      await client.loadModel(bundle);
      if (!cancelled) {
        setVersion(active.number);
        setVersionId(active.id);
        setLabels(manifest.labels ?? []);
        setStatus("ready");
      }
    })().catch(() => !cancelled && setStatus("error"));
    return () => {
      cancelled = true;
    };
  }, [projectId, kind, getClient]);

  async function ask(text: string) {
    const trimmed = text.trim();
    if (!trimmed) return;
    const userTurn: Turn = { id: nextId.current++, from: "user", text: trimmed };
    setTurns((cur) => [...cur, userTurn]);
    const client = await getClient();
    const started = performance.now();
    const [prediction] = (await client.predict([trimmed], { topK: 3 })) as ClassPrediction[];
    const latencyMs = performance.now() - started;
    let reply: Turn;
    if (scene === "intent-chatbot") {
      if (prediction.confidence < threshold) {
        reply = { id: nextId.current++, from: "bot", text: t("fallback"), prediction, suggestions: prediction.topK.slice(0, 2).map((p) => p.label) };
      } else {
        reply = { id: nextId.current++, from: "bot", text: replies[prediction.label] ?? t("noReply", { intent: prediction.label }), prediction };
      }
    } else {
      reply = { id: nextId.current++, from: "bot", text: t("classified", { label: prediction.label, confidence: Math.round(prediction.confidence * 100) }), prediction };
    }
    reply = { ...reply, input: trimmed, eventId: null, recording: true };
    setTurns((cur) => [...cur, reply]);
    // Recorded after the answer is shown; the answer never waits for it.
    void recordPrediction(projectId, {
      modelVersionId: versionId,
      label: prediction.label,
      confidence: prediction.confidence,
      latencyMs,
      fallback: !!reply.suggestions,
      input: trimmed,
    }).then((eventId) => setTurns((cur) => cur.map((x) => (x.id === reply.id ? { ...x, eventId, recording: false } : x))));
  }

  /** A fallback button: the visitor says which intent they meant, and gets its reply. */
  function chooseIntent(label: string) {
    setTurns((cur) => [
      ...cur,
      { id: nextId.current++, from: "user", text: label },
      { id: nextId.current++, from: "bot", text: replies[label] ?? t("noReply", { intent: label }) },
    ]);
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const text = String(new FormData(form).get("message") ?? "");
    form.reset();
    await ask(text);
  }

  async function onImage(file: File | undefined) {
    if (!file) return;
    const client = await getClient();
    const image = await imageFromFile(file);
    const started = performance.now();
    const [prediction] = (await client.predict([image], { topK: 3 })) as ClassPrediction[];
    const latencyMs = performance.now() - started;
    setImageResult({ url: URL.createObjectURL(file), prediction });
    void recordPrediction(projectId, { modelVersionId: versionId, label: prediction.label, confidence: prediction.confidence, latencyMs, fallback: false });
  }

  if (status === "loading") return <p className="text-slate-500">{t("loading")}</p>;
  if (status === "no-model") return <p className="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-slate-600">{t("noModel")}</p>;
  if (status === "error") return <p role="alert" className="rounded-2xl bg-red-50 p-6 text-red-800">{t("loadFailed")}</p>;

  if (kind === "image") {
    return (
      <div className="space-y-4" data-testid="playground">
        <p className="text-sm text-slate-600">{t("runsHere", { version: version ?? 0 })}</p>
        <label className="block rounded-2xl border-2 border-dashed border-slate-300 bg-white p-6 text-center">
          {t("dropImage")}
          <input type="file" accept="image/jpeg,image/png,image/webp" className="sr-only" data-testid="playground-image" onChange={(e) => void onImage(e.target.files?.[0])} />
        </label>
        {imageResult ? (
          <div className="flex gap-4 rounded-xl border border-slate-200 bg-white p-4" data-testid="image-result">
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={imageResult.url} alt="" className="h-32 w-32 rounded object-cover" />
            <div className="flex-1">
              <p className="font-medium">{t("classified", { label: imageResult.prediction.label, confidence: Math.round(imageResult.prediction.confidence * 100) })}</p>
              <Bars prediction={imageResult.prediction} />
            </div>
          </div>
        ) : null}
      </div>
    );
  }

  return (
    <div className="space-y-4" data-testid="playground">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
        <span>{tm("playgroundRunsHere", { version: version ?? 0 })}</span>
        {scene === "intent-chatbot" ? (
          <label className="flex items-center gap-2">
            {t("threshold", { value: Math.round(threshold * 100) })}
            <input type="range" min={0} max={1} step={0.05} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} data-testid="threshold" />
          </label>
        ) : null}
      </div>
      <ol className="min-h-48 space-y-3 rounded-2xl border border-slate-200 bg-white p-4" aria-live="polite" data-testid="chat-log">
        {turns.length === 0 ? <li className="text-sm text-slate-500">{t("empty")}</li> : null}
        {turns.map((turn) => (
          <li key={turn.id} className={`flex ${turn.from === "user" ? "justify-end" : "justify-start"}`} data-testid={`turn-${turn.from}`}>
            <div className={`max-w-[80%] rounded-2xl px-3 py-2 text-sm ${turn.from === "user" ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-900"}`}>
              <p className="whitespace-pre-wrap break-words">{turn.text}</p>
              {turn.suggestions?.length ? (
                <div className="mt-2 flex flex-wrap gap-1">
                  {turn.suggestions.map((s) => (
                    <Button key={s} size="sm" variant="secondary" onClick={() => chooseIntent(s)} data-testid="suggestion">
                      {s}
                    </Button>
                  ))}
                </div>
              ) : null}
              {turn.prediction && turn.from === "bot" ? <Bars prediction={turn.prediction} /> : null}
              {turn.prediction && turn.from === "bot" && turn.input !== undefined ? (
                <FeedbackButtons projectId={projectId} eventId={turn.eventId ?? null} pending={turn.recording} input={turn.input} predictedLabel={turn.prediction.label} labels={labels} />
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      <form onSubmit={onSubmit} className="flex gap-2">
        <label htmlFor="message" className="sr-only">
          {t("message")}
        </label>
        <input id="message" name="message" autoComplete="off" maxLength={2000} className="flex-1 rounded-lg border border-slate-300 px-3 py-2" placeholder={t("placeholder")} />
        <Button type="submit">{t("send")}</Button>
      </form>
    </div>
  );
}
