import { getTranslations } from "next-intl/server";
import { ApiTab } from "@/components/api/api-tab";
import { EmptyTab } from "@/components/workspace/empty-tab";
import { apiPageInfo, listApiKeys } from "@/lib/server/api-keys";
import { MAX_BATCH, rateLimitConfig } from "@/lib/server/api-v1/predict";
import { configuredPublicOrigin } from "@/lib/server/public-url";
import { replyTemplatesEntityModelName } from "@/lib/server/reply-templates";
import { requireOwnedProject } from "@/lib/server/session";

export async function generateMetadata() {
  return { title: (await getTranslations("workspace.tabs"))("api") };
}

export default async function ApiPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, project } = await requireOwnedProject(id);
  const info = await apiPageInfo(user.id, project.id);
  if (project.status !== "trained" || info.inputKind === null) return <EmptyTab projectId={project.id} tab="api" status={project.status} />;
  const [{ slug, keys }, templatesEntityModel] = await Promise.all([listApiKeys(user.id, project.id), replyTemplatesEntityModelName(user.id, project.id)]);
  return (
    <ApiTab
      projectId={project.id}
      publicOrigin={configuredPublicOrigin()}
      initialSlug={slug}
      initialKeys={keys}
      example={info.example}
      rateLimit={rateLimitConfig()}
      maxBatch={MAX_BATCH}
      templatesEntityModel={templatesEntityModel}
    />
  );
}
