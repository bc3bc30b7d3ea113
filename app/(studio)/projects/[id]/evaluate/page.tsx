import { getTranslations } from "next-intl/server";
import { EvaluateTab } from "@/components/evaluate/evaluate-tab";
import { requireOwnedProject } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("workspace.tabs"))("evaluate") };
}

export default async function EvaluatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await requireOwnedProject(id);
  return <EvaluateTab projectId={project.id} />;
}
