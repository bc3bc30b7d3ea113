import { z } from "zod";

/* Share link and embed settings: one set of schemas for the Share & Embed tab and its routes. */

export const EMBED_POSITIONS = ["bottom-right", "bottom-left"] as const;
export const EMBED_LANGUAGES = ["en", "zh-CN"] as const;
export const MAX_ALLOWED_ORIGINS = 20;

/**
 * An exact web origin, normalised: `scheme://host[:port]` with scheme http or https, no path,
 * query, fragment, credentials or wildcard. Returns null when the text is not one.
 * "HTTPS://Shop.Example:443/" → "https://shop.example".
 */
export function normaliseOrigin(raw: string): string | null {
  const text = raw.trim();
  if (!text || text.length > 200 || text.includes("*") || /\s/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) return null;
  // "https://shop.example/" parses like "https://shop.example", but "https://shop.example/?" or "#" do not belong.
  if (/[?#]/.test(text)) return null;
  if (!url.hostname) return null;
  return url.origin;
}

export const originSchema = z
  .string()
  .max(200, { error: "embed.errors.originInvalid" })
  .transform((v, ctx) => {
    const origin = normaliseOrigin(v);
    if (!origin) {
      ctx.addIssue({ code: "custom", message: "embed.errors.originInvalid" });
      return z.NEVER;
    }
    return origin;
  });

/** A short avatar for the bubble: 1–4 letters, digits or emoji (no markup, no spaces). */
export function isAvatar(value: string): boolean {
  if (!value) return true;
  const chars = Array.from(value);
  return chars.length <= 4 && value.length <= 16 && /^[\p{L}\p{N}\p{Extended_Pictographic}\p{M}\u200d\ufe0f]+$/u.test(value);
}

export const themeSchema = z.object({
  title: z.string().trim().max(60, { error: "embed.errors.titleTooLong" }),
  welcome: z.string().trim().max(300, { error: "embed.errors.welcomeTooLong" }),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, { error: "embed.errors.colorInvalid" })
    .transform((c) => c.toLowerCase()),
  position: z.enum(EMBED_POSITIONS, { error: "embed.errors.positionInvalid" }),
  language: z.enum(EMBED_LANGUAGES, { error: "embed.errors.languageInvalid" }),
  avatar: z
    .string()
    .trim()
    .refine(isAvatar, { error: "embed.errors.avatarInvalid" }),
});

export type EmbedTheme = z.output<typeof themeSchema>;

export const DEFAULT_THEME: EmbedTheme = {
  title: "",
  welcome: "",
  color: "#1f5ad6",
  position: "bottom-right",
  language: "en",
  avatar: "💬",
};

export const updateShareSchema = z.object({
  enabled: z.boolean().optional(),
  /** ISO date-time; null removes the expiry. */
  expiresAt: z.iso.datetime({ offset: true, error: "share.errors.expiryInvalid" }).nullable().optional(),
});

export const updateEmbedSchema = z.object({
  enabled: z.boolean().optional(),
  allowedOrigins: z.array(originSchema).max(MAX_ALLOWED_ORIGINS, { error: "embed.errors.tooManyOrigins" }).optional(),
  theme: themeSchema.partial().optional(),
  logInputs: z.boolean().optional(),
});

export const CHANNELS = ["share", "embed"] as const;

/** What a visitor's browser reports after each answer (text only when the owner turned logging on). */
export const visitorEventSchema = z.object({
  channel: z.enum(CHANNELS),
  slug: z.string().min(8).max(64),
  /** Embed: the page the widget is on (checked against the allowed origins). */
  origin: z.string().max(200).optional(),
  label: z.string().max(100).nullable(),
  confidence: z.number().min(0).max(1).nullable(),
  latencyMs: z.number().min(0).max(600_000),
  fallback: z.boolean(),
  input: z.string().max(2000).optional(),
});
