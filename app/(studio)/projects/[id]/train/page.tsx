import { getTranslations } from "next-intl/server";
import { TrainTab } from "@/components/training/train-tab";
import { requireOwnedProject } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("workspace.tabs"))("train") };
}

export default async function TrainPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await requireOwnedProject(id);
  return <TrainTab projectId={project.id} modelType={project.modelType} />;
}
