"use client";

import { useTranslations } from "next-intl";
import { useCallback, useEffect, useState } from "react";
import { useTraining } from "@/components/training/training-provider";
import { VoiceWidget } from "@/components/widgets/voice-widget";
import { apiFetch } from "@/lib/client/api";
import type { AudioClip } from "@/lib/ml/voice/clip";
import type { ClassPrediction } from "@/lib/ml/types";

/**
 * Playground of the voice-commands scene: the active model version runs in this browser (the
 * project's worker loads the speech backbone the bundle records, then the bundle) and the voice
 * widget feeds it microphone or file clips.
 */
export function VoicePlayground({ projectId }: { projectId: string }) {
  const t = useTranslations("voice");
  const { getClient } = useTraining();
  const [status, setStatus] = useState<"loading" | "ready" | "no-model" | "error">("loading");
  const [version, setVersion] = useState<number | null>(null);
  const [classes, setClasses] = useState(0);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const list = await apiFetch<{ versions: { id: string; number: number; active: boolean }[] }>(`/api/projects/${projectId}/models`);
      const active = list.ok ? list.data.versions.find((v) => v.active) : undefined;
      if (!active) return !cancelled && setStatus("no-model");
      const res = await fetch(`/api/projects/${projectId}/models/${active.id}/bundle`);
      if (!res.ok) throw new Error(String(res.status));
      const bundle = new Uint8Array(await res.arrayBuffer());
      const { readManifest } = await import("@/lib/ml/bundle");
      const manifest = readManifest(bundle);
      const client = await getClient();
      if (manifest.backbone) await client.loadBackbone(manifest.backbone.id);
      await client.loadModel(bundle);
      if (!cancelled) {
        setClasses(manifest.labels.length);
        setVersion(active.number);
        setStatus("ready");
      }
    })().catch(() => !cancelled && setStatus("error"));
    return () => {
      cancelled = true;
    };
  }, [projectId, getClient]);

  const classify = useCallback(
    async (clip: AudioClip) => {
      const client = await getClient();
      const [prediction] = (await client.predict([clip], { topK: Math.max(1, classes) })) as ClassPrediction[];
      return prediction;
    },
    [getClient, classes],
  );

  return (
    <section className="rounded-2xl border border-slate-200 bg-white p-4 sm:p-6" data-testid="voice-playground">
      <h2 className="text-lg font-medium">{t("title")}</h2>
      <p className="mb-4 text-sm text-slate-600" data-testid="playground-status">
        {status === "loading" ? t("loading") : status === "no-model" ? t("noModel") : status === "error" ? t("loadFailed") : t("ready", { version: version ?? 0 })}
      </p>
      <VoiceWidget classify={classify} disabled={status !== "ready"} />
    </section>
  );
}
