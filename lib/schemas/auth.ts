import { z } from "zod";

/**
 * One schema per form, shared by the browser form and the route handler. Error messages are i18n
 * keys ("errors.*") so both sides show the same words in the user's language.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// Passwords seen in every breach list; refusing them costs nothing and stops the obvious guesses.
const COMMON_PASSWORDS = new Set([
  "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwerty123",
  "11111111", "00000000", "abc12345", "iloveyou", "admin123", "welcome1", "letmein1", "qwertyuiop",
  "88888888", "a1234567", "woaini1314", "1qaz2wsx", "aa123456",
]);

export const emailSchema = z
  .string({ error: "errors.emailRequired" })
  .trim()
  .toLowerCase()
  .min(1, { error: "errors.emailRequired" })
  .max(254, { error: "errors.emailInvalid" })
  .pipe(z.email({ error: "errors.emailInvalid" }));

export const newPasswordSchema = z
  .string({ error: "errors.passwordRequired" })
  .min(PASSWORD_MIN, { error: "errors.passwordTooShort" })
  .max(PASSWORD_MAX, { error: "errors.passwordTooLong" })
  .refine((p) => /[A-Za-z\u00C0-\uFFFF]/.test(p) && /\d/.test(p), { error: "errors.passwordLettersDigits" })
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), { error: "errors.passwordCommon" });

export const signUpSchema = z
  .object({
    email: emailSchema,
    password: newPasswordSchema,
    name: z.string().trim().max(80, { error: "errors.nameTooLong" }).optional().default(""),
  })
  .refine((v) => v.password.toLowerCase() !== v.email, { error: "errors.passwordIsEmail", path: ["password"] });

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string({ error: "errors.passwordRequired" }).min(1, { error: "errors.passwordRequired" }).max(PASSWORD_MAX),
});

export const localeSchema = z.object({ locale: z.enum(["en", "zh-CN"], { error: "errors.localeInvalid" }) });

export type SignUpInput = z.input<typeof signUpSchema>;
export type SignInInput = z.input<typeof signInSchema>;
