import { getTranslations } from "next-intl/server";
import { PlaygroundTab } from "@/components/playground/playground-tab";
import { ScenePlayground } from "@/components/playground/scene-playground";
import { VoicePlayground } from "@/components/playground/voice-playground";
import { EmptyTab } from "@/components/workspace/empty-tab";
import { getScene } from "@/lib/scenes";
import { SCENE_WIDGET_SCENES } from "@/lib/workspace/scene-widgets";
import { requireOwnedProject } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("workspace.tabs"))("playground") };
}

/** Every trained scene with a widget gets the in-browser playground; the others keep the explanation. */
export default async function PlaygroundPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { project } = await requireOwnedProject(id);
  const scene = getScene(project.scene)!;
  if (project.status !== "trained") return <EmptyTab projectId={project.id} tab="playground" status={project.status} />;
  if (SCENE_WIDGET_SCENES.has(scene.id)) return <ScenePlayground projectId={project.id} scene={scene.id} kind={scene.dataKind === "image" ? "image" : "text"} />;
  const supported = scene.id === "text-classification" || scene.id === "intent-chatbot" || scene.id === "image-recognition";
  if (scene.id === "voice-commands") return <VoicePlayground projectId={project.id} />;
  if (!supported) return <EmptyTab projectId={project.id} tab="playground" status={project.status} />;
  return <PlaygroundTab projectId={project.id} scene={scene.id} kind={scene.dataKind} />;
}
