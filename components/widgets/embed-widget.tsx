"use client";

import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef } from "react";
import type { PublicEmbed } from "@/lib/server/sharing";
import type { WidgetAnswer } from "./chat-widget";
import { VisitorModel } from "./visitor-model";

/*
 * Messages between embed.js (on the host page) and this iframe, always to and from one exact origin:
 *   host → widget  {type: "ams:send", text}
 *   widget → host  {type: "ams:ready"} | {type: "ams:answer", answer} | {type: "ams:close"}
 * Anything from another origin, or not from the parent window, is ignored.
 */
export function EmbedWidget({ embed, slug, parentOrigin, withLoader }: { embed: PublicEmbed; slug: string; parentOrigin: string; withLoader: boolean }) {
  const t = useTranslations("embed.widget");
  const sendRef = useRef<((text: string) => void) | null>(null);
  const { theme, model } = embed;

  const post = useCallback(
    (message: Record<string, unknown>) => {
      if (window.parent !== window) window.parent.postMessage(message, parentOrigin);
    },
    [parentOrigin],
  );

  useEffect(() => {
    function onMessage(event: MessageEvent) {
      if (event.origin !== parentOrigin || event.source !== window.parent) return;
      const data = event.data as { type?: unknown; text?: unknown } | null;
      if (!data || typeof data !== "object") return;
      if (data.type === "ams:send" && typeof data.text === "string") sendRef.current?.(data.text.slice(0, 2000));
    }
    window.addEventListener("message", onMessage);
    post({ type: "ams:ready" });
    return () => window.removeEventListener("message", onMessage);
  }, [parentOrigin, post]);

  const onAnswer = useCallback(
    (a: WidgetAnswer) => post({ type: "ams:answer", answer: { input: a.input, text: a.text, label: a.label, confidence: a.confidence, fallback: a.fallback } }),
    [post],
  );

  return (
    <div className="flex h-screen flex-col bg-white" data-testid="embed-widget">
      <header className="flex items-center gap-2 px-3 py-2 text-white" style={{ backgroundColor: theme.color }}>
        <span aria-hidden className="grid h-8 w-8 place-items-center rounded-full bg-white/20 text-base">
          {theme.avatar}
        </span>
        <h1 className="min-w-0 flex-1 truncate font-semibold" data-testid="embed-title">
          {theme.title}
        </h1>
        {withLoader ? (
          <button type="button" className="rounded px-2 py-1 text-lg leading-none hover:bg-white/20" aria-label={t("close")} onClick={() => post({ type: "ams:close" })}>
            ×
          </button>
        ) : null}
      </header>
      <VisitorModel
        model={model}
        channel="embed"
        slug={slug}
        origin={parentOrigin}
        bundleUrl={`/api/public/embed/${encodeURIComponent(slug)}/bundle?origin=${encodeURIComponent(parentOrigin)}&v=${embed.model.bundleTag}`}
        entityBundleUrl={`/api/public/embed/${encodeURIComponent(slug)}/bundle?part=entities&origin=${encodeURIComponent(parentOrigin)}&v=${embed.model.entityBundleTag ?? ""}`}
        welcome={theme.welcome || t("defaultWelcome")}
        accent={theme.color}
        onAnswer={onAnswer}
        sendRef={sendRef}
        className="flex-1 p-3"
      />
    </div>
  );
}
