import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { cache } from "react";
import { UnavailableNotice } from "@/components/share/unavailable-notice";
import { VisitorModel } from "@/components/widgets/visitor-model";
import { AppError } from "@/lib/server/errors";
import { getPublicShare, type PublicModel } from "@/lib/server/sharing";

type Lookup = { ok: true; model: PublicModel } | { ok: false; expired: boolean };

/** One database lookup per request, shared by the metadata and the page. */
const lookup = cache(async (slug: string): Promise<Lookup> => {
  try {
    return { ok: true, model: await getPublicShare(slug) };
  } catch (e) {
    if (e instanceof AppError && (e.code === "not_found" || e.code === "gone")) return { ok: false, expired: e.code === "gone" };
    throw e;
  }
});

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { slug } = await params;
  const t = await getTranslations("share.page");
  const found = await lookup(slug);
  // A link is for the people it was sent to: not for search engines.
  const robots = { index: false, follow: false };
  if (!found.ok) return { title: t("unavailableTitle"), robots };
  const description = found.model.description || t("defaultDescription");
  return {
    title: found.model.name,
    description,
    robots,
    openGraph: { title: found.model.name, description, type: "website" },
    twitter: { card: "summary", title: found.model.name, description },
  };
}

/** The public model page: no account needed; the model runs in the visitor's browser. */
export default async function SharedModelPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const found = await lookup(slug);
  const t = await getTranslations("share.page");
  if (!found.ok) return <UnavailableNotice title={t("unavailableTitle")} body={found.expired ? t("expiredBody") : t("unavailableBody")} />;
  const { model } = found;
  return (
    <article className="mx-auto max-w-2xl space-y-4" data-testid="shared-model">
      <header>
        <h1 className="text-2xl font-semibold" data-testid="shared-model-name">
          {model.name}
        </h1>
        {model.description ? <p className="mt-1 text-slate-600">{model.description}</p> : null}
        <p className="mt-2 text-xs text-slate-500">{t("version", { version: model.version })}</p>
      </header>
      <VisitorModel
        model={model}
        channel="share"
        slug={slug}
        bundleUrl={`/api/public/share/${encodeURIComponent(slug)}/bundle?v=${model.bundleTag}`}
        entityBundleUrl={`/api/public/share/${encodeURIComponent(slug)}/bundle?part=entities&v=${model.entityBundleTag ?? ""}`}
      />
    </article>
  );
}
