"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { apiFetch } from "@/lib/client/api";

const OPTIONS = [
  { value: "en", label: "English" },
  { value: "zh-CN", label: "简体中文" },
] as const;

export function LanguageSwitcher({ current, label }: { current: string; label: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <label className="flex items-center gap-1 text-sm text-slate-600">
      <span className="sr-only">{label}</span>
      <span aria-hidden>🌐</span>
      <select
        aria-label={label}
        data-testid="language-switcher"
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
        value={current}
        disabled={pending}
        onChange={async (e) => {
          const res = await apiFetch("/api/locale", { body: { locale: e.target.value } });
          if (res.ok) startTransition(() => router.refresh());
        }}
      >
        {OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
