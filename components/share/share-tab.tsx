"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { apiFetch, type ApiError } from "@/lib/client/api";
import { useBrowserOrigin, usePublicOrigin } from "@/lib/client/use-app-origin";
import { EMBED_LANGUAGES, EMBED_POSITIONS, normaliseOrigin, type EmbedTheme } from "@/lib/schemas/sharing";
import type { EmbedState, ShareLinkState } from "@/lib/server/sharing";
import { CopyField } from "./copy-field";

const card = "space-y-4 rounded-2xl border border-slate-200 bg-white p-6";
const input = "w-full rounded-lg border border-slate-300 px-3 py-2 text-sm";

function escapeAttr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The date part (YYYY-MM-DD, local time) of an ISO date-time, for a date input. */
function dateInputValue(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function ShareTab({
  projectId,
  projectName,
  publicOrigin,
  initialShare,
  initialEmbed,
}: {
  projectId: string;
  projectName: string;
  /** STUDIO_PUBLIC_URL, or null: links and snippets then use the address the browser is at. */
  publicOrigin: string | null;
  initialShare: ShareLinkState;
  initialEmbed: EmbedState;
}) {
  const appOrigin = usePublicOrigin(publicOrigin);
  return (
    <div className="space-y-6" data-testid="share-tab">
      <ShareLinkCard projectId={projectId} appOrigin={appOrigin} initial={initialShare} />
      <EmbedCard projectId={projectId} projectName={projectName} appOrigin={appOrigin} initial={initialEmbed} />
    </div>
  );
}

function ShareLinkCard({ projectId, appOrigin, initial }: { projectId: string; appOrigin: string; initial: ShareLinkState }) {
  const t = useTranslations("share");
  const [share, setShare] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [expiry, setExpiry] = useState(dateInputValue(initial.expiresAt));

  async function update(body: Record<string, unknown>, url = `/api/projects/${projectId}/share`, method = "PATCH") {
    const before = share;
    // The switch moves at once; it moves back if the server refuses.
    if (typeof body.enabled === "boolean") setShare({ ...share, enabled: body.enabled });
    setBusy(true);
    setError(null);
    const r = await apiFetch<{ share: ShareLinkState }>(url, { method, body, networkErrorMessage: t("networkError") });
    setBusy(false);
    if (!r.ok) {
      setShare(before);
      setError(Object.values(r.error.fields)[0] ?? r.error.message);
      return false;
    }
    setShare(r.data.share);
    setExpiry(dateInputValue(r.data.share.expiresAt));
    return true;
  }

  const url = share.slug ? `${appOrigin}/m/${share.slug}` : null;
  const state = !share.enabled ? "off" : share.expired ? "expired" : "on";

  return (
    <section className={card} data-testid="share-link-section" aria-labelledby="share-link-heading">
      <div>
        <h2 id="share-link-heading" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <p className="mt-1 text-sm text-slate-600">{t("intro")}</p>
      </div>
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" checked={share.enabled} disabled={busy} onChange={(e) => void update({ enabled: e.target.checked })} data-testid="share-enabled" />
        {t("enable")}
      </label>
      <p className="text-sm" data-testid="share-state" data-state={state}>
        {t(`state.${state}`)}
      </p>
      {url ? (
        <>
          <CopyField label={t("url")} value={url} testId="share-url" />
          <div className="flex flex-wrap items-center gap-2">
            {share.enabled && !share.expired ? (
              <a href={url} target="_blank" rel="noopener noreferrer" className="text-sm text-brand-700 hover:underline">
                {t("openLink")}
              </a>
            ) : null}
            <Button variant="secondary" size="sm" disabled={busy} onClick={() => setConfirmRotate(true)} data-testid="share-rotate">
              {t("rotate")}
            </Button>
          </div>
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              if (expiry) void update({ expiresAt: new Date(`${expiry}T23:59:59`).toISOString() });
            }}
          >
            <div className="space-y-1">
              <label htmlFor="share-expiry" className="block text-sm font-medium text-slate-700">
                {t("expiry")}
              </label>
              <input id="share-expiry" type="date" value={expiry} onChange={(e) => setExpiry(e.target.value)} className={input} data-testid="share-expiry" />
            </div>
            <Button type="submit" size="sm" disabled={busy || !expiry} data-testid="share-expiry-save">
              {t("setExpiry")}
            </Button>
            {share.expiresAt ? (
              <Button variant="ghost" size="sm" disabled={busy} onClick={() => void update({ expiresAt: null })} data-testid="share-expiry-clear">
                {t("clearExpiry")}
              </Button>
            ) : null}
          </form>
          <p className="text-xs text-slate-500">{share.expiresAt ? t("expiresOn", { date: new Date(share.expiresAt) }) : t("noExpiry")}</p>
        </>
      ) : null}
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <Dialog open={confirmRotate} onOpenChange={setConfirmRotate} title={t("rotateTitle")} description={t("rotateBody")}>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirmRotate(false)}>
            {t("cancel")}
          </Button>
          <Button
            variant="danger"
            disabled={busy}
            data-testid="share-rotate-confirm"
            onClick={async () => {
              if (await update({}, `/api/projects/${projectId}/share/rotate`, "POST")) setConfirmRotate(false);
            }}
          >
            {t("rotateConfirm")}
          </Button>
        </div>
      </Dialog>
    </section>
  );
}

