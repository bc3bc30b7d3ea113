"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { IssueList } from "./issue-list";
import type { TablePreview } from "./types";

type Mapping = Record<string, unknown> & { kind: string };

/** Which roles a table's columns can play, per data kind; `optional` roles may be left empty. */
const ROLES: Record<string, { role: string; optional?: boolean; multi?: boolean }[]> = {
  text: [{ role: "text" }, { role: "label" }, { role: "reply", optional: true }],
  faq: [{ role: "question" }, { role: "answer" }, { role: "paraphrases", optional: true, multi: true }],
  tabular: [{ role: "target" }],
  ratings: [{ role: "user" }, { role: "item" }, { role: "rating", optional: true }],
};

function initialMapping(kind: string, preview: TablePreview): Mapping {
  if (preview.mapping && preview.mapping.kind === kind) return preview.mapping as Mapping;
  const h = preview.headers;
  const m: Mapping = { kind };
  ROLES[kind]?.forEach((r, i) => {
    if (r.multi) m[r.role] = [];
    else if (!r.optional) m[r.role] = h[Math.min(i, h.length - 1)];
  });
  return m;
}

/** Column mapping: the guess is shown, the user confirms or changes it, then the rows are imported. */
export function MappingStep({
  preview,
  mappingKind,
  showReply,
  onImport,
  onCancel,
  busy,
}: {
  preview: TablePreview;
  mappingKind: "text" | "faq" | "tabular" | "ratings";
  showReply: boolean;
  onImport: (mapping: Mapping) => void;
  onCancel: () => void;
  busy: boolean;
}) {
  const t = useTranslations("data");
  const [mapping, setMapping] = useState<Mapping>(() => initialMapping(mappingKind, preview));
  const roles = (ROLES[mappingKind] ?? []).filter((r) => r.role !== "reply" || showReply);

  return (
    <section className="space-y-4 rounded-2xl border border-brand-100 bg-white p-4 sm:p-6" aria-labelledby="mapping-title" data-testid="mapping-step">
      <div>
        <h3 id="mapping-title" className="text-lg font-medium">
          {t("mappingTitle")}
        </h3>
        <p className="text-sm text-slate-600">
          {t("mappingLead", { file: preview.fileName, rows: preview.rowCount })}
          {preview.encoding && preview.encoding !== "utf-8" ? ` · ${t("encoding", { encoding: preview.encoding })}` : ""}
        </p>
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        {roles.map((r) => (
          <label key={r.role} className="block text-sm">
            <span className="font-medium text-slate-700">
              {t(`roles.${r.role}`)}
              {r.optional ? ` (${t("optional")})` : ""}
            </span>
            {r.multi ? (
              <select
                multiple
                className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-2 py-1"
                value={(mapping[r.role] as string[]) ?? []}
                onChange={(e) => setMapping({ ...mapping, [r.role]: [...e.target.selectedOptions].map((o) => o.value) })}
              >
                {preview.headers.map((h) => (
                  <option key={h}>{h}</option>
                ))}
              </select>
            ) : (
              <select
                className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-2 py-1"
                value={(mapping[r.role] as string | undefined) ?? ""}
                onChange={(e) => {
                  const next = { ...mapping };
                  if (e.target.value) next[r.role] = e.target.value;
                  else delete next[r.role];
                  setMapping(next);
                }}
              >
                {r.optional ? <option value="">{t("none")}</option> : null}
                {preview.headers.map((h) => (
                  <option key={h}>{h}</option>
                ))}
              </select>
            )}
            {preview.matchedBy[r.role] ? <span className="text-xs text-slate-500">{t(`matchedBy.${preview.matchedBy[r.role]}`)}</span> : null}
          </label>
        ))}
      </div>
      {preview.columns.length ? (
        <p className="text-sm text-slate-600" data-testid="column-types">
          {t("columnTypes")}: {preview.columns.map((c) => `${c.name} (${t(`types.${c.type}`)})`).join(" · ")}
        </p>
      ) : null}
      <div className="overflow-x-auto">
        <table className="min-w-full border-collapse text-left text-sm" data-testid="preview-table">
          <caption className="sr-only">{t("previewCaption")}</caption>
          <thead>
            <tr>
              {preview.headers.map((h) => (
                <th key={h} scope="col" className="border-b border-slate-200 px-2 py-1 font-medium text-slate-700">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.slice(0, 8).map((row, i) => (
              <tr key={i} className="odd:bg-slate-50">
                {row.map((cell, j) => (
                  <td key={j} className="max-w-xs truncate px-2 py-1 text-slate-700">
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.cutCells > 0 ? (
        <p className="text-xs text-slate-500" data-testid="preview-cut">
          {t("previewCut")}
        </p>
      ) : null}
      <IssueList issues={preview.issues} title={t("problemsFound")} />
      <div className="flex gap-2">
        <Button onClick={() => onImport(mapping)} disabled={busy}>
          {t("importRows", { rows: preview.rowCount })}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          {t("cancel")}
        </Button>
      </div>
    </section>
  );
}
