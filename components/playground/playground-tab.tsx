"use client";

import { useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTraining } from "@/components/training/training-provider";
import { ChatWidget, type EntityTemplates } from "@/components/widgets/chat-widget";
import { ImageWidget } from "@/components/widgets/image-widget";
import { useModelRunner, useStandaloneClient } from "@/components/widgets/use-model-runner";
import type { EntityPrediction } from "@/lib/ml/types";
import type { EntityModelOption } from "@/lib/server/reply-templates";
import { FeedbackButtons } from "@/components/widgets/feedback-buttons";
import type { WidgetAnswer } from "@/components/widgets/chat-widget";
import { recordPrediction } from "@/lib/client/monitoring";
import { BotSettings } from "./bot-settings";
import { apiFetch } from "@/lib/client/api";

const DEFAULT_THRESHOLD = 0.5;

/**
 * Playground: the active model version runs in this browser, in the project's worker, through the
 * same widgets the share page and the embed use. The owner can try the confidence threshold here.
 */
export function PlaygroundTab({ projectId, scene, kind }: { projectId: string; scene: string; kind: string }) {
  const t = useTranslations("playground");
  const tm = useTranslations("monitor");
  const { getClient } = useTraining();
  const [active, setActive] = useState<{ id: string; number: number } | null | undefined>(undefined);
  const [replies, setReplies] = useState<Record<string, string>>({});
  const [threshold, setThreshold] = useState(DEFAULT_THRESHOLD);
  const [quickReplies, setQuickReplies] = useState<Record<string, string[]>>({});
  const [suggestions, setSuggestions] = useState<string[]>([]);
  // Reply templates: the owner's entity models, the linked one (edits apply here at once) and fallback texts.
  const [entityModels, setEntityModels] = useState<EntityModelOption[]>([]);
  const [entityProjectId, setEntityProjectId] = useState<string | null>(null);
  const [placeholderDefaults, setPlaceholderDefaults] = useState<Record<string, string>>({});
  const [listFailed, setListFailed] = useState(false);
  // Monitoring: the recorded event of each chat answer (by turn), for its feedback buttons.
  const [events, setEvents] = useState<Record<number, { eventId: string | null; pending: boolean }>>({});

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const list = await apiFetch<{ versions: { id: string; number: number; active: boolean }[] }>(`/api/projects/${projectId}/models`);
      if (!list.ok) throw new Error(list.error.message);
      const found = list.data.versions.find((v) => v.active) ?? null;
      const ds = await apiFetch<{ dataset: { schema: { replies: Record<string, string> } } }>(`/api/projects/${projectId}/dataset`);
      const chat =
        scene === "intent-chatbot"
          ? await apiFetch<{
              settings: { threshold: number; quickReplies: Record<string, string[]>; suggestions: string[]; entityProjectId: string | null; placeholderDefaults: Record<string, string> };
              entityModels: EntityModelOption[];
            }>(`/api/projects/${projectId}/chat-settings`)
          : null;
      if (cancelled) return;
      if (ds.ok) setReplies(ds.data.dataset.schema.replies ?? {});
      if (chat?.ok) {
        setThreshold(chat.data.settings.threshold);
        setQuickReplies(chat.data.settings.quickReplies);
        setSuggestions(chat.data.settings.suggestions);
        setEntityModels(chat.data.entityModels);
        setEntityProjectId(chat.data.settings.entityProjectId);
        setPlaceholderDefaults(chat.data.settings.placeholderDefaults);
      }
      setActive(found);
    })().catch(() => !cancelled && setListFailed(true));
    return () => {
      cancelled = true;
    };
  }, [projectId, scene]);

  const runner = useModelRunner({
    bundleUrl: active ? `/api/projects/${projectId}/models/${active.id}/bundle` : null,
    kind: kind === "image" ? "image" : "text",
    getClient,
    eager: true,
  });

  // The linked entity model runs in a worker of its own, next to the intent model in the project's worker.
  const entityModel = entityModels.find((m) => m.id === entityProjectId) ?? null;
  const getEntityClient = useStandaloneClient();
  const entityRunner = useModelRunner({
    bundleUrl: entityModel ? `/api/projects/${entityModel.id}/models/${entityModel.version.id}/bundle` : null,
    kind: "text",
    getClient: getEntityClient,
    eager: true,
    ownWorker: true,
  });
  const { predictMany: extractMany } = entityRunner;
  const extract = useCallback(async (text: string) => ((await extractMany([text]))[0] as EntityPrediction).entities, [extractMany]);
  const entityTemplates = useMemo<EntityTemplates | null>(
    () => (entityModel ? { types: entityModel.types, defaults: placeholderDefaults, extract } : null),
    [entityModel, placeholderDefaults, extract],
  );

  const activeId = active?.id ?? null;
  const record = useCallback(
    (answer: WidgetAnswer) => {
      const turnId = answer.turnId;
      if (turnId !== undefined) setEvents((cur) => ({ ...cur, [turnId]: { eventId: null, pending: true } }));
      // Recorded after the answer is shown; the answer never waits for it.
      void recordPrediction(projectId, {
        modelVersionId: activeId,
        label: answer.label,
        confidence: answer.confidence,
        latencyMs: answer.latencyMs,
        fallback: answer.fallback,
        ...(answer.input ? { input: answer.input } : {}),
      }).then((eventId) => {
        if (turnId !== undefined) setEvents((cur) => ({ ...cur, [turnId]: { eventId, pending: false } }));
      });
    },
    [projectId, activeId],
  );

  if (listFailed || runner.status === "error") return <p role="alert" className="rounded-2xl bg-red-50 p-6 text-red-800">{t("loadFailed")}</p>;
  if (active === null) return <p className="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-slate-600">{t("noModel")}</p>;
  if (active === undefined || runner.status !== "ready") return <p className="text-slate-500">{t("loading")}</p>;

  return (
    <div className="space-y-4" data-testid="playground">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
        <span>{kind === "image" ? t("runsHere", { version: active.number }) : tm("playgroundRunsHere", { version: active.number })}</span>
        {kind !== "image" && scene === "intent-chatbot" ? (
          <label className="flex items-center gap-2">
            {t("threshold", { value: Math.round(threshold * 100) })}
            <input type="range" min={0} max={1} step={0.05} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} data-testid="threshold" />
          </label>
        ) : null}
      </div>
      {kind === "image" ? (
        <ImageWidget runner={runner} onAnswer={record} />
      ) : (
        <ChatWidget
          runner={runner}
          scene={scene}
          replies={replies}
          quickReplies={quickReplies}
          suggestions={suggestions}
          threshold={threshold}
          entityTemplates={entityTemplates}
          showEntities
          onAnswer={record}
          answerExtra={({ turnId, input, prediction }) => (
            <FeedbackButtons
              projectId={projectId}
              eventId={events[turnId]?.eventId ?? null}
              pending={events[turnId]?.pending ?? true}
              input={input}
              predictedLabel={prediction.label}
              labels={runner.manifest?.labels ?? []}
            />
          )}
        />
      )}
      {entityModel && entityRunner.status === "loading" ? (
        <p className="text-sm text-slate-500" data-testid="entity-model-loading">
          {t("entityModelLoading")}
        </p>
      ) : null}
      {entityModel && entityRunner.status === "error" ? (
        <p role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {t("entityModelFailed")}
        </p>
      ) : null}
      {scene === "intent-chatbot" && runner.manifest ? (
        <BotSettings
          projectId={projectId}
          intents={runner.manifest.labels}
          replies={replies}
          quickReplies={quickReplies}
          suggestions={suggestions}
          threshold={threshold}
          onReplies={setReplies}
          onQuickReplies={setQuickReplies}
          onSuggestions={setSuggestions}
          entityModels={entityModels}
          entityProjectId={entityModel?.id ?? null}
          placeholderDefaults={placeholderDefaults}
          onEntityProject={setEntityProjectId}
          onPlaceholderDefaults={setPlaceholderDefaults}
          extract={entityModel ? extract : null}
        />
      ) : null}
    </div>
  );
}
