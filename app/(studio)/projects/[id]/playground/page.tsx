import { getTranslations } from "next-intl/server";
import { PlaygroundTab } from "@/components/playground/playground-tab";
import { VoicePlayground } from "@/components/playground/voice-playground";
import { EmptyTab } from "@/components/workspace/empty-tab";
import { getScene } from "@/lib/scenes";
import { requireOwnedProject } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("workspace.tabs"))("playground") };
}

/** Text, image and voice scenes get the in-browser playground; the other scenes keep the explanation. */
export default async function PlaygroundPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await requireOwnedProject(id);
  const scene = getScene(project.scene)!;
  const supported = scene.id === "text-classification" || scene.id === "intent-chatbot" || scene.id === "image-recognition" || scene.id === "voice-commands";
  if (!supported || project.status !== "trained") return <EmptyTab projectId={project.id} tab="playground" status={project.status} />;
  if (scene.id === "voice-commands") return <VoicePlayground projectId={project.id} />;
  return <PlaygroundTab projectId={project.id} scene={scene.id} kind={scene.dataKind} />;
}
