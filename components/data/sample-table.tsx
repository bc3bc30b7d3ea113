"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { SampleView } from "./types";

function summary(s: SampleView): string {
  const d = s.data ?? {};
  if (typeof d.answer === "string") return `→ ${d.answer}`;
  if (d.values && typeof d.values === "object") {
    return Object.entries(d.values as Record<string, unknown>)
      .map(([k, v]) => `${k}=${v ?? "∅"}`)
      .join(", ");
  }
  if (typeof d.user === "string") return `${d.user} · ${String(d.item)} · ${String(d.rating)}`;
  if (Array.isArray(d.spans)) return (d.spans as { start: number; end: number; label: string }[]).map((sp) => `${(s.text ?? "").slice(sp.start, sp.end)} (${sp.label})`).join(", ");
  return "";
}

/** Rows with an editable label: click the label, type, press Enter (Escape cancels). */
export function SampleTable({
  samples,
  labels,
  editableLabel,
  onRelabel,
  onDelete,
}: {
  samples: SampleView[];
  labels: string[];
  editableLabel: boolean;
  onRelabel: (id: string, label: string) => Promise<string | null>;
  onDelete: (id: string) => void;
}) {
  const t = useTranslations("data");
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function save(id: string) {
    const err = await onRelabel(id, draft);
    if (err) setError(err);
    else {
      setEditing(null);
      setError(null);
    }
  }

  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="min-w-full text-left text-sm" data-testid="sample-table">
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">{t("colText")}</th>
            {editableLabel ? <th scope="col" className="px-3 py-2 font-medium">{t("colLabel")}</th> : null}
            <th scope="col" className="px-3 py-2 font-medium"><span className="sr-only">{t("actions")}</span></th>
          </tr>
        </thead>
        <tbody>
          {samples.map((s) => (
            <tr key={s.id} className="border-t border-slate-100" data-testid="sample-row">
              <td className="max-w-xl px-3 py-2 align-top">
                <span className="whitespace-pre-wrap break-words">{s.text ?? s.fileName ?? ""}</span>
                {summary(s) ? <span className="block text-xs text-slate-500">{summary(s)}</span> : null}
              </td>
              {editableLabel ? (
                <td className="px-3 py-2 align-top">
                  {editing === s.id ? (
                    <form
                      onSubmit={(e) => {
                        e.preventDefault();
                        void save(s.id);
                      }}
                      className="flex flex-col gap-1"
                    >
                      <input
                        autoFocus
                        list="known-labels"
                        aria-label={t("editLabelFor", { text: (s.text ?? "").slice(0, 40) })}
                        className="w-40 rounded border border-brand-500 px-2 py-1"
                        value={draft}
                        onChange={(e) => setDraft(e.target.value)}
                        onKeyDown={(e) => e.key === "Escape" && setEditing(null)}
                      />
                      {error ? <span role="alert" className="text-xs text-red-600">{error}</span> : null}
                    </form>
                  ) : (
                    <button
                      type="button"
                      className="rounded bg-slate-100 px-2 py-0.5 hover:bg-brand-50"
                      aria-label={t("editLabelButton", { label: s.label ?? "" })}
                      onClick={() => {
                        setEditing(s.id);
                        setDraft(s.label ?? "");
                        setError(null);
                      }}
                    >
                      {s.label}
                    </button>
                  )}
                </td>
              ) : null}
              <td className="px-3 py-2 text-right align-top">
                <Button variant="ghost" size="sm" className="text-red-700" onClick={() => onDelete(s.id)} aria-label={t("deleteSample")}>
                  ✕
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <datalist id="known-labels">
        {labels.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
    </div>
  );
}
