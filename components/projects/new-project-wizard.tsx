"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormError, TextAreaField, TextField } from "@/components/ui/field";
import { apiFetch } from "@/lib/client/api";
import { isLocale } from "@/lib/i18n/config";
import { createProjectSchema } from "@/lib/schemas/project";
import { INTERFACES, SCENES, defaultModelType, getScene, type InterfaceId } from "@/lib/scenes";

const STEPS = ["scene", "model", "interfaces", "name"] as const;
type Step = (typeof STEPS)[number];

const CARD =
  "block cursor-pointer rounded-xl border border-slate-200 bg-white p-4 text-left transition-colors has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500 hover:border-brand-500";

/** Scene → model type → interfaces → name. Everything it offers comes from the scene registry. */
export function NewProjectWizard() {
  const t = useTranslations();
  const rawLocale = useLocale();
  const locale = isLocale(rawLocale) ? rawLocale : "en";
  const router = useRouter();
  const [step, setStep] = useState<Step>("scene");
  const [sceneId, setSceneId] = useState<string>("");
  const [modelType, setModelType] = useState<string>("");
  const [interfaces, setInterfaces] = useState<InterfaceId[]>([]);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const scene = getScene(sceneId);
  const index = STEPS.indexOf(step);

  function chooseScene(id: string) {
    const s = getScene(id);
    if (!s) return;
    setSceneId(id);
    setModelType(defaultModelType(s));
    setInterfaces([...s.interfaces]);
  }

  const canContinue =
    (step === "scene" && !!scene) || (step === "model" && !!modelType) || (step === "interfaces" && interfaces.length > 0);

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body = {
      name: String(form.get("name") ?? ""),
      description: String(form.get("description") ?? ""),
      scene: sceneId,
      modelType,
      interfaces,
    };
    const parsed = createProjectSchema.safeParse(body);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) next[String(issue.path[0] ?? "_")] ??= t(issue.message);
      setFields(next);
      return;
    }
    setBusy(true);
    setFields({});
    setFormError(null);
    const res = await apiFetch<{ project: { id: string } }>("/api/projects", { body, networkErrorMessage: t("errors.network") });
    if (!res.ok) {
      setBusy(false);
      setFields(res.error.fields);
      if (!res.error.fields.name) setFormError(res.error.message);
      return;
    }
    router.push(`/projects/${res.data.project.id}`);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t("wizard.title")}</h1>
        <ol className="mt-4 flex flex-wrap gap-2 text-sm" aria-label={t("wizard.stepOf", { step: index + 1, total: STEPS.length })}>
          {STEPS.map((s, i) => (
            <li
              key={s}
              aria-current={s === step ? "step" : undefined}
              className={`rounded-full px-3 py-1 ${i === index ? "bg-brand-600 text-white" : i < index ? "bg-brand-100 text-brand-700" : "bg-slate-200 text-slate-600"}`}
            >
              {i + 1}. {t(`wizard.steps.${s}`)}
            </li>
          ))}
        </ol>
      </div>

      {step === "scene" ? (
        <fieldset>
          <legend className="text-lg font-medium">{t("wizard.sceneQuestion")}</legend>
          <div className="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {SCENES.map((s) => (
              <label key={s.id} className={CARD} data-testid={`scene-${s.id}`}>
                <input type="radio" name="scene" value={s.id} className="sr-only" checked={sceneId === s.id} onChange={() => chooseScene(s.id)} />
                <span className="flex items-center gap-2 font-medium">
                  <span aria-hidden className="text-xl">{s.icon}</span>
                  {s.name[locale]}
                </span>
                <span className="mt-2 block text-sm text-slate-600">{s.description[locale]}</span>
                <span className="mt-2 block text-xs text-slate-500">
                  {t("wizard.example")}: {s.example[locale]}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      {step === "model" && scene ? (
        <fieldset>
          <legend className="text-lg font-medium">{t("wizard.modelQuestion")}</legend>
          <div className="mt-4 grid gap-3 sm:grid-cols-2">
            {scene.modelTypes.map((m) => (
              <label key={m.id} className={`${CARD} ${m.available ? "" : "cursor-not-allowed opacity-60"}`} data-testid={`model-${m.id}`}>
                <input
                  type="radio"
                  name="modelType"
                  value={m.id}
                  className="sr-only"
                  checked={modelType === m.id}
                  disabled={!m.available}
                  onChange={() => setModelType(m.id)}
                />
                <span className="flex flex-wrap items-center gap-2 font-medium">
                  {m.name[locale]}
                  {m.recommended ? (
                    <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800">{t("wizard.recommended")}</span>
                  ) : null}
                  {!m.available ? <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{t("wizard.comingSoon")}</span> : null}
                </span>
                <span className="mt-2 block text-sm text-slate-600">
                  <span className="font-medium text-slate-700">{t("wizard.whenToChoose")}: </span>
                  {m.whenToChoose[locale]}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      {step === "interfaces" && scene ? (
        <fieldset>
          <legend className="text-lg font-medium">{t("wizard.interfacesQuestion")}</legend>
          <p className="text-sm text-slate-600">{t("wizard.interfacesHint")}</p>
          <div className="mt-4 grid gap-3 sm:grid-cols-2">
            {scene.interfaces.map((id) => (
              <label key={id} className={CARD} data-testid={`interface-${id}`}>
                <span className="flex items-center gap-2 font-medium">
                  <input
                    type="checkbox"
                    name="interfaces"
                    value={id}
                    className="h-4 w-4 accent-brand-600"
                    checked={interfaces.includes(id)}
                    onChange={(e) => setInterfaces((cur) => (e.target.checked ? [...cur, id] : cur.filter((x) => x !== id)))}
                  />
                  {INTERFACES[id].name[locale]}
                </span>
                <span className="mt-2 block text-sm text-slate-600">{INTERFACES[id].description[locale]}</span>
              </label>
            ))}
          </div>
          {interfaces.length === 0 ? (
            <p role="alert" className="mt-2 text-sm text-red-600">
              {t("errors.interfaceRequired")}
            </p>
          ) : null}
        </fieldset>
      ) : null}

      {step === "name" && scene ? (
        <form onSubmit={onCreate} noValidate className="max-w-xl space-y-4" aria-label={t("wizard.nameQuestion")}>
          <h2 className="text-lg font-medium">{t("wizard.nameQuestion")}</h2>
          <div className="rounded-xl border border-slate-200 bg-white p-4 text-sm text-slate-700">
            <p className="font-medium">{t("wizard.summary")}</p>
            <p>
              {scene.icon} {scene.name[locale]} · {scene.modelTypes.find((m) => m.id === modelType)?.name[locale]}
            </p>
            <p>{interfaces.map((i) => INTERFACES[i].name[locale]).join(" · ")}</p>
          </div>
          <FormError message={formError} />
          <TextField name="name" label={t("wizard.projectName")} required maxLength={80} error={fields.name} autoFocus />
          <TextAreaField name="description" label={t("wizard.description")} rows={3} maxLength={500} error={fields.description} />
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => setStep("interfaces")}>
              {t("wizard.back")}
            </Button>
            <Button type="submit" disabled={busy}>
              {busy ? t("wizard.creating") : t("wizard.create")}
            </Button>
          </div>
        </form>
      ) : null}

      {step !== "name" ? (
        <div className="flex gap-2">
          {index > 0 ? (
            <Button variant="secondary" onClick={() => setStep(STEPS[index - 1])}>
              {t("wizard.back")}
            </Button>
          ) : null}
          <Button disabled={!canContinue} onClick={() => setStep(STEPS[index + 1])}>
            {t("wizard.next")}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
