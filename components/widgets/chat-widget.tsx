"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type FormEvent, type MutableRefObject, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import type { ClassPrediction, EntityMention } from "@/lib/ml/types";
import { fillReplyTemplate, type ReplyTemplateContext } from "@/lib/scenes/intent-chatbot/reply-template";
import { ConfidenceBars } from "./confidence-bars";
import type { ModelRunner } from "./use-model-runner";

/** One answer, as the widget showed it; the share page and the embed report it (see visitor-model). */
export interface WidgetAnswer {
  /** The answer's turn in this chat (for answerExtra); absent for the picture widget. */
  turnId?: number;
  input: string;
  text: string;
  label: string | null;
  confidence: number | null;
  fallback: boolean;
  latencyMs: number;
}

interface Turn {
  id: number;
  from: "user" | "bot";
  text: string;
  prediction?: ClassPrediction;
  /** Fallback: the likely intents, as buttons. */
  suggestions?: string[];
  /** Quick replies the owner set for the answered intent: texts the visitor can send with one click. */
  quickReplies?: string[];
  /** Bot answers: the text they answer. */
  input?: string;
  /** Bot answers with reply templates: the entities found in that text (fallback buttons reuse them). */
  entities?: EntityMention[];
}

/** Intent chatbot reply templates: the linked entity model's types and fallback texts, and how to run it. */
export interface EntityTemplates extends ReplyTemplateContext {
  extract: (text: string) => Promise<EntityMention[]>;
}

export interface ChatWidgetProps {
  runner: ModelRunner;
  scene: string;
  replies: Record<string, string>;
  quickReplies?: Record<string, string[]>;
  /** Suggested first messages, as buttons while the chat is empty. */
  suggestions?: string[];
  threshold: number;
  /** A first bot message (the embed's welcome). */
  welcome?: string;
  /** Colour of the visitor's bubbles and the send button (#rrggbb); the studio's brand colour by default. */
  accent?: string;
  onAnswer?: (answer: WidgetAnswer) => void;
  /** Lets the host (embed.js `send`) type a message into the chat. */
  sendRef?: MutableRefObject<((text: string) => void) | null>;
  /** Fill {TYPE} placeholders of replies and quick replies with the entities of the visitor's text. */
  entityTemplates?: EntityTemplates | null;
  /** Show the entities found under each answer (the Playground, for the owner). */
  showEntities?: boolean;
  /** Extra content under each model answer (the Playground's feedback buttons). */
  answerExtra?: (answer: { turnId: number; input: string; prediction: ClassPrediction }) => ReactNode;
  className?: string;
}

/**
 * The chat: the visitor types, the model answers in this browser. The intent chatbot answers with
 * the intent's reply (and its quick replies), or below the threshold with a fallback offering the
 * likely intents as buttons; other text scenes answer with the label and confidence. Everything the
 * model or the visitor wrote is rendered as text, never HTML.
 */
