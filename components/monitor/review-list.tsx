"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { LowConfidenceEntry, WrongEntry } from "./types";

export interface AddRequest {
  feedbackIds: string[];
  events: { eventId: string; label: string }[];
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * One review list (low-confidence or wrongly answered inputs) with "Add to dataset" per row and
 * for the selected rows. Low-confidence rows need a label first; wrong answers carry theirs.
 */
export function ReviewList({
  kind,
  title,
  help,
  emptyText,
  entries,
  labels,
  canAdd,
  busy,
  onAdd,
}: {
  kind: "low" | "wrong";
  title: string;
  help: string;
  emptyText: string;
  entries: (LowConfidenceEntry | WrongEntry)[];
  labels: string[];
  canAdd: boolean;
  busy: boolean;
  onAdd: (req: AddRequest) => void;
}) {
  const t = useTranslations("monitor");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState(false);
  const listId = `labels-${kind}`;

  const keyOf = (e: LowConfidenceEntry | WrongEntry) => ("eventId" in e ? e.eventId : e.feedbackId);

  function request(keys: string[]): AddRequest | null {
    if (kind === "wrong") return { feedbackIds: keys, events: [] };
    const events = keys.map((k) => ({ eventId: k, label: (chosen[k] ?? "").trim() }));
    if (events.some((e) => !e.label)) return null;
    return { feedbackIds: [], events };
  }

  function add(keys: string[]) {
    const req = request(keys);
    setMissing(!req);
    if (!req) return;
    setSelected(new Set());
    onAdd(req);
  }

  function toggle(key: string, on: boolean) {
    setSelected((cur) => {
      const next = new Set(cur);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  }

  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4" data-testid={`${kind}-list`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-medium">{title}</h3>
        {canAdd && entries.length > 0 ? (
          <Button size="sm" variant="secondary" disabled={busy || selected.size === 0} onClick={() => add([...selected])} data-testid={`${kind}-add-selected`}>
            {t("addSelected", { count: selected.size })}
          </Button>
        ) : null}
      </div>
      <p className="mt-1 text-sm text-slate-600">{help}</p>
      {missing ? (
        <p role="alert" className="mt-1 text-sm text-red-700">
          {t("labelMissing")}
        </p>
      ) : null}
      {entries.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">{emptyText}</p>
      ) : (
        <div className="mt-3 overflow-x-auto">
          {kind === "low" ? (
            <datalist id={listId}>
              {labels.map((l) => (
                <option key={l} value={l} />
              ))}
            </datalist>
          ) : null}
          <table className="min-w-full text-left text-sm">
            <thead className="bg-slate-50">
              <tr>
                {canAdd ? (
                  <th scope="col" className="px-2 py-2">
                    <span className="sr-only">{t("select")}</span>
                  </th>
                ) : null}
                <th scope="col" className="px-2 py-2">{t("input")}</th>
                <th scope="col" className="px-2 py-2">{t("modelSaid")}</th>
                {kind === "low" ? <th scope="col" className="px-2 py-2">{t("confidence")}</th> : null}
                {kind === "low" ? <th scope="col" className="px-2 py-2">{t("channel")}</th> : null}
                <th scope="col" className="px-2 py-2">{t("rightLabel")}</th>
                {canAdd ? (
                  <th scope="col" className="px-2 py-2">
                    <span className="sr-only">{t("add")}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const key = keyOf(e);
                const low = "eventId" in e ? e : null;
                const wrong = "feedbackId" in e ? e : null;
                return (
                  <tr key={key} className="border-t border-slate-100 align-top" data-testid={`${kind}-row`}>
                    {canAdd ? (
                      <td className="px-2 py-2">
                        <input type="checkbox" checked={selected.has(key)} onChange={(ev) => toggle(key, ev.target.checked)} aria-label={t("selectRow", { input: e.input.slice(0, 40) })} />
                      </td>
                    ) : null}
                    <td className="max-w-md px-2 py-2">
                      <span className="whitespace-pre-wrap break-words">{e.input}</span>
                    </td>
                    <td className="px-2 py-2">{(low ? low.label : wrong?.predictedLabel) ?? t("noValue")}</td>
                    {low ? <td className="px-2 py-2 tabular-nums">{pct(low.confidence)}</td> : null}
                    {low ? <td className="px-2 py-2">{t(`channels.${low.channel as "playground"}`)}</td> : null}
                    <td className="px-2 py-2">
                      {low ? (
                        <input
                          list={listId}
                          maxLength={100}
                          value={chosen[key] ?? ""}
                          onChange={(ev) => setChosen((cur) => ({ ...cur, [key]: ev.target.value }))}
                          placeholder={t("labelPlaceholder")}
                          aria-label={t("rightLabel")}
                          disabled={!canAdd}
                          className="w-36 rounded border border-slate-300 px-2 py-1"
                          data-testid="low-label"
                        />
                      ) : (
                        <span className="font-medium">{wrong!.correctLabel}</span>
                      )}
                    </td>
                    {canAdd ? (
                      <td className="px-2 py-2 text-right">
                        <Button size="sm" variant="secondary" disabled={busy} onClick={() => add([key])} data-testid={`${kind}-add`}>
                          {t("add")}
                        </Button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