function EmbedCard({ projectId, projectName, appOrigin, initial }: { projectId: string; projectName: string; appOrigin: string; initial: EmbedState }) {
  const t = useTranslations("embed");
  const [embed, setEmbed] = useState(initial);
  const [theme, setTheme] = useState<EmbedTheme>(initial.theme);
  const [origin, setOrigin] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [originError, setOriginError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [previewKey, setPreviewKey] = useState(0);
  // The live preview is framed by this very page, so it names the page's real origin.
  const pageOrigin = useBrowserOrigin();

  async function update(body: Record<string, unknown>) {
    const before = embed;
    // Switches move at once; they move back if the server refuses.
    if (typeof body.enabled === "boolean") setEmbed({ ...embed, enabled: body.enabled });
    if (typeof body.logInputs === "boolean") setEmbed({ ...embed, logInputs: body.logInputs });
    setBusy(true);
    setError(null);
    setSaved(false);
    const r = await apiFetch<{ embed: EmbedState }>(`/api/projects/${projectId}/embed`, { method: "PATCH", body, networkErrorMessage: t("networkError") });
    setBusy(false);
    if (!r.ok) {
      setEmbed(before);
      setError(r.error);
      return false;
    }
    setEmbed(r.data.embed);
    setTheme(r.data.embed.theme);
    setPreviewKey((k) => k + 1);
    return true;
  }

  async function addOrigin(e: FormEvent) {
    e.preventDefault();
    const normalised = normaliseOrigin(origin);
    if (!normalised) {
      setOriginError(t("errors.originInvalid"));
      return;
    }
    setOriginError(null);
    if (await update({ allowedOrigins: [...embed.allowedOrigins, normalised] })) setOrigin("");
  }

  const fieldError = (name: string) => error?.fields[`theme.${name}`];
  const title = theme.title || projectName;
  const scriptSnippet = embed.slug ? `<script src="${appOrigin}/embed.js" data-model="${embed.slug}" async></script>` : "";
  const iframeSnippet = embed.slug
    ? `<iframe src="${appOrigin}/embed/${embed.slug}" title="${escapeAttr(title)}" width="380" height="560" style="border:0" loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>`
    : "";

  return (
    <section className={card} data-testid="embed-section" aria-labelledby="embed-heading">
      <div>
        <h2 id="embed-heading" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <p className="mt-1 text-sm text-slate-600">{t("intro")}</p>
      </div>
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" checked={embed.enabled} disabled={busy} onChange={(e) => void update({ enabled: e.target.checked })} data-testid="embed-enabled" />
        {t("enable")}
      </label>

      <div className="space-y-2">
        <h3 className="text-sm font-semibold">{t("origins")}</h3>
        <p className="text-xs text-slate-500">{t("originsHelp")}</p>
        {embed.allowedOrigins.length === 0 ? <p className="text-sm text-slate-600">{t("noOrigins")}</p> : null}
        <ul className="space-y-1" data-testid="embed-origins">
          {embed.allowedOrigins.map((o) => (
            <li key={o} className="flex items-center justify-between gap-2 rounded-lg bg-slate-50 px-3 py-1 font-mono text-sm" data-testid="embed-origin">
              <span className="truncate">{o}</span>
              <Button
                variant="ghost"
                size="sm"
                disabled={busy}
                aria-label={t("removeOrigin", { origin: o })}
                onClick={() => void update({ allowedOrigins: embed.allowedOrigins.filter((x) => x !== o) })}
              >
                {t("remove")}
              </Button>
            </li>
          ))}
        </ul>
        <form className="flex gap-2" onSubmit={(e) => void addOrigin(e)}>
          <label htmlFor="embed-origin-input" className="sr-only">
            {t("addOriginLabel")}
          </label>
          <input
            id="embed-origin-input"
            value={origin}
            onChange={(e) => setOrigin(e.target.value)}
            placeholder="https://shop.example"
            className={`${input} font-mono`}
            aria-invalid={originError ? true : undefined}
            data-testid="embed-origin-input"
          />
          <Button type="submit" size="sm" disabled={busy || !origin.trim()} data-testid="embed-origin-add">
            {t("addOrigin")}
          </Button>
        </form>
        {originError || error?.fields["allowedOrigins.0"] || error?.fields.allowedOrigins ? (
          <p role="alert" className="text-sm text-red-700" data-testid="embed-origin-error">
            {originError ?? error?.fields.allowedOrigins ?? Object.entries(error?.fields ?? {}).find(([k]) => k.startsWith("allowedOrigins"))?.[1]}
          </p>
        ) : null}
      </div>

      <form
        className="grid gap-3 sm:grid-cols-2"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await update({ theme })) setSaved(true);
        }}
        data-testid="embed-theme"
      >
        <h3 className="text-sm font-semibold sm:col-span-2">{t("appearance")}</h3>
        <ThemeInput label={t("themeTitle")} error={fieldError("title")}>
          {(id) => <input id={id} value={theme.title} maxLength={60} placeholder={projectName} onChange={(e) => setTheme({ ...theme, title: e.target.value })} className={input} />}
        </ThemeInput>
        <ThemeInput label={t("avatar")} error={fieldError("avatar")} hint={t("avatarHelp")}>
          {(id) => <input id={id} value={theme.avatar} onChange={(e) => setTheme({ ...theme, avatar: e.target.value })} className={input} />}
        </ThemeInput>
        <div className="sm:col-span-2">
          <ThemeInput label={t("welcome")} error={fieldError("welcome")}>
            {(id) => <textarea id={id} rows={2} value={theme.welcome} maxLength={300} placeholder={t("widget.defaultWelcome")} onChange={(e) => setTheme({ ...theme, welcome: e.target.value })} className={input} />}
          </ThemeInput>
        </div>
        <ThemeInput label={t("color")} error={fieldError("color")}>
          {(id) => (
            <div className="flex items-center gap-2">
              <input type="color" aria-hidden tabIndex={-1} value={/^#[0-9a-fA-F]{6}$/.test(theme.color) ? theme.color : "#1f5ad6"} onChange={(e) => setTheme({ ...theme, color: e.target.value })} className="h-9 w-12" />
              <input id={id} value={theme.color} onChange={(e) => setTheme({ ...theme, color: e.target.value })} className={`${input} font-mono`} />
            </div>
          )}
        </ThemeInput>
        <ThemeInput label={t("position")} error={fieldError("position")}>
          {(id) => (
            <select id={id} value={theme.position} onChange={(e) => setTheme({ ...theme, position: e.target.value as EmbedTheme["position"] })} className={input}>
              {EMBED_POSITIONS.map((p) => (
                <option key={p} value={p}>
                  {t(`positions.${p}`)}
                </option>
              ))}
            </select>
          )}
        </ThemeInput>
        <ThemeInput label={t("language")} error={fieldError("language")}>
          {(id) => (
            <select id={id} value={theme.language} onChange={(e) => setTheme({ ...theme, language: e.target.value as EmbedTheme["language"] })} className={input}>
              {EMBED_LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {l === "en" ? "English" : "简体中文"}
                </option>
              ))}
            </select>
          )}
        </ThemeInput>
        <div className="flex items-end gap-2">
          <Button type="submit" size="sm" disabled={busy} data-testid="embed-theme-save">
            {t("saveAppearance")}
          </Button>
          {saved ? <span className="text-sm text-green-700">{t("saved")}</span> : null}
        </div>
      </form>

      <div className="space-y-1">
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" checked={embed.logInputs} disabled={busy} onChange={(e) => void update({ logInputs: e.target.checked })} data-testid="embed-log-inputs" />
          {t("logInputs")}
        </label>
        <p className="text-xs text-slate-600">{embed.logInputs ? t("logInputsOn") : t("logInputsOff")}</p>
      </div>

      {error && !Object.keys(error.fields).length ? (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      ) : null}

      {embed.slug ? (
        <div className="space-y-4">
          <CopyField label={t("scriptSnippet")} value={scriptSnippet} multiline testId="embed-script-snippet" />
          <p className="text-xs text-slate-500">{t("apiHelp")}</p>
          <CopyField label={t("iframeSnippet")} value={iframeSnippet} multiline testId="embed-iframe-snippet" />
          <div className="space-y-1">
            <h3 className="text-sm font-semibold">{t("preview")}</h3>
            {embed.enabled && pageOrigin ? (
              <iframe
                key={previewKey}
                src={`/embed/${embed.slug}?origin=${encodeURIComponent(pageOrigin)}`}
                title={t("preview")}
                className="h-[520px] w-full max-w-sm rounded-xl border border-slate-200"
                data-testid="embed-preview"
              />
            ) : (
              <p className="text-sm text-slate-600">{t("previewOff")}</p>
            )}
          </div>
        </div>
      ) : (
        <p className="text-sm text-slate-600">{t("enableForSnippet")}</p>
      )}
    </section>
  );
}

function ThemeInput({ label, error, hint, children }: { label: string; error?: string; hint?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children(id)}
      {hint && !error ? <p className="text-xs text-slate-500">{hint}</p> : null}
      {error ? (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
