"use client";

import { useTranslations } from "next-intl";
import { useCallback, useMemo, type MutableRefObject } from "react";
import type { PublicModel } from "@/lib/server/sharing";
import { ChatWidget, type EntityTemplates, type WidgetAnswer } from "./chat-widget";
import { ImageWidget } from "./image-widget";
import { SCENE_WIDGET_SCENES } from "@/lib/workspace/scene-widgets";
import { SceneWidget } from "./scene-widgets";
import { VoiceWidget } from "./voice-widget";
import type { ClassPrediction, EntityPrediction } from "@/lib/ml/types";
import { useModelRunner, useStandaloneClient } from "./use-model-runner";

export interface VisitorModelProps {
  model: PublicModel;
  channel: "share" | "embed";
  slug: string;
  bundleUrl: string;
  /** The linked entity model's bundle (`?part=entities`), used when model.entityTemplates is set. */
  entityBundleUrl?: string;
  /** Embed: the page the widget sits on, sent with usage events (the server checks it). */
  origin?: string;
  welcome?: string;
  accent?: string;
  eager?: boolean;
  onAnswer?: (answer: WidgetAnswer) => void;
  sendRef?: MutableRefObject<((text: string) => void) | null>;
  className?: string;
}

/**
 * The model for a visitor (share page, embed): runs in a worker of this page, answers at once, and
 * then reports the answer for the owner's monitoring without waiting for it. The visitor's text is
 * sent only when the owner turned logging on.
 */
export function VisitorModel({ model, channel, slug, bundleUrl, entityBundleUrl, origin, welcome, accent, eager = true, onAnswer, sendRef, className }: VisitorModelProps) {
  const t = useTranslations("widgets");
  const getClient = useStandaloneClient();
  const runner = useModelRunner({ bundleUrl, kind: model.kind, getClient, eager, ownWorker: true });
  // Reply templates: the entity model runs in a second worker of this page (created only when used).
  const getEntityClient = useStandaloneClient();
  const entityRunner = useModelRunner({ bundleUrl: model.entityTemplates && entityBundleUrl ? entityBundleUrl : null, kind: "text", getClient: getEntityClient, eager, ownWorker: true });
  const { predictMany: extractMany } = entityRunner;
  const entityTemplates = useMemo<EntityTemplates | null>(
    () =>
      model.entityTemplates
        ? { ...model.entityTemplates, extract: async (text: string) => ((await extractMany([text]))[0] as EntityPrediction).entities }
        : null,
    [model.entityTemplates, extractMany],
  );

  const report = useCallback(
    (answer: WidgetAnswer) => {
      onAnswer?.(answer);
      const event = {
        channel,
        slug,
        origin,
        label: answer.label,
        confidence: answer.confidence,
        latencyMs: Math.round(answer.latencyMs * 10) / 10,
        fallback: answer.fallback,
        ...(model.logInputs && answer.input ? { input: answer.input } : {}),
      };
      // Fire and forget: the answer is already on screen; a failed report changes nothing for the visitor.
      fetch("/api/public/events", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event), keepalive: true, credentials: "omit" }).catch(
        () => undefined,
      );
    },
    [channel, slug, origin, model.logInputs, onAnswer],
  );

  return (
    <div className={`flex min-h-0 flex-col gap-2 ${className ?? ""}`} data-testid="visitor-model" data-backend={runner.backend ?? undefined}>
      {runner.status === "loading" ? (
        <p className="text-xs text-slate-500" data-testid="model-loading">
          {t("loading")}
        </p>
      ) : null}
      {runner.status === "error" ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {t("loadFailed")}
        </p>
      ) : null}
      {model.kind === "audio" ? (
        <VoiceWidget
          classify={async (clip) => {
            const started = performance.now();
            const [prediction] = (await runner.predictMany([clip], { topK: 3 })) as ClassPrediction[];
            report({ input: "", text: prediction.label, label: prediction.label, confidence: prediction.confidence, fallback: false, latencyMs: performance.now() - started });
            return prediction;
          }}
        />
      ) : SCENE_WIDGET_SCENES.has(model.scene) ? (
        <SceneWidget scene={model.scene} runner={runner} />
      ) : model.kind === "image" ? (
        <ImageWidget runner={runner} onAnswer={report} />
      ) : (
        <ChatWidget
          runner={runner}
          scene={model.scene}
          replies={model.replies}
          quickReplies={model.widgets.includes("quick-replies") ? model.quickReplies : {}}
          suggestions={model.suggestions}
          threshold={model.threshold}
          entityTemplates={entityTemplates}
          welcome={welcome}
          accent={accent}
          onAnswer={report}
          sendRef={sendRef}
          className="flex-1"
        />
      )}
      <p className="text-xs text-slate-500" data-testid="privacy-note">
        {model.logInputs ? t("runsHereLogged") : t("runsHerePrivate")}
      </p>
    </div>
  );
}
