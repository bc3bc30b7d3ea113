import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { ShareTab } from "@/components/share/share-tab";
import { EmptyTab } from "@/components/workspace/empty-tab";
import { getScene } from "@/lib/scenes";
import { selfOriginFrom } from "@/lib/server/request-origin";
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
  const h = await headers();
  const [share, embed] = await Promise.all([getShareLink(user.id, project.id), getEmbedSettings(user.id, project.id)]);
  const appOrigin = selfOriginFrom(h, h.get("x-forwarded-proto") === "https" ? "https:" : "http:") ?? "";
  return <ShareTab projectId={project.id} projectName={project.name} appOrigin={appOrigin} initialShare={share} initialEmbed={embed} />;
}
