"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { apiFetch } from "@/lib/client/api";

export interface FeedbackButtonsProps {
  projectId: string;
  /** The recorded prediction, once the server answered; until then the input is sent instead. */
  eventId: string | null;
  /** True while the prediction is still being recorded: feedback waits so it can refer to it. */
  pending?: boolean;
  input: string;
  predictedLabel: string | null;
  /** The model's labels, offered as the right answer. */
  labels: string[];
}

type State =
  | { step: "ask" }
  | { step: "correct" }
  | { step: "choose" }
  | { step: "wrong"; feedbackId: string; label: string }
  | { step: "added"; label: string; already: boolean };

/**
 * Correct / wrong on one answer. Wrong asks for the right label, then offers "Add to dataset" in
 * one click (a new example, and a new dataset version, for the next training run).
 */
export function FeedbackButtons({ projectId, eventId, pending = false, input, predictedLabel, labels }: FeedbackButtonsProps) {
  const t = useTranslations("monitor.feedback");
  const [state, setState] = useState<State>({ step: "ask" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [newLabel, setNewLabel] = useState("");

  async function send(correct: boolean, correctLabel?: string) {
    setBusy(true);
    setError(null);
    const res = await apiFetch<{ feedback: { id: string; correctLabel: string | null } }>(`/api/projects/${projectId}/feedback`, {
      body: { ...(eventId ? { eventId } : { input }), ...(predictedLabel ? { predictedLabel } : {}), correct, ...(correctLabel ? { correctLabel } : {}) },
    });
    setBusy(false);
    if (!res.ok) return setError(t("failed", { message: res.error.message }));
    if (correct) setState({ step: "correct" });
    else setState({ step: "wrong", feedbackId: res.data.feedback.id, label: res.data.feedback.correctLabel ?? correctLabel ?? "" });
  }

  async function add(feedbackId: string, label: string) {
    setBusy(true);
    setError(null);
    const res = await apiFetch<{ added: number }>(`/api/projects/${projectId}/feedback/${feedbackId}/add-to-dataset`, { method: "POST", body: {} });
    setBusy(false);
    if (!res.ok) return setError(t("failed", { message: res.error.message }));
    setState({ step: "added", label, already: res.data.added === 0 });
  }

  function onNewLabel(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const label = newLabel.trim();
    if (label) void send(false, label);
  }

  return (
    <div className="mt-2 space-y-1 text-xs text-slate-700" data-testid="feedback">
      {state.step === "ask" || state.step === "choose" ? (
        <div className="flex flex-wrap items-center gap-1">
          <span>{t("question")}</span>
          <Button size="sm" variant="secondary" disabled={busy || pending} aria-label={t("correctAria")} onClick={() => void send(true)} data-testid="feedback-correct">
            {t("correct")}
          </Button>
          <Button size="sm" variant="secondary" disabled={busy || pending} aria-label={t("wrongAria")} aria-expanded={state.step === "choose"} onClick={() => setState({ step: "choose" })} data-testid="feedback-wrong">
            {t("wrong")}
          </Button>
        </div>
      ) : null}
      {state.step === "choose" ? (
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-1">
            <span className="sr-only">{t("rightLabel")}</span>
            <select
              className="rounded border border-slate-300 bg-white px-2 py-1"
              defaultValue=""
              disabled={busy}
              onChange={(e) => e.target.value && void send(false, e.target.value)}
              data-testid="feedback-label"
            >
              <option value="">{t("chooseLabel")}</option>
              {labels.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <form onSubmit={onNewLabel} className="flex items-center gap-1">
            <label className="sr-only" htmlFor={`new-label-${eventId ?? "raw"}`}>
              {t("newLabel")}
            </label>
            <input
              id={`new-label-${eventId ?? "raw"}`}
              value={newLabel}
              maxLength={100}
              onChange={(e) => setNewLabel(e.target.value)}
              placeholder={t("newLabel")}
              className="w-36 rounded border border-slate-300 px-2 py-1"
            />
            <Button size="sm" variant="secondary" type="submit" disabled={busy || !newLabel.trim()}>
              {t("save")}
            </Button>
          </form>
        </div>
      ) : null}
      {state.step === "correct" ? <p role="status">{t("notedCorrect")}</p> : null}
      {state.step === "wrong" ? (
        <div className="flex flex-wrap items-center gap-2">
          <p role="status">{t("notedWrong", { label: state.label })}</p>
          <Button size="sm" disabled={busy} onClick={() => void add(state.feedbackId, state.label)} data-testid="feedback-add">
            {t("add")}
          </Button>
        </div>
      ) : null}
      {state.step === "added" ? (
        <p role="status" className="text-emerald-700" data-testid="feedback-added">
          {state.already ? t("alreadyInDataset") : t("added", { label: state.label })}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
