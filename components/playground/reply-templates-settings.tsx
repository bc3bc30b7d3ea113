"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import type { EntityMention } from "@/lib/ml/types";
import { fillReplyTemplate, templatePlaceholders } from "@/lib/scenes/intent-chatbot/reply-template";
import type { EntityModelOption } from "@/lib/server/reply-templates";

/**
 * The "Fill replies with entities" part of the bot settings: which of the owner's entity models
 * fills {TYPE} placeholders, the placeholders it offers, a fallback text per type, and a preview
 * of the templated replies — with no entity found, or with the entities of a message the owner
 * types (run by the linked model in this browser). Everything shown is text, never HTML.
 */
export function ReplyTemplatesSettings({
  intents,
  replies,
  quickReplies,
  entityModels,
  entityProjectId,
  placeholderDefaults,
  onEntityProject,
  onPlaceholderDefaults,
  extract,
}: {
  intents: readonly string[];
  replies: Record<string, string>;
  quickReplies: Record<string, string[]>;
  entityModels: readonly EntityModelOption[];
  entityProjectId: string | null;
  placeholderDefaults: Record<string, string>;
  onEntityProject: (id: string | null) => void;
  onPlaceholderDefaults: (d: Record<string, string>) => void;
  /** Runs the linked entity model on a text (null when none is linked). */
  extract: ((text: string) => Promise<EntityMention[]>) | null;
}) {
  const t = useTranslations("playground");
  const model = entityModels.find((m) => m.id === entityProjectId) ?? null;
  // The preview's message and what the entity model found in it (null: preview with none found).
  const [previewText, setPreviewText] = useState("");
  const [preview, setPreview] = useState<{ text: string; entities: EntityMention[]; modelId: string } | null>(null);
  const [previewBusy, setPreviewBusy] = useState(false);

  const context = model ? { types: model.types, defaults: placeholderDefaults } : null;
  const found = preview && preview.modelId === model?.id ? preview : null;
  const templated = model ? intents.filter((i) => replies[i] && hasPlaceholder(replies[i], model.types)) : [];
  const unknown = model
    ? [...new Set(intents.flatMap((i) => [replies[i] ?? "", ...(quickReplies[i] ?? [])]).flatMap((text) => templatePlaceholders(text, model.types).unknown))]
    : [];

  async function runPreview(e: FormEvent) {
    e.preventDefault();
    const text = previewText.trim();
    if (!extract || !model) return;
    if (!text) return setPreview(null);
    setPreviewBusy(true);
    try {
      setPreview({ text, entities: await extract(text), modelId: model.id });
    } catch {
      setPreview({ text, entities: [], modelId: model.id });
    } finally {
      setPreviewBusy(false);
    }
  }

  return (
    <fieldset className="mt-4 space-y-3 rounded-xl border border-slate-200 p-3" data-testid="reply-templates">
      <legend className="px-1 text-sm font-medium">{t("templatesTitle")}</legend>
      {entityModels.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="entity-model-empty">
          {t("entityModelEmpty")}
        </p>
      ) : (
        <label className="block text-sm">
          <span className="text-slate-700">{t("entityModelLabel")}</span>
          <select
            className="mt-1 block w-full rounded border border-slate-300 px-2 py-1"
            value={model?.id ?? ""}
            onChange={(e) => onEntityProject(e.target.value || null)}
            data-testid="entity-model-select"
          >
            <option value="">{t("entityModelNone")}</option>
            {entityModels.map((m) => (
              <option key={m.id} value={m.id}>
                {t("entityModelOption", { name: m.name, version: m.version.number })}
              </option>
            ))}
          </select>
        </label>
      )}
      {model && context ? (
        <>
          <p className="text-sm text-slate-600">{t("templatesHelp", { example: `{${model.types[0]}}`, second: `{${model.types[0]}:2}` })}</p>
          <p className="flex flex-wrap items-center gap-1 text-sm" data-testid="placeholders">
            <span className="text-slate-700">{t("placeholdersAvailable")}</span>
            {model.types.map((type) => (
              <code key={type} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs" data-testid="placeholder-chip">
                {`{${type}}`}
              </code>
            ))}
          </p>
          <div className="space-y-1">
            <p className="text-sm font-medium text-slate-700">{t("defaultsTitle")}</p>
            <p className="text-xs text-slate-600">{t("defaultsHelp")}</p>
            <div className="grid gap-2 sm:grid-cols-2">
              {model.types.map((type) => (
                <label key={type} className="block text-sm">
                  <span className="text-slate-700">{t("defaultFor", { placeholder: `{${type}}` })}</span>
                  <input
                    className="mt-1 block w-full rounded border border-slate-300 px-2 py-1"
                    maxLength={200}
                    placeholder={t("defaultPlaceholder")}
                    value={placeholderDefaults[type] ?? ""}
                    onChange={(e) => onPlaceholderDefaults({ ...placeholderDefaults, [type]: e.target.value })}
                    data-testid={`placeholder-default-${type}`}
                  />
                </label>
              ))}
            </div>
          </div>
          {unknown.length ? (
            <p className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="template-unknown">
              {t("unknownPlaceholders", { list: unknown.join(" ") })}
            </p>
          ) : null}
          <div className="space-y-2" data-testid="template-preview">
            <p className="text-sm font-medium text-slate-700">{t("previewTitle")}</p>
            <form onSubmit={runPreview} className="flex flex-wrap gap-2">
              <label className="sr-only" htmlFor="template-preview-text">
                {t("previewSentence")}
              </label>
              <input
                id="template-preview-text"
                className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1 text-sm"
                maxLength={2000}
                placeholder={t("previewSentencePlaceholder")}
                value={previewText}
                onChange={(e) => setPreviewText(e.target.value)}
                data-testid="template-preview-text"
              />
              <Button type="submit" size="sm" variant="secondary" disabled={previewBusy || !extract} data-testid="template-preview-run">
                {t("previewRun")}
              </Button>
            </form>
            <p className="text-xs text-slate-600" data-testid="template-preview-found">
              {found
                ? found.entities.length
                  ? `${t("previewWith")} ${t("previewFound", { entities: found.entities.map((e) => `${e.type}: ${e.text}`).join(", ") })}`
                  : `${t("previewWith")} ${t("previewNoEntities")}`
                : t("previewNone")}
            </p>
            {templated.length ? (
              <ul className="space-y-1 text-sm">
                {templated.map((intent) => (
                  <li key={intent} className="rounded bg-slate-50 px-2 py-1" data-testid="template-preview-reply">
                    <span className="font-medium">{intent}</span>: <span className="whitespace-pre-wrap">{fillReplyTemplate(replies[intent], found?.entities ?? [], context)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">{t("previewNoTemplates")}</p>
            )}
          </div>
        </>
      ) : null}
    </fieldset>
  );
}

function hasPlaceholder(text: string, types: readonly string[]): boolean {
  const { known, unknown } = templatePlaceholders(text, types);
  return known.length + unknown.length > 0;
}
