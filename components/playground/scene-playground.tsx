"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useTraining } from "@/components/training/training-provider";
import { SceneWidget } from "@/components/widgets/scene-widgets";
import { useModelRunner } from "@/components/widgets/use-model-runner";
import { apiFetch } from "@/lib/client/api";

/**
 * Playground of the FAQ, entity, recommendation and multi-label tagging scenes: the active version
 * runs in this browser (the project's worker) and answers through the scene's widget, the same one
 * the share page and the embed show.
 */
export function ScenePlayground({ projectId, scene, kind }: { projectId: string; scene: string; kind: "text" | "image" }) {
  const t = useTranslations("playground");
  const { getClient } = useTraining();
  const [active, setActive] = useState<{ id: string; number: number } | null | undefined>(undefined);
  const runner = useModelRunner({ bundleUrl: active ? `/api/projects/${projectId}/models/${active.id}/bundle` : null, kind, getClient, eager: true });

  useEffect(() => {
    let cancelled = false;
    void apiFetch<{ versions: { id: string; number: number; active: boolean }[] }>(`/api/projects/${projectId}/models`).then((list) => {
      if (!cancelled) setActive((list.ok ? list.data.versions.find((v) => v.active) : undefined) ?? null);
    });
    return () => {
      cancelled = true;
    };
  }, [projectId]);

  if (active === null) return <p className="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-slate-600">{t("noModel")}</p>;
  if (runner.status === "error") return <p role="alert" className="rounded-2xl bg-red-50 p-6 text-red-800">{t("loadFailed")}</p>;
  if (!active || runner.status !== "ready") return <p className="text-slate-500">{t("loading")}</p>;
  return (
    <div className="space-y-4" data-testid="playground">
      <p className="text-sm text-slate-600">{t("runsHere", { version: active.number })}</p>
      <SceneWidget scene={scene} runner={runner} />
    </div>
  );
}
