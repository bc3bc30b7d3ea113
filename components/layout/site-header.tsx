import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { getSessionUser } from "@/lib/server/session";
import { buttonClasses } from "@/components/ui/button";
import { LanguageSwitcher } from "./language-switcher";
import { SignOutButton } from "./sign-out-button";

export async function SiteHeader() {
  const [user, t, locale] = await Promise.all([getSessionUser(), getTranslations("nav"), getLocale()]);
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-3 px-4 sm:px-6">
        <Link href={user ? "/projects" : "/"} className="flex items-center gap-2 font-semibold text-slate-900">
          <span aria-hidden className="grid h-7 w-7 place-items-center rounded-lg bg-brand-600 text-sm text-white">AI</span>
          {/* read out at every width: on a phone the logo alone would leave the link without a name */}
          <span className="sr-only sm:not-sr-only">AI Mass Studio</span>
        </Link>
        <nav aria-label="main" className="ml-2 flex items-center gap-1">
          {user ? (
            <Link href="/projects" className={buttonClasses("ghost", "sm")}>
              {t("projects")}
            </Link>
          ) : null}
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <LanguageSwitcher current={locale} label={t("language")} />
          {user ? (
            <>
              <span className="hidden max-w-48 truncate text-sm text-slate-600 md:inline" data-testid="current-user">
                {user.email}
              </span>
              <SignOutButton label={t("signOut")} />
            </>
          ) : (
            <>
              <Link href="/signin" className={buttonClasses("ghost", "sm")}>
                {t("signIn")}
              </Link>
              <Link href="/signup" className={buttonClasses("primary", "sm")}>
                {t("signUp")}
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
