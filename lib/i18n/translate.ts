import { createTranslator } from "next-intl";
import { DEFAULT_LOCALE, isLocale, type Locale } from "./config";
import { MESSAGES } from "./messages";

/** A translator usable anywhere (route handlers, tests), not only in React. */
export function translator(locale: Locale) {
  return createTranslator({ locale, messages: MESSAGES[locale] });
}

/** Translates a dotted key such as "errors.emailTaken"; unknown keys fall back to the key itself. */
export function translate(locale: string, key: string, params?: Record<string, string | number>): string {
  const l: Locale = isLocale(locale) ? locale : DEFAULT_LOCALE;
  const t = createTranslator({ locale: l, messages: MESSAGES[l] }) as unknown as {
    (k: string, p?: Record<string, string | number>): string;
    has(k: string): boolean;
  };
  return t.has(key) ? t(key, params) : key;
}
