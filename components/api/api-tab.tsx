"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { apiFetch } from "@/lib/client/api";
import { usePublicOrigin } from "@/lib/client/use-app-origin";
import { SNIPPET_LANGUAGES, buildSnippet, type SnippetExample, type SnippetLanguage } from "@/lib/api-docs/snippets";
import { CopyButton } from "./copy-button";

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiTabProps {
  projectId: string;
  /** STUDIO_PUBLIC_URL, or null: the endpoint and examples then use the address the browser is at. */
  publicOrigin: string | null;
  initialSlug: string | null;
  initialKeys: ApiKeyView[];
  /** null: the active model takes input the API cannot run yet (e.g. audio). */
  example: SnippetExample | null;
  rateLimit: { limit: number; windowSeconds: number };
  maxBatch: number;
  /** Intent bot whose reply templates use an entity model: its name (answers then carry entities and reply). */
  templatesEntityModel?: string | null;
}

/** API tab: keys (created, shown once, revoked), the endpoint, code examples and the limits. */
export function ApiTab({ projectId, publicOrigin, initialSlug, initialKeys, example, rateLimit, maxBatch, templatesEntityModel = null }: ApiTabProps) {
  const t = useTranslations("api");
  const locale = useLocale();
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const [slug, setSlug] = useState(initialSlug);
  const [keys, setKeys] = useState(initialKeys);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiKeyView | null>(null);
  const [language, setLanguage] = useState<SnippetLanguage>("curl");
  const origin = usePublicOrigin(publicOrigin);

  const endpoint = slug ? `${origin}/api/v1/models/${slug}/predict` : null;
  const snippet = endpoint && example !== null ? buildSnippet(language, endpoint, example, templatesEntityModel ? ["label", "reply"] : undefined) : null;

  async function create(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await apiFetch<{ key: ApiKeyView; secret: string; slug: string }>(`/api/projects/${projectId}/api-keys`, {
      body: { name },
      networkErrorMessage: t("networkError"),
    });
    setBusy(false);
    if (!r.ok) return setError(r.error.fields.name ?? r.error.message);
    setSlug(r.data.slug);
    setKeys((k) => [r.data.key, ...k]);
    setCreated({ name: r.data.key.name, secret: r.data.secret });
    setName("");
  }

  async function revoke(key: ApiKeyView) {
    setBusy(true);
    const r = await apiFetch<{ key: ApiKeyView }>(`/api/projects/${projectId}/api-keys/${key.id}`, { method: "DELETE", networkErrorMessage: t("networkError") });
    setBusy(false);
    setToRevoke(null);
    if (!r.ok) return setError(r.error.message);
    setKeys((ks) => ks.map((k) => (k.id === key.id ? r.data.key : k)));
  }

  return (
    <div className="space-y-8" data-testid="api-tab">
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">{t("endpointTitle")}</h2>
        {endpoint ? (
          <div className="flex flex-wrap items-center gap-2">
            <code className="rounded-lg bg-slate-100 px-3 py-2 text-sm break-all" data-testid="api-endpoint">
              POST {endpoint}
            </code>
            <CopyButton text={endpoint} />
          </div>
        ) : (
          <p className="text-sm text-slate-600">{t("endpointAfterKey")}</p>
        )}
        <p className="text-sm text-slate-600">{t("inputHelp", { max: maxBatch })}</p>
        {example?.kind === "png-file" ? <p className="text-sm text-slate-600">{t("imagesHelp")}</p> : null}
        {templatesEntityModel ? (
          <p className="text-sm text-slate-600" data-testid="api-templates-note">
            {t("templatesNote", { name: templatesEntityModel })}
          </p>
        ) : null}
        {example === null ? <p className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">{t("inputUnsupported")}</p> : null}
        <p className="text-sm text-slate-600">{t("rateLimit", { limit: rateLimit.limit, seconds: rateLimit.windowSeconds })}</p>
        <p className="text-sm">
          <a href="/api/v1/openapi.json" className="text-brand-700 underline" target="_blank" rel="noreferrer" data-testid="openapi-link">
            {t("openapiLink")}
          </a>
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-lg font-semibold">{t("keysTitle")}</h2>
        <p className="text-sm text-slate-600">{t("keysHelp")}</p>
        <form onSubmit={create} className="flex flex-wrap items-end gap-3" noValidate>
          <div className="min-w-64 flex-1">
            <TextField label={t("keyName")} placeholder={t("keyNamePlaceholder")} value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
          </div>
          <Button type="submit" disabled={busy} data-testid="create-key">
            {t("createKey")}
          </Button>
        </form>
        <FormError message={error} />
        {keys.length === 0 ? (
          <p className="text-sm text-slate-500">{t("noKeys")}</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="api-keys">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">{t("colName")}</th>
                <th>{t("colKey")}</th>
                <th>{t("colCreated")}</th>
                <th>{t("colLastUsed")}</th>
                <th>{t("colStatus")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} className="border-t border-slate-200" data-testid="api-key-row">
                  <td className="py-2">{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{fmt.format(new Date(k.createdAt))}</td>
                  <td>{k.lastUsedAt ? fmt.format(new Date(k.lastUsedAt)) : t("never")}</td>
                  <td data-testid="api-key-status">{k.revokedAt ? t("revokedOn", { date: fmt.format(new Date(k.revokedAt)) }) : t("active")}</td>
                  <td className="text-right">
                    {k.revokedAt ? null : (
                      <Button size="sm" variant="secondary" onClick={() => setToRevoke(k)} data-testid="revoke-key">
                        {t("revoke")}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {snippet ? (
        <section className="space-y-3">
          <h2 className="text-lg font-semibold">{t("examplesTitle")}</h2>
          <p className="text-sm text-slate-600">{t("examplesHelp")}</p>
          <div className="flex flex-wrap items-center gap-2" role="group" aria-label={t("examplesTitle")}>
            {SNIPPET_LANGUAGES.map((l) => (
              <Button key={l} size="sm" variant={l === language ? "primary" : "secondary"} aria-pressed={l === language} onClick={() => setLanguage(l)}>
                {t(`lang.${l}`)}
              </Button>
            ))}
            <CopyButton text={snippet} testId="copy-snippet" />
          </div>
          <pre className="overflow-x-auto rounded-xl bg-slate-900 p-4 text-xs text-slate-100" data-testid="api-snippet">
            <code>{snippet}</code>
          </pre>
          <p className="text-sm text-slate-600">{t("answerHelp")}</p>
        </section>
      ) : null}

      <Dialog open={created !== null} onOpenChange={(open) => !open && setCreated(null)} title={t("createdTitle", { name: created?.name ?? "" })} description={t("createdWarning")}>
        {created ? (
          <div className="space-y-3">
            <code className="block rounded-lg bg-slate-100 px-3 py-2 text-sm break-all select-all" data-testid="new-api-key">
              {created.secret}
            </code>
            <div className="flex justify-end gap-2">
              <CopyButton text={created.secret} label={t("copyKey")} testId="copy-key" />
              <Button onClick={() => setCreated(null)}>{t("done")}</Button>
            </div>
          </div>
        ) : null}
      </Dialog>

      <Dialog open={toRevoke !== null} onOpenChange={(open) => !open && setToRevoke(null)} title={t("revokeTitle", { name: toRevoke?.name ?? "" })} description={t("revokeWarning")}>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setToRevoke(null)}>
            {t("cancel")}
          </Button>
          <Button variant="danger" disabled={busy} onClick={() => toRevoke && void revoke(toRevoke)} data-testid="confirm-revoke">
            {t("revokeConfirm")}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
