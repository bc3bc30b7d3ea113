/**
 * A nesting limit for JSON from users. JSON.parse itself copes with any depth, but everything that
 * walks the result recursively does not: JSON.stringify, zod, tfjs's model deserialisation and our
 * own code overflow the stack a few thousand levels down (a 500 instead of an answer), and half a
 * million nested brackets in a 1 MB line become a 30 MB object tree. So the text is checked before
 * it is parsed, by a plain loop over its characters: no recursion, no allocation.
 */

/** Data rows and request bodies: real ones nest a few levels ({"text", "spans": [{…}]}). */
export const MAX_JSON_DEPTH = 64;
/** Model files (tfjs model.json, bundle headers): a layers model nests about 10 levels, nested submodels more. */
export const MAX_MODEL_JSON_DEPTH = 256;

export interface TooDeep {
  /** Offset of the first "[" or "{" that opens level maxDepth + 1. */
  offset: number;
  /** When the text is an array: which of its elements (from 1) holds that bracket. */
  element: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_SQUARE = 0x5b;
const OPEN_CURLY = 0x7b;
const CLOSE_SQUARE = 0x5d;
const CLOSE_CURLY = 0x7d;

/**
 * Where `text` first nests deeper than `maxDepth` brackets, or null when it does not. Strings are
 * skipped (brackets inside them do not count); the text need not be valid JSON.
 */
export function findTooDeep(text: string, maxDepth: number = MAX_JSON_DEPTH): TooDeep | null {
  let depth = 0;
  let element = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote: one not preceded by an odd number of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end === -1) return null; // an unclosed string: JSON.parse will refuse the text
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if (c === OPEN_SQUARE || c === OPEN_CURLY) {
      if (++depth > maxDepth) return { offset: i, element };
    } else if (c === CLOSE_SQUARE || c === CLOSE_CURLY) {
      depth--;
    } else if (c === COMMA && depth === 1) {
      element++;
    }
  }
  return null;
}

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; reason: "invalid" } | { ok: false; reason: "too-deep"; tooDeep: TooDeep };

/** JSON.parse that refuses text nested deeper than `maxDepth` before parsing it; never throws. */
export function parseJsonWithin(text: string, maxDepth: number = MAX_JSON_DEPTH): JsonParseResult {
  const tooDeep = findTooDeep(text, maxDepth);
  if (tooDeep) return { ok: false, reason: "too-deep", tooDeep };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: "invalid" };
  }
}
