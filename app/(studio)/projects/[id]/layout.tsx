import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { TrainingProvider } from "@/components/training/training-provider";
import { WorkspaceTabs } from "@/components/workspace/workspace-tabs";
import { isLocale } from "@/lib/i18n/config";
import { INTERFACES, getScene, type InterfaceId } from "@/lib/scenes";
import { requireOwnedProject } from "@/lib/server/session";

export default async function ProjectLayout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await requireOwnedProject(id);
  const [t, rawLocale] = await Promise.all([getTranslations(), getLocale()]);
  const locale = isLocale(rawLocale) ? rawLocale : "en";
  const scene = getScene(project.scene);
  const modelType = scene?.modelTypes.find((m) => m.id === project.modelType);
  return (
    <div className="space-y-6">
      <div>
        <Link href="/projects" className="text-sm text-brand-700 hover:underline">
          ← {t("workspace.backToProjects")}
        </Link>
        <h1 className="mt-2 text-2xl font-semibold" data-testid="project-title">
          {project.name}
        </h1>
        {project.description ? <p className="mt-1 text-slate-600">{project.description}</p> : null}
        <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-600">
          <span>{scene ? `${scene.icon} ${scene.name[locale]}` : project.scene}</span>
          <span>
            {t("workspace.modelType")}: {modelType?.name[locale] ?? project.modelType}
          </span>
          <span>
            {t("workspace.interfaces")}: {project.interfaces.map((i) => INTERFACES[i as InterfaceId]?.name[locale] ?? i).join(" · ")}
          </span>
        </p>
      </div>
      {/* The trainer lives here, above the tabs, so training continues while the user switches tabs. */}
      <TrainingProvider projectId={project.id} scene={project.scene} modelType={project.modelType}>
        <WorkspaceTabs projectId={project.id} />
        <section>{children}</section>
      </TrainingProvider>
    </div>
  );
}
