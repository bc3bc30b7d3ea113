"use client";

import { useTranslations } from "next-intl";
import type { FormattedIssue } from "./types";

/** Every rejected row or file with its reason, errors first; long lists are collapsible. */
export function IssueList({ issues, title, testId }: { issues: FormattedIssue[]; title?: string; testId?: string }) {
  const t = useTranslations("data");
  if (issues.length === 0) return null;
  const sorted = [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  const shown = sorted.slice(0, 8);
  const rest = sorted.slice(8);
  const item = (i: FormattedIssue, k: number) => (
    <li key={k} className={i.severity === "error" ? "text-red-700" : "text-amber-800"}>
      <span aria-hidden>{i.severity === "error" ? "✖ " : "⚠ "}</span>
      {i.message}
    </li>
  );
  return (
    <div className="rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm" data-testid={testId ?? "issue-list"}>
      {title ? <p className="mb-2 font-medium text-slate-800">{title}</p> : null}
      <ul className="space-y-1">{shown.map(item)}</ul>
      {rest.length ? (
        <details className="mt-2">
          <summary className="cursor-pointer text-slate-700">{t("moreIssues", { count: rest.length })}</summary>
          <ul className="mt-1 space-y-1">{rest.map(item)}</ul>
        </details>
      ) : null}
    </div>
  );
}