export function ChatWidget({
  runner,
  scene,
  replies,
  quickReplies = {},
  suggestions = [],
  threshold,
  welcome,
  accent,
  onAnswer,
  sendRef,
  entityTemplates = null,
  showEntities = false,
  answerExtra,
  className = "",
}: ChatWidgetProps) {
  const t = useTranslations("widgets");
  const [turns, setTurns] = useState<Turn[]>(() => (welcome ? [{ id: 0, from: "bot", text: welcome }] : []));
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  // Until the page's script runs, the form stays disabled: a plain HTML submit would put the
  // visitor's text into a URL sent to the server.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const nextId = useRef(1);
  const logRef = useRef<HTMLOListElement>(null);
  const accentStyle = accent ? { backgroundColor: accent } : undefined;

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [turns]);

  const templates = scene === "intent-chatbot" ? entityTemplates : null;
  const fill = (template: string, entities: readonly EntityMention[]) => fillReplyTemplate(template, entities, templates);

  function replyFor(label: string, entities: readonly EntityMention[]) {
    const reply = replies[label];
    return reply === undefined ? t("noReply", { intent: label }) : fill(reply, entities);
  }

  /** The intent's quick replies, filled; a button that ends up empty is dropped, duplicates once. */
  function quickFor(label: string, entities: readonly EntityMention[]) {
    const filled = (quickReplies[label] ?? []).map((q) => fill(q, entities).trim()).filter(Boolean);
    return filled.length ? [...new Set(filled)] : undefined;
  }

  async function ask(text: string) {
    const trimmed = text.trim().slice(0, 2000);
    if (!trimmed) return;
    setTurns((cur) => [...cur, { id: nextId.current++, from: "user", text: trimmed }]);
    setBusy(true);
    try {
      // The entity model runs alongside the intent model; if it fails, placeholders take their fallback.
      const extracting = templates ? templates.extract(trimmed).catch(() => [] as EntityMention[]) : null;
      const { prediction, latencyMs } = await runner.predict(trimmed);
      const entities = extracting ? await extracting : [];
      setFailed(false);
      let reply: Turn;
      let fallback = false;
      if (scene === "intent-chatbot") {
        if (prediction.confidence < threshold) {
          fallback = true;
          reply = { id: nextId.current++, from: "bot", text: t("fallback"), prediction, suggestions: prediction.topK.slice(0, 2).map((p) => p.label) };
        } else {
          reply = { id: nextId.current++, from: "bot", text: replyFor(prediction.label, entities), prediction, quickReplies: quickFor(prediction.label, entities) };
        }
        if (templates) reply.entities = entities;
      } else {
        reply = { id: nextId.current++, from: "bot", text: t("classified", { label: prediction.label, confidence: Math.round(prediction.confidence * 100) }), prediction };
      }
      reply = { ...reply, input: trimmed };
      setTurns((cur) => [...cur, reply]);
      onAnswer?.({ turnId: reply.id, input: trimmed, text: reply.text, label: fallback ? null : prediction.label, confidence: prediction.confidence, fallback, latencyMs });
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  // The latest ask() for the host; assigned after render so it sees current state.
  useEffect(() => {
    if (!sendRef) return;
    sendRef.current = (text: string) => void ask(text);
    return () => {
      sendRef.current = null;
    };
  });

  /** A fallback button: the visitor says which intent they meant, and gets its reply (filled from the text they had sent). */
  function chooseIntent(label: string, entities: readonly EntityMention[] = []) {
    setTurns((cur) => [...cur, { id: nextId.current++, from: "user", text: label }, { id: nextId.current++, from: "bot", text: replyFor(label, entities) }]);
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const text = String(new FormData(form).get("message") ?? "");
    form.reset();
    await ask(text);
  }

  return (
    <div className={`flex min-h-0 flex-col gap-3 ${className}`} data-testid="chat-widget" data-status={runner.status}>
      <ol ref={logRef} className="min-h-48 flex-1 space-y-3 overflow-y-auto rounded-2xl border border-slate-200 bg-white p-4" aria-live="polite" data-testid="chat-log">
        {turns.length === 0 ? <li className="text-sm text-slate-500">{t("empty")}</li> : null}
        {turns.every((x) => x.from === "bot") && suggestions.length ? (
          <li className="flex flex-wrap gap-1" data-testid="suggested-inputs">
            {suggestions.map((q) => (
              <Button key={q} size="sm" variant="secondary" onClick={() => void ask(q)} disabled={!hydrated} data-testid="suggested-input">
                {q}
              </Button>
            ))}
          </li>
        ) : null}
        {turns.map((turn) => (
          <li key={turn.id} className={`flex ${turn.from === "user" ? "justify-end" : "justify-start"}`} data-testid={`turn-${turn.from}`}>
            <div
              className={`max-w-[85%] rounded-2xl px-3 py-2 text-sm ${turn.from === "user" ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-900"}`}
              style={turn.from === "user" ? accentStyle : undefined}
            >
              <p className="whitespace-pre-wrap break-words">{turn.text}</p>
              {turn.suggestions?.length ? (
                <div className="mt-2 flex flex-wrap gap-1">
                  {turn.suggestions.map((s) => (
                    <Button key={s} size="sm" variant="secondary" onClick={() => chooseIntent(s, turn.entities)} data-testid="suggestion">
                      {s}
                    </Button>
                  ))}
                </div>
              ) : null}
              {turn.quickReplies?.length ? (
                <div className="mt-2 flex flex-wrap gap-1">
                  {turn.quickReplies.map((q) => (
                    <Button key={q} size="sm" variant="secondary" onClick={() => void ask(q)} data-testid="quick-reply">
                      {q}
                    </Button>
                  ))}
                </div>
              ) : null}
              {showEntities && turn.entities ? (
                <p className="mt-2 flex flex-wrap gap-1 text-xs text-slate-600" data-testid="turn-entities">
                  {turn.entities.length === 0
                    ? t("noEntitiesFound")
                    : turn.entities.map((e, i) => (
                        <span key={i} className="rounded bg-white px-1.5 py-0.5 ring-1 ring-slate-200" data-testid="turn-entity">
                          {e.type}: {e.text}
                        </span>
                      ))}
                </p>
              ) : null}
              {turn.prediction && turn.from === "bot" ? <ConfidenceBars prediction={turn.prediction} /> : null}
              {answerExtra && turn.prediction && turn.from === "bot" && turn.input !== undefined ? answerExtra({ turnId: turn.id, input: turn.input, prediction: turn.prediction }) : null}
            </div>
          </li>
        ))}
        {busy ? (
          <li className="text-sm text-slate-500" data-testid="chat-thinking">
            {runner.status === "loading" ? t("loading") : t("thinking")}
          </li>
        ) : null}
      </ol>
      {failed ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {t("loadFailed")}
        </p>
      ) : null}
      <form onSubmit={onSubmit} className="flex gap-2">
        <label htmlFor="message" className="sr-only">
          {t("message")}
        </label>
        <input
          id="message"
          name="message"
          autoComplete="off"
          maxLength={2000}
          disabled={!hydrated}
          className="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-2"
          placeholder={t("placeholder")}
        />
        <Button type="submit" style={accentStyle} disabled={!hydrated}>
          {t("send")}
        </Button>
      </form>
    </div>
  );
}
