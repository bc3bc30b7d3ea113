"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

const BURST_INTERVAL_MS = 150;

/**
 * Webcam capture into the chosen class. Hold the button to record a burst (one frame every
 * 150 ms), as in Teachable Machine. Frames are square JPEGs uploaded like dropped files.
 */
export function WebcamCapture({
  currentClass,
  onCapture,
}: {
  labels: string[];
  currentClass: string;
  onCapture: (blob: Blob, name: string) => Promise<unknown>;
}) {
  const t = useTranslations("data");
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const [on, setOn] = useState(false);
  const [count, setCount] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearInterval(timer.current);
      stream.current?.getTracks().forEach((tr) => tr.stop());
    },
    [],
  );

  async function start() {
    setError(null);
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 320 }, audio: false });
      if (video.current) {
        video.current.srcObject = stream.current;
        await video.current.play();
      }
      setOn(true);
    } catch {
      setError(t("webcamDenied"));
    }
  }

  function stop() {
    stream.current?.getTracks().forEach((tr) => tr.stop());
    stream.current = null;
    setOn(false);
  }

  function grab() {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const side = Math.min(v.videoWidth, v.videoHeight);
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 224;
    canvas.getContext("2d")!.drawImage(v, (v.videoWidth - side) / 2, (v.videoHeight - side) / 2, side, side, 0, 0, 224, 224);
    // Counted when the frame is taken: on a busy device the JPEG encoding finishes later, and the
    // count shown when the button is released must already be the burst's.
    setCount((c) => c + 1);
    canvas.toBlob((blob) => {
      if (blob) void onCapture(blob, `webcam-${Date.now()}.jpg`);
      else setCount((c) => c - 1);
    }, "image/jpeg", 0.9);
  }

  function holdStart() {
    if (!currentClass.trim()) return setError(t("chooseClassFirst"));
    grab();
    timer.current = setInterval(grab, BURST_INTERVAL_MS);
  }
  function holdEnd() {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
  }

  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-4" data-testid="webcam">
      <p className="text-sm font-medium">{t("webcamTitle")}</p>
      <video ref={video} muted playsInline className={`mt-2 aspect-square w-40 rounded bg-slate-900 ${on ? "" : "hidden"}`} />
      {error ? <p role="alert" className="mt-1 text-sm text-red-600">{error}</p> : null}
      <div className="mt-2 flex flex-wrap gap-2">
        {on ? (
          <>
            <Button
              size="sm"
              onPointerDown={holdStart}
              onPointerUp={holdEnd}
              onPointerLeave={holdEnd}
              onKeyDown={(e) => (e.key === " " || e.key === "Enter") && !e.repeat && holdStart()}
              onKeyUp={holdEnd}
            >
              {t("holdToRecord", { name: currentClass || "—" })}
            </Button>
            <Button size="sm" variant="secondary" onClick={stop}>
              {t("webcamOff")}
            </Button>
          </>
        ) : (
          <Button size="sm" variant="secondary" onClick={start}>
            {t("webcamOn")}
          </Button>
        )}
      </div>
      {count ? <p className="mt-1 text-xs text-slate-500">{t("captured", { count })}</p> : null}
    </div>
  );
}
