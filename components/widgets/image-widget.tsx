"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import type { ClassPrediction, RawImage } from "@/lib/ml/types";
import { ConfidenceBars } from "./confidence-bars";
import type { WidgetAnswer } from "./chat-widget";
import type { ModelRunner } from "./use-model-runner";

/** Centre-crops and scales a picture (EXIF orientation applied) to the model's input size. */
export async function imageFromFile(file: Blob, size = 224): Promise<RawImage> {
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

/** Drop, choose or paste a picture; the model classifies it in this browser, with confidence bars. */
export function ImageWidget({ runner, onAnswer }: { runner: ModelRunner; onAnswer?: (answer: WidgetAnswer) => void }) {
  const t = useTranslations("widgets");
  const [result, setResult] = useState<{ url: string; prediction: ClassPrediction } | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => () => (result ? URL.revokeObjectURL(result.url) : undefined), [result]);

  async function classify(file: Blob | null | undefined) {
    if (!file || !file.type.startsWith("image/")) return;
    setBusy(true);
    try {
      const { prediction, latencyMs } = await runner.predict(await imageFromFile(file));
      setFailed(false);
      setResult({ url: URL.createObjectURL(file), prediction });
      const text = t("classified", { label: prediction.label, confidence: Math.round(prediction.confidence * 100) });
      onAnswer?.({ input: "", text, label: prediction.label, confidence: prediction.confidence, fallback: false, latencyMs });
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-4" data-testid="image-widget" data-status={runner.status} onPaste={(e) => void classify(e.clipboardData.files[0])}>
      <LiveCamera runner={runner} />
      <label
        className="block cursor-pointer rounded-2xl border-2 border-dashed border-slate-300 bg-white p-6 text-center"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          void classify(e.dataTransfer.files[0]);
        }}
      >
        {t("dropImage")}
        <input type="file" accept="image/jpeg,image/png,image/webp" className="sr-only" data-testid="playground-image" onChange={(e) => void classify(e.target.files?.[0])} />
      </label>
      {busy ? <p className="text-sm text-slate-500">{runner.status === "loading" ? t("loading") : t("thinking")}</p> : null}
      {failed ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {t("loadFailed")}
        </p>
      ) : null}
      {result ? (
        <div className="flex gap-4 rounded-xl border border-slate-200 bg-white p-4" data-testid="image-result">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={result.url} alt="" className="h-32 w-32 rounded object-cover" />
          <div className="min-w-0 flex-1">
            <p className="font-medium">{t("classified", { label: result.prediction.label, confidence: Math.round(result.prediction.confidence * 100) })}</p>
            <ConfidenceBars prediction={result.prediction} />
          </div>
        </div>
      ) : null}
    </div>
  );
}

/**
 * The webcam, live: a frame every few hundred milliseconds goes through the model in this browser
 * and the per-class bars update as it answers (one frame at a time, so a slow device is never
 * flooded). Nothing leaves the browser.
 */
function LiveCamera({ runner }: { runner: ModelRunner }) {
  const t = useTranslations("widgets");
  const [on, setOn] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<{ prediction: ClassPrediction; frames: number } | null>(null);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (!on) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let frames = 0;
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: false });
      } catch {
        if (!stopped) {
          setError(t("cameraDenied"));
          setOn(false);
        }
        return;
      }
      const el = video.current;
      if (!el || stopped) return;
      el.srcObject = stream;
      await el.play().catch(() => undefined);
      const size = 224;
      const canvas = new OffscreenCanvas(size, size);
      const ctx = canvas.getContext("2d")!;
      while (!stopped) {
        if (el.videoWidth > 0) {
          const side = Math.min(el.videoWidth, el.videoHeight);
          ctx.drawImage(el, (el.videoWidth - side) / 2, (el.videoHeight - side) / 2, side, side, 0, 0, size, size);
          const frame: RawImage = { width: size, height: size, channels: 4, data: ctx.getImageData(0, 0, size, size).data };
          try {
            const { prediction } = await runner.predict(frame);
            if (!stopped) setLive({ prediction, frames: ++frames });
          } catch {
            if (!stopped) setError(t("loadFailed"));
            break;
          }
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [on, runner, t]);

  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-3" data-testid="live-camera">
      <button
        type="button"
        className="rounded-lg border border-brand-300 px-3 py-1 text-sm text-brand-700 hover:bg-brand-50"
        onClick={() => {
          setError(null);
          setLive(null);
          setOn((v) => !v);
        }}
        data-testid="live-toggle"
        aria-pressed={on}
      >
        {on ? t("cameraStop") : t("cameraStart")}
      </button>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      {on ? (
        <div className="mt-3 flex flex-wrap gap-4">
          <video ref={video} muted playsInline className="h-40 w-52 rounded bg-slate-900 object-cover" />
          <div className="min-w-0 flex-1" aria-live="polite" data-testid="live-result" data-frames={live?.frames ?? 0}>
            {live ? (
              <>
                <p className="font-medium">{t("classified", { label: live.prediction.label, confidence: Math.round(live.prediction.confidence * 100) })}</p>
                <ConfidenceBars prediction={live.prediction} />
              </>
            ) : (
              <p className="text-sm text-slate-500">{t("cameraStarting")}</p>
            )}
          </div>
        </div>
      ) : null}
    </div>
  );
}
