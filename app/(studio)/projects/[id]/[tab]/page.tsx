import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { EmptyTab } from "@/components/workspace/empty-tab";
import { requireOwnedProject } from "@/lib/server/session";
import { isWorkspaceTab } from "@/lib/workspace/tabs";

export async function generateMetadata({ params }: { params: Promise<{ tab: string }> }) {
  const { tab } = await params;
  if (!isWorkspaceTab(tab)) return {};
  return { title: (await getTranslations("workspace.tabs"))(tab) };
}

export default async function ProjectTabPage({ params }: { params: Promise<{ id: string; tab: string }> }) {
  const { id, tab } = await params;
  if (!isWorkspaceTab(tab)) notFound();
  const { project } = await requireOwnedProject(id);
  return <EmptyTab projectId={project.id} tab={tab} status={project.status} />;
}
