import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { buttonClasses } from "@/components/ui/button";
import { ProjectList } from "@/components/projects/project-list";
import { isLocale } from "@/lib/i18n/config";
import { getScene } from "@/lib/scenes";
import { listProjects } from "@/lib/server/projects";
import { requireUser } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("dashboard"))("title") };
}

export default async function ProjectsPage() {
  const user = await requireUser();
  const [projects, t, rawLocale] = await Promise.all([listProjects(user.id), getTranslations(), getLocale()]);
  const locale = isLocale(rawLocale) ? rawLocale : "en";
  const rows = projects.map((p) => {
    const scene = getScene(p.scene);
    return {
      id: p.id,
      name: p.name,
      sceneName: scene ? `${scene.icon} ${scene.name[locale]}` : p.scene,
      status: p.status,
      statusLabel: t(`dashboard.statusLabel.${p.status}`),
      updatedAt: p.updatedAt.toISOString(),
    };
  });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{t("dashboard.title")}</h1>
        <Link href="/projects/new" className={buttonClasses("primary")}>
          + {t("nav.newProject")}
        </Link>
      </div>
      {rows.length === 0 ? (
        <div className="rounded-2xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="text-slate-600">{t("dashboard.empty")}</p>
          <Link href="/projects/new" className={buttonClasses("primary", "md", "mt-4")}>
            {t("dashboard.createFirst")}
          </Link>
        </div>
      ) : (
        <ProjectList projects={rows} locale={locale} />
      )}
    </div>
  );
}
