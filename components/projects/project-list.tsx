"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { apiFetch } from "@/lib/client/api";

export interface ProjectRow {
  id: string;
  name: string;
  sceneName: string;
  status: "no-data" | "data-ready" | "trained";
  statusLabel: string;
  updatedAt: string;
}

const STATUS_STYLE: Record<ProjectRow["status"], string> = {
  "no-data": "bg-slate-100 text-slate-700",
  "data-ready": "bg-amber-100 text-amber-800",
  trained: "bg-emerald-100 text-emerald-800",
};

export function ProjectList({ projects, locale }: { projects: ProjectRow[]; locale: string }) {
  const t = useTranslations();
  const router = useRouter();
  const [renaming, setRenaming] = useState<ProjectRow | null>(null);
  const [deleting, setDeleting] = useState<ProjectRow | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });

  async function onRename(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!renaming) return;
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    setBusy(true);
    const res = await apiFetch(`/api/projects/${renaming.id}`, { method: "PATCH", body: { name }, networkErrorMessage: t("errors.network") });
    setBusy(false);
    if (!res.ok) return setError(res.error.fields.name ?? res.error.message);
    setRenaming(null);
    setNotice(t("dashboard.renamed"));
    router.refresh();
  }

  async function onDelete() {
    if (!deleting) return;
    setBusy(true);
    const res = await apiFetch(`/api/projects/${deleting.id}`, { method: "DELETE", networkErrorMessage: t("errors.network") });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    setDeleting(null);
    setNotice(t("dashboard.deleted"));
    router.refresh();
  }

  return (
    <>
      <p role="status" aria-live="polite" className="text-sm text-emerald-700">
        {notice}
      </p>
      <ul className="grid gap-3" aria-label={t("dashboard.title")}>
        {projects.map((p) => (
          <li key={p.id} data-testid="project-row" className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:flex-row sm:items-center">
            <div className="min-w-0 flex-1">
              <Link href={`/projects/${p.id}`} className="block truncate text-lg font-medium text-brand-700 hover:underline">
                {p.name}
              </Link>
              <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600">
                <span>
                  <span className="sr-only">{t("dashboard.scene")}: </span>
                  {p.sceneName}
                </span>
                <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[p.status]}`} data-testid="project-status">
                  <span className="sr-only">{t("dashboard.status")}: </span>
                  {p.statusLabel}
                </span>
                <span>
                  {t("dashboard.lastChange")}: <time dateTime={p.updatedAt}>{fmt.format(new Date(p.updatedAt))}</time>
                </span>
              </p>
            </div>
            <div className="flex gap-2">
              <Button variant="secondary" size="sm" onClick={() => (setError(null), setRenaming(p))} aria-label={`${t("dashboard.rename")} ${p.name}`}>
                {t("dashboard.rename")}
              </Button>
              <Button variant="ghost" size="sm" className="text-red-700" onClick={() => (setError(null), setDeleting(p))} aria-label={`${t("dashboard.delete")} ${p.name}`}>
                {t("dashboard.delete")}
              </Button>
            </div>
          </li>
        ))}
      </ul>

      <Dialog open={renaming !== null} onOpenChange={(o) => !o && setRenaming(null)} title={t("dashboard.renameTitle")}>
        <form onSubmit={onRename} className="space-y-4">
          <TextField name="name" label={t("dashboard.newName")} defaultValue={renaming?.name} required maxLength={80} error={error ?? undefined} autoFocus />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setRenaming(null)}>
              {t("dashboard.cancel")}
            </Button>
            <Button type="submit" disabled={busy}>
              {t("dashboard.save")}
            </Button>
          </div>
        </form>
      </Dialog>

      <Dialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={t("dashboard.deleteTitle", { name: deleting?.name ?? "" })}
        description={t("dashboard.deleteBody")}
      >
        <FormError message={error} />
        <div className="mt-2 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setDeleting(null)}>
            {t("dashboard.cancel")}
          </Button>
          <Button variant="danger" disabled={busy} onClick={onDelete}>
            {t("dashboard.deleteConfirm")}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
