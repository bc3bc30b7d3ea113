import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonClasses } from "@/components/ui/button";
import type { ProjectStatusId } from "@/lib/workspace/status";
import { WORKSPACE_TABS, isUnlocked, type WorkspaceTabId } from "@/lib/workspace/tabs";

/** What a tab will hold, and a link to the step that unlocks it. */
export async function EmptyTab({ projectId, tab, status }: { projectId: string; tab: WorkspaceTabId; status: ProjectStatusId }) {
  const t = await getTranslations("workspace");
  const requires = WORKSPACE_TABS.find((x) => x.id === tab)!.requires;
  const unlocked = isUnlocked(tab, status);
  return (
    <div className="rounded-2xl border border-dashed border-slate-300 bg-white p-8" data-testid={`tab-${tab}`}>
      <p className="text-slate-700">{t(`empty.${tab}`)}</p>
      {!unlocked && requires ? (
        <div className="mt-4">
          <p className="text-sm text-slate-600">{t(`unlock.${requires === "data" ? "train" : "trained"}`)}</p>
          <Link
            href={`/projects/${projectId}/${requires === "data" ? "data" : "train"}`}
            className={buttonClasses("primary", "sm", "mt-3")}
          >
            {requires === "data" ? t("goToData") : t("goToTrain")}
          </Link>
        </div>
      ) : (
        <p className="mt-4 text-sm text-slate-500">{t("comingSoon")}</p>
      )}
    </div>
  );
}
