import { getTranslations } from "next-intl/server";
import { ShareTab } from "@/components/share/share-tab";
import { EmptyTab } from "@/components/workspace/empty-tab";
import { getScene } from "@/lib/scenes";
import { configuredPublicOrigin } from "@/lib/server/public-url";
import { requireOwnedProject } from "@/lib/server/session";
import { getEmbedSettings, getShareLink } from "@/lib/server/sharing";

export async function generateMetadata() {
  return { title: (await getTranslations("workspace.tabs"))("share") };
}

/** Share & Embed: the public link and the chat widget for other websites (text and image scenes). */
export default async function SharePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, project } = await requireOwnedProject(id);
  const kind = getScene(project.scene)?.dataKind;
  if (project.status !== "trained" || (kind !== "text" && kind !== "image")) return <EmptyTab projectId={project.id} tab="share" status={project.status} />;
  const [share, embed] = await Promise.all([getShareLink(user.id, project.id), getEmbedSettings(user.id, project.id)]);
  return <ShareTab projectId={project.id} projectName={project.name} publicOrigin={configuredPublicOrigin()} initialShare={share} initialEmbed={embed} />;
}
