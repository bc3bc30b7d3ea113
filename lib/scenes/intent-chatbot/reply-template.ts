/*
 * Reply templates of the intent chatbot: a reply (or a quick-reply button) may name an entity type
 * of the entity model the owner linked, in braces, and the bot puts in what the visitor wrote:
 *
 *   "Booking a table for {PERSON} at {TIME}."  +  "a table for Anna at 7 pm"  →  "Booking a table for Anna at 7 pm."
 *
 * Rules (the Playground's settings explain them to the owner):
 * - `{TYPE}` is the first entity of that type in the visitor's text (text order); `{TYPE:2}` the second.
 * - The type matches case-insensitively (`{person}` = `{PERSON}`); an exact match wins if two types
 *   differ only by case.
 * - A type the entity model does not know stays exactly as typed, so the owner sees the mistake.
 * - A known type with no entity in the text takes the owner's fallback text for that type; with
 *   none it is left out, and the spaces and commas around it are tidied ("for {PERSON} at 7" →
 *   "for at 7", "at {TIME}." → "at.", "Thanks, {PERSON}!" → "Thanks!") so the reply stays readable.
 * - One pass: text put in is never read again for placeholders (a visitor typing "{TIME}" gets it
 *   back as text). The result is plain text; the widgets render it as text, never HTML.
 * Without a linked entity model nothing is replaced.
 */

/** Anything with a type and a text in the visitor's message (EntityMention fits). */
export interface TemplateEntity {
  type: string;
  text: string;
  start: number;
}

/** What filling needs: the linked entity model's types and the owner's fallback text per type. */
export interface ReplyTemplateContext {
  types: readonly string[];
  /** Text used when the message has no entity of a type; a missing or empty one = left out. */
  defaults: Readonly<Record<string, string>>;
}

/** Same characters as entity labels (lib/data/entities.ts ENTITY_LABEL_RE), then an optional ":n". */
const PLACEHOLDER = /\{([\p{L}\p{N}_.-]+)(?::([1-9][0-9]?))?\}/gu;
/** Marks a placeholder that was left out, until the spaces around it are tidied. */
const GAP = "\u0000";
const SEPARATOR_BEFORE = "[,，、;；:：]";
const PUNCTUATION_AFTER = "[,.!?;:)\\]}，。！？；：、）】」』…]";

/** The model's type a placeholder names: the exact type, else the first that matches ignoring case. */
export function resolvePlaceholderType(name: string, types: readonly string[]): string | null {
  if (types.includes(name)) return name;
  const lower = name.toLowerCase();
  return types.find((t) => t.toLowerCase() === lower) ?? null;
}

/** The placeholders a template uses: known ones by the model's type name, unknown ones as typed. */
export function templatePlaceholders(template: string, types: readonly string[]): { known: string[]; unknown: string[] } {
  const known = new Set<string>();
  const unknown = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) {
    const type = resolvePlaceholderType(m[1], types);
    if (type) known.add(type);
    else unknown.add(m[0]);
  }
  return { known: [...known], unknown: [...unknown] };
}

/** Fills a reply template with the entities found in the visitor's text (see the rules above). */
export function fillReplyTemplate(template: string, entities: readonly TemplateEntity[], context: ReplyTemplateContext | null): string {
  if (!context || context.types.length === 0) return template;
  const byType = new Map<string, string[]>();
  for (const e of [...entities].sort((a, b) => a.start - b.start)) {
    const list = byType.get(e.type) ?? [];
    list.push(e.text);
    byType.set(e.type, list);
  }
  const clean = (s: string) => s.replaceAll(GAP, "");
  let gaps = false;
  const filled = clean(template).replace(PLACEHOLDER, (raw, name: string, nth: string | undefined) => {
    const type = resolvePlaceholderType(name, context.types);
    if (!type) return raw;
    const value = byType.get(type)?.[(nth ? Number(nth) : 1) - 1] ?? context.defaults[type]?.trim() ?? "";
    if (value) return clean(value);
    gaps = true;
    return GAP;
  });
  return gaps ? tidyGaps(filled) : filled;
}

/** Removes left-out placeholders and the spaces they leave: no double spaces, no space before punctuation. */
function tidyGaps(text: string): string {
  return text
    .replace(new RegExp(`${GAP}(?:[ \\t]*${GAP})+`, "gu"), GAP)
    // "Hi, {PERSON}, welcome" → "Hi, welcome"; "好的，{PERSON}，请稍等" → "好的，请稍等"
    .replace(new RegExp(`${SEPARATOR_BEFORE}[ \\t]*${GAP}[ \\t]*(?=${PUNCTUATION_AFTER})`, "gu"), "")
    .replace(new RegExp(`[ \\t]*${GAP}[ \\t]*(?=${PUNCTUATION_AFTER}|\\n|$)`, "gu"), "")
    .replace(new RegExp(`(^|\\n)[ \\t]*${GAP}[ \\t]*`, "gu"), "$1")
    .replace(new RegExp(`[ \\t]+${GAP}[ \\t]+`, "gu"), " ")
    .replaceAll(GAP, "")
    .trim();
}
