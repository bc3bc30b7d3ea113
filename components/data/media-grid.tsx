"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { SampleView } from "./types";
import { ClipThumbnail } from "./waveform";

/** Thumbnails (or audio players with a small waveform) per class; select some, then move them to another class or delete them. */
export function MediaGrid({
  kind,
  samples,
  labels,
  onMove,
  onDelete,
}: {
  kind: "image" | "audio";
  samples: SampleView[];
  labels: string[];
  onMove: (ids: string[], label: string) => Promise<void>;
  onDelete: (ids: string[]) => Promise<void>;
}) {
  const t = useTranslations("data");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState("");
  const byClass = new Map<string, SampleView[]>();
  for (const l of labels) byClass.set(l, []);
  for (const s of samples) byClass.set(s.label ?? "", [...(byClass.get(s.label ?? "") ?? []), s]);
  const toggle = (id: string) =>
    setSelected((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="space-y-4">
      {selected.size ? (
        <div className="sticky top-0 z-10 flex flex-wrap items-center gap-2 rounded-xl border border-brand-100 bg-brand-50 p-3 text-sm" data-testid="selection-bar">
          <span>{t("selected", { count: selected.size })}</span>
          <label className="flex items-center gap-1">
            {t("moveTo")}
            <select className="rounded border border-slate-300 bg-white px-2 py-1" value={target} onChange={(e) => setTarget(e.target.value)} aria-label={t("moveTo")}>
              <option value="">—</option>
              {labels.map((l) => (
                <option key={l}>{l}</option>
              ))}
            </select>
          </label>
          <Button size="sm" disabled={!target} onClick={async () => (await onMove([...selected], target), setSelected(new Set()))}>
            {t("move")}
          </Button>
          <Button size="sm" variant="danger" onClick={async () => (await onDelete([...selected]), setSelected(new Set()))}>
            {t("deleteSelected")}
          </Button>
        </div>
      ) : null}
      {[...byClass].map(([label, items]) => (
        <section key={label} aria-label={label} data-testid="class-group" className="rounded-xl border border-slate-200 bg-white p-3">
          <h4 className="mb-2 text-sm font-medium">
            {label} <span className="text-slate-500">({items.length})</span>
          </h4>
          {items.length === 0 ? <p className="text-sm text-slate-500">{t("emptyClass")}</p> : null}
          <ul className={`grid gap-2 ${kind === "image" ? "grid-cols-3 sm:grid-cols-6 lg:grid-cols-8" : "grid-cols-1 sm:grid-cols-2 lg:grid-cols-4"}`}>
            {items.map((s) => (
              <li key={s.id}>
                <label className="block cursor-pointer rounded-lg border border-slate-200 p-1 has-[:checked]:border-brand-500 has-[:checked]:ring-2 has-[:checked]:ring-brand-100">
                  <input type="checkbox" className="sr-only" checked={selected.has(s.id)} onChange={() => toggle(s.id)} aria-label={s.fileName ?? s.id} />
                  {!s.mediaUrl ? (
                    <span className="block truncate text-xs">{s.fileName}</span>
                  ) : kind === "image" ? (
                    // eslint-disable-next-line @next/next/no-img-element
                    <img
                      src={s.mediaUrl}
                      alt={s.fileName ?? ""}
                      loading="lazy"
                      className="aspect-square w-full rounded object-cover"
                      style={{ imageOrientation: "from-image" }}
                      data-testid="thumbnail"
                    />
                  ) : (
                    <span className="block space-y-1 text-xs">
                      <span className="block truncate">{s.fileName}</span>
                      <ClipThumbnail url={s.mediaUrl} name={t("clipWaveform", { name: s.fileName ?? "" })} />
                      <audio controls preload="none" src={s.mediaUrl} className="w-full" data-testid="clip" />
                    </span>
                  )}
                </label>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
