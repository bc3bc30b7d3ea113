"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** A read-only value (a link, a snippet) with a copy button. */
export function CopyField({ label, value, multiline = false, testId }: { label: string; value: string; multiline?: boolean; testId: string }) {
  const t = useTranslations("share");
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // No clipboard permission (e.g. plain http): select the text so Ctrl+C works.
      (document.getElementById(`${testId}-value`) as HTMLInputElement | HTMLTextAreaElement | null)?.select();
      return;
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }

  const common = {
    id: `${testId}-value`,
    readOnly: true,
    value,
    "data-testid": testId,
    onFocus: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => e.currentTarget.select(),
    className: "w-full rounded-lg border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-xs text-slate-800",
  };
  return (
    <div className="space-y-1">
      <label htmlFor={`${testId}-value`} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <div className="flex items-start gap-2">
        {multiline ? <textarea rows={3} {...common} /> : <input {...common} />}
        <Button variant="secondary" size="sm" onClick={() => void copy()} data-testid={`${testId}-copy`}>
          {copied ? t("copied") : t("copy")}
        </Button>
      </div>
    </div>
  );
}
