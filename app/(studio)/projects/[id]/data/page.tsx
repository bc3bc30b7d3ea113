import { getTranslations } from "next-intl/server";
import { DataTab } from "@/components/data/data-tab";
import { getSampleDataset } from "@/lib/data/samples";
import { getScene } from "@/lib/scenes";
import { requireOwnedProject } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("workspace.tabs"))("data") };
}

export default async function DataPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await requireOwnedProject(id);
  const scene = getScene(project.scene)!;
  return <DataTab projectId={project.id} scene={{ id: scene.id, dataKind: scene.dataKind, hasSample: !!getSampleDataset(scene.id) }} />;
}
