import { getTranslations } from "next-intl/server";
import { MonitorTab } from "@/components/monitor/monitor-tab";
import { EmptyTab } from "@/components/workspace/empty-tab";
import { requireOwnedProject } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("workspace.tabs"))("monitor") };
}

/** Monitoring needs a trained model; before that the tab says what unlocks it. */
export default async function MonitorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await requireOwnedProject(id);
  if (project.status !== "trained") return <EmptyTab projectId={project.id} tab="monitor" status={project.status} />;
  return <MonitorTab projectId={project.id} />;
}
