import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { SCENES } from "@/lib/scenes";
import { isLocale } from "@/lib/i18n/config";
import { buttonClasses } from "@/components/ui/button";
import { getSessionUser } from "@/lib/server/session";

export default async function HomePage() {
  const [t, user, rawLocale] = await Promise.all([getTranslations("home"), getSessionUser(), getLocale()]);
  const locale = isLocale(rawLocale) ? rawLocale : "en";
  return (
    <div className="space-y-12">
      <section className="rounded-2xl bg-gradient-to-br from-brand-600 to-brand-700 px-6 py-12 text-white sm:px-10">
        <h1 className="max-w-2xl text-3xl font-bold sm:text-4xl">{t("title")}</h1>
        <p className="mt-4 max-w-2xl text-brand-100">{t("lead")}</p>
        <div className="mt-8 flex flex-wrap gap-3">
          <Link href={user ? "/projects" : "/signup"} className={buttonClasses("secondary", "md", "border-0")}>
            {user ? t("openProjects") : t("start")}
          </Link>
        </div>
        <p className="mt-6 text-sm text-brand-100">🔒 {t("privacy")}</p>
      </section>
      <section>
        <h2 className="text-xl font-semibold">{t("stepsTitle")}</h2>
        <ol className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {(["step1", "step2", "step3", "step4"] as const).map((k, i) => (
            <li key={k} className="rounded-xl border border-slate-200 bg-white p-4">
              <span className="grid h-8 w-8 place-items-center rounded-full bg-brand-50 font-semibold text-brand-700">{i + 1}</span>
              <p className="mt-3 text-sm text-slate-700">{t(k)}</p>
            </li>
          ))}
        </ol>
      </section>
      <section>
        <h2 className="text-xl font-semibold">{t("scenesTitle")}</h2>
        <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {SCENES.map((s) => (
            <li key={s.id} className="rounded-xl border border-slate-200 bg-white p-4">
              <p className="font-medium">
                <span aria-hidden className="mr-2">{s.icon}</span>
                {s.name[locale]}
              </p>
              <p className="mt-1 text-sm text-slate-600">{s.description[locale]}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
