"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { apiFetch } from "@/lib/client/api";
import { DEFAULT_NEXT_PATH, safeNextPath } from "@/lib/next-path";
import { signInSchema, signUpSchema } from "@/lib/schemas/auth";

/** Sign-in and sign-up share one form; the same zod schema as the server checks it first. */
export function AuthForm({ mode, next }: { mode: "signin" | "signup"; next?: string }) {
  const t = useTranslations();
  const router = useRouter();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showPassword, setShowPassword] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const values = Object.fromEntries(["email", "password", "name"].map((k) => [k, String(form.get(k) ?? "")]));
    const schema = mode === "signup" ? signUpSchema : signInSchema;
    const parsed = schema.safeParse(values);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? "_");
        next[key] ??= t(issue.message.startsWith("errors.") ? issue.message : "errors.invalidInput");
      }
      setFields(next);
      setFormError(null);
      return;
    }
    setBusy(true);
    setFields({});
    setFormError(null);
    const res = await apiFetch(`/api/auth/${mode}`, { body: values, networkErrorMessage: t("errors.network") });
    if (!res.ok) {
      setBusy(false);
      setFields(res.error.fields);
      if (Object.keys(res.error.fields).length === 0) setFormError(res.error.message);
      return;
    }
    // The page checked `next` already; checked again here because this is where it is followed.
    router.replace(safeNextPath(next));
    router.refresh();
  }

  const title = mode === "signup" ? t("auth.signUpTitle") : t("auth.signInTitle");
  // The other form keeps where to go afterwards.
  const otherPath = mode === "signup" ? "/signin" : "/signup";
  const nextPath = safeNextPath(next);
  const otherForm = nextPath === DEFAULT_NEXT_PATH ? otherPath : `${otherPath}?next=${encodeURIComponent(nextPath)}`;
  return (
    <div className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <form className="mt-6 space-y-4" onSubmit={onSubmit} noValidate aria-label={title}>
        <FormError message={formError} />
        {mode === "signup" ? <TextField name="name" label={t("auth.name")} autoComplete="name" error={fields.name} /> : null}
        <TextField name="email" type="email" label={t("auth.email")} autoComplete="email" required error={fields.email} />
        <div className="space-y-1">
          <TextField
            name="password"
            type={showPassword ? "text" : "password"}
            label={t("auth.password")}
            autoComplete={mode === "signup" ? "new-password" : "current-password"}
            required
            hint={mode === "signup" ? t("auth.passwordHint") : undefined}
            error={fields.password}
          />
          <button type="button" className="text-xs text-brand-700 underline" onClick={() => setShowPassword((v) => !v)}>
            {showPassword ? t("auth.hidePassword") : t("auth.showPassword")}
          </button>
        </div>
        <Button type="submit" className="w-full" disabled={busy}>
          {busy ? t("auth.working") : mode === "signup" ? t("auth.submitSignUp") : t("auth.submitSignIn")}
        </Button>
      </form>
      <p className="mt-6 text-sm text-slate-600">
        {mode === "signup" ? t("auth.haveAccount") : t("auth.noAccount")}{" "}
        <Link className="font-medium text-brand-700 underline" href={otherForm}>
          {mode === "signup" ? t("nav.signIn") : t("nav.signUp")}
        </Link>
      </p>
    </div>
  );
}
