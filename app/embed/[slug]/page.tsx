import type { Metadata } from "next";
import { headers } from "next/headers";
import { NextIntlClientProvider } from "next-intl";
import { getTranslations } from "next-intl/server";
import { UnavailableNotice } from "@/components/share/unavailable-notice";
import { EmbedWidget } from "@/components/widgets/embed-widget";
import { MESSAGES } from "@/lib/i18n/messages";
import { normaliseOrigin } from "@/lib/schemas/sharing";
import { AppError } from "@/lib/server/errors";
import { refererOrigin, selfOriginFrom } from "@/lib/server/request-origin";
import { getPublicEmbed, type PublicEmbed } from "@/lib/server/sharing";

export const metadata: Metadata = { robots: { index: false, follow: false } };

/**
 * The chat widget inside the host page's iframe. The host page is named by ?origin= (embed.js sets
 * it) or by the Referer; when both are present they must agree, and the origin must be one the
 * owner allowed (or this studio, for the live preview), and the page must be loaded in a frame.
 * Otherwise nothing of the model is shown.
 * proxy.ts sends `frame-ancestors 'self' <that origin>`, so the browser refuses any other parent.
 */
export default async function EmbedPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ slug }, query, h] = await Promise.all([params, searchParams, headers()]);
  const param = typeof query.origin === "string" ? normaliseOrigin(query.origin) : null;
  const referer = refererOrigin(h);
  const parentOrigin = param ?? referer;
  // Browsers say what a navigation is for: the widget is for frames, not for opening on its own.
  const dest = h.get("sec-fetch-dest");
  const framed = !dest || dest === "iframe";
  let embed: PublicEmbed | null = null;
  if (framed && parentOrigin && !(param && referer && param !== referer)) {
    try {
      embed = await getPublicEmbed(slug, parentOrigin, selfOriginFrom(h));
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
