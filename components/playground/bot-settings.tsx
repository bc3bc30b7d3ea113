"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { apiFetch } from "@/lib/client/api";
import type { EntityMention } from "@/lib/ml/types";
import type { EntityModelOption } from "@/lib/server/reply-templates";
import { ReplyTemplatesSettings } from "./reply-templates-settings";

/**
 * The intent chatbot's answers, edited in the Playground: per intent a reply and up to four
 * quick-reply buttons, plus the confidence threshold below which the fallback is given, and the
 * entity model that fills {TYPE} placeholders in replies. Saved for the share page, the embed and
 * the REST API (the Playground uses the edits at once, saved or not).
 */
export function BotSettings({
  projectId,
  intents,
  replies,
  quickReplies,
  suggestions,
  threshold,
  onReplies,
  onQuickReplies,
  onSuggestions,
  entityModels,
  entityProjectId,
  placeholderDefaults,
  onEntityProject,
  onPlaceholderDefaults,
  extract,
}: {
  projectId: string;
  intents: readonly string[];
  replies: Record<string, string>;
  quickReplies: Record<string, string[]>;
  suggestions: string[];
  threshold: number;
  onReplies: (r: Record<string, string>) => void;
  onQuickReplies: (q: Record<string, string[]>) => void;
  onSuggestions: (s: string[]) => void;
  entityModels: readonly EntityModelOption[];
  entityProjectId: string | null;
  placeholderDefaults: Record<string, string>;
  onEntityProject: (id: string | null) => void;
  onPlaceholderDefaults: (d: Record<string, string>) => void;
  extract: ((text: string) => Promise<EntityMention[]>) | null;
}) {
  const t = useTranslations("playground");
  const [state, setState] = useState<"idle" | "saving" | "saved" | "error">("idle");
  // What the owner typed, kept as typed (a trailing comma must survive until the next item).
  const [rawQuick, setRawQuick] = useState<Record<string, string>>(() => Object.fromEntries(Object.entries(quickReplies).map(([k, v]) => [k, v.join(", ")])));
  const [rawSuggestions, setRawSuggestions] = useState(() => suggestions.join(", "));
  const parseList = (text: string) =>
    text
      .split(/[,，]/)
      .map((x) => x.trim())
      .filter(Boolean)
      .slice(0, 4);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    setState("saving");
    setError(null);
    const r = await apiFetch(`/api/projects/${projectId}/replies`, { method: "PUT", body: { replies: Object.fromEntries(intents.map((i) => [i, replies[i] ?? ""])) } });
    const q = r.ok ? await apiFetch(`/api/projects/${projectId}/chat-settings`, { method: "PUT", body: { threshold, quickReplies, suggestions, entityProjectId, placeholderDefaults } }) : r;
    if (q.ok) setState("saved");
    else {
      setState("error");
      setError(q.error.message);
    }
  }

  return (
    <details className="rounded-2xl border border-slate-200 bg-white p-4" data-testid="bot-settings">
      <summary className="cursor-pointer font-medium">{t("botSettings")}</summary>
      <p className="mt-2 text-sm text-slate-600">{t("botSettingsHint")}</p>
      <div className="mt-3 overflow-x-auto">
        <table className="min-w-full text-sm">
          <thead>
            <tr className="text-left">
              <th scope="col" className="px-2 py-1">{t("intent")}</th>
              <th scope="col" className="px-2 py-1">{t("reply")}</th>
              <th scope="col" className="px-2 py-1">{t("quickRepliesColumn")}</th>
            </tr>
          </thead>
          <tbody>
            {intents.map((intent) => (
              <tr key={intent} className="border-t border-slate-100 align-top">
                <th scope="row" className="px-2 py-1 text-left font-medium">{intent}</th>
                <td className="px-2 py-1">
                  <textarea
                    aria-label={t("replyFor", { intent })}
                    className="w-full min-w-48 rounded border border-slate-300 px-2 py-1"
                    rows={2}
                    maxLength={2000}
                    value={replies[intent] ?? ""}
                    onChange={(e) => onReplies({ ...replies, [intent]: e.target.value })}
                    data-testid={`reply-${intent}`}
                  />
                </td>
                <td className="px-2 py-1">
                  <input
                    aria-label={t("quickRepliesFor", { intent })}
                    className="w-full min-w-40 rounded border border-slate-300 px-2 py-1"
                    placeholder={t("quickRepliesPlaceholder")}
                    value={rawQuick[intent] ?? (quickReplies[intent] ?? []).join(", ")}
                    onChange={(e) => {
                      setRawQuick({ ...rawQuick, [intent]: e.target.value });
                      onQuickReplies({ ...quickReplies, [intent]: parseList(e.target.value) });
                    }}
                    data-testid={`quick-${intent}`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <label className="mt-3 block text-sm">
        <span className="text-slate-700">{t("suggestionsLabel")}</span>
        <input
          className="mt-1 block w-full rounded border border-slate-300 px-2 py-1"
          placeholder={t("suggestionsPlaceholder")}
          value={rawSuggestions}
          onChange={(e) => {
            setRawSuggestions(e.target.value);
            onSuggestions(parseList(e.target.value));
          }}
          data-testid="suggestions"
        />
      </label>
      <ReplyTemplatesSettings
        intents={intents}
        replies={replies}
        quickReplies={quickReplies}
        entityModels={entityModels}
        entityProjectId={entityProjectId}
        placeholderDefaults={placeholderDefaults}
        onEntityProject={onEntityProject}
        onPlaceholderDefaults={onPlaceholderDefaults}
        extract={extract}
      />
      <div className="mt-3 flex items-center gap-3">
        <Button size="sm" onClick={() => void save()} disabled={state === "saving"} data-testid="save-bot-settings">
          {t("saveBotSettings")}
        </Button>
        <span role="status" className="text-sm text-slate-600">
          {state === "saved" ? t("botSettingsSaved") : state === "error" ? (error ?? t("botSettingsFailed")) : ""}
        </span>
      </div>
    </details>
  );
}
