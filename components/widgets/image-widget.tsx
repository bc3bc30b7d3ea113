"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
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
