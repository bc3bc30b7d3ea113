import { describe, expect, it } from "vitest";
import { MESSAGES } from "./messages";
import { translate } from "./translate";

const keys = (o: object, p = ""): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === "object" && v !== null ? keys(v, `${p}${k}.`) : [`${p}${k}`]));

describe("i18n messages", () => {
  it("zh-CN and en have exactly the same keys and no empty strings", () => {
    const en = keys(MESSAGES.en).sort();
    const zh = keys(MESSAGES["zh-CN"]).sort();
    expect(zh).toEqual(en);
    const leaf = (o: Record<string, unknown>, k: string) => k.split(".").reduce<unknown>((x, part) => (x as Record<string, unknown>)[part], o);
    for (const k of en) {
      expect(String(leaf(MESSAGES.en, k)).trim(), k).not.toBe("");
      expect(String(leaf(MESSAGES["zh-CN"], k)).trim(), k).not.toBe("");
    }
  });

  it("fills placeholders and plurals in both languages", () => {
    expect(translate("en", "errors.tooManySignIns", { minutes: 1 })).toBe("Too many sign-in attempts. Try again in 1 minute.");
    expect(translate("en", "errors.tooManySignIns", { minutes: 15 })).toBe("Too many sign-in attempts. Try again in 15 minutes.");
    expect(translate("zh-CN", "errors.tooManySignIns", { minutes: 15 })).toBe("登录尝试次数过多，请 15 分钟后再试。");
    expect(translate("fr", "errors.notFound")).toBe(translate("en", "errors.notFound"));
  });
});
