import type { Metadata } from "next";
import { headers } from "next/headers";
import { NextIntlClientProvider } from "next-intl";
import { getTranslations } from "next-intl/server";
import { UnavailableNotice } from "@/components/share/unavailable-notice";
import { EmbedWidget } from "@/components/widgets/embed-widget";
import { MESSAGES } from "@/lib/i18n/messages";
import { AppError } from "@/lib/server/errors";
import { SELF_ORIGIN_HEADER, embedParentOrigin, originParamValues } from "@/lib/server/request-origin";
import { getPublicEmbed, type PublicEmbed } from "@/lib/server/sharing";

export const metadata: Metadata = { robots: { index: false, follow: false } };

/**
 * The chat widget inside the host page's iframe. The host page is named by ?origin= (embed.js sets
 * it) or by the Referer (embedParentOrigin: given twice, or contradicted by the Referer, it names
 * nobody); the origin must be one the owner allowed (or this studio, for the live preview), and
 * the page must be loaded in a frame. Otherwise nothing of the model is shown.
 * proxy.ts sends `frame-ancestors 'self' <that origin>` from the same function, so the browser
 * refuses any other parent.
 */
export default async function EmbedPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ slug }, query, h] = await Promise.all([params, searchParams, headers()]);
  const parentOrigin = embedParentOrigin(originParamValues(query), h);
  // Browsers say what a navigation is for: the widget is for frames, not for opening on its own.
  const dest = h.get("sec-fetch-dest");
  const framed = !dest || dest === "iframe";
  let embed: PublicEmbed | null = null;
  if (framed && parentOrigin) {
    try {
      // proxy.ts sets the studio's own origin on every page request (a client-sent value is dropped).
      embed = await getPublicEmbed(slug, parentOrigin, h.get(SELF_ORIGIN_HEADER));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
    }
  }
  if (!embed || !parentOrigin) {
    const t = await getTranslations("embed.page");
    return (
      <div className="p-4">
        <UnavailableNotice title={t("refusedTitle")} body={t("refusedBody")} />
      </div>
    );
  }
  const locale = embed.theme.language;
  return (
    <NextIntlClientProvider locale={locale} messages={MESSAGES[locale]}>
      <EmbedWidget embed={embed} slug={slug} parentOrigin={parentOrigin} withLoader={query.loader === "1"} />
    </NextIntlClientProvider>
  );
}
