"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useOptionalTraining } from "@/components/training/training-provider";
import { WORKSPACE_TABS } from "@/lib/workspace/tabs";

export function WorkspaceTabs({ projectId }: { projectId: string }) {
  const t = useTranslations("workspace.tabs");
  const pathname = usePathname();
  const training = useOptionalTraining();
  const busy = training && ["preparing", "loading-backbone", "features", "training", "saving"].includes(training.state.status);
  return (
    <nav aria-label="project" className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1 border-b border-slate-200">
        {WORKSPACE_TABS.map((tab) => {
          const href = `/projects/${projectId}/${tab.id}`;
          const active = pathname === href;
          return (
            <li key={tab.id}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={`-mb-px inline-block border-b-2 px-3 py-2 text-sm font-medium ${active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
              >
                {t(tab.id)}
                {tab.id === "train" && busy ? (
                  <span className="ml-1 inline-block h-2 w-2 animate-pulse rounded-full bg-brand-500" data-testid="training-indicator" aria-label="…" />
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
