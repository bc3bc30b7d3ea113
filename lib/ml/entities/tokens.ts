/**
 * Tokens for entity extraction, with character offsets into the ORIGINAL text (UTF-16 code units,
 * end exclusive, as lib/data/entities spans are), and hashed features per token.
 *
 *   - words: runs of letters/digits/marks outside CJK scripts, apostrophes inside words kept
 *     ("Paris", "can't", "15");
 *   - CJK: every Han / Kana / Hangul character is its own token (Chinese has no spaces);
 *   - any other non-space character (":", "$", "😀") is a single token.
 *
 * Features of a token (hashed into config.buckets; id 0 is padding): the normalised token,
 * its prefixes and suffixes up to affixLength, its shape ("Xxxx", "dd:dd"), the previous and next
 * token, and for CJK characters the bigrams with their neighbours. Normalisation (NFKC + lower
 * case) is applied per token, so offsets never move.
 */
import { hashFunction, type HashFunctionId } from "../text/hash";
import { normalizeText } from "../text/tokenizer";

export interface TokenFeatureConfig {
  type: "hashed-token-features";
  version: 1;
  normalization: "nfkc-lowercase";
  hash: HashFunctionId;
  seed: number;
  buckets: number;
  /** Longest prefix / suffix used as a feature. */
  affixLength: number;
  /** Longer texts are cut to this many tokens (the rest gets no entities). */
  maxTokens: number;
}

export const DEFAULT_TOKEN_FEATURES: TokenFeatureConfig = {
  type: "hashed-token-features",
  version: 1,
  normalization: "nfkc-lowercase",
  hash: "fnv1a32-fmix",
  seed: 0x5eed,
  buckets: 1 << 15,
  affixLength: 3,
  maxTokens: 256,
};

export interface Token {
  text: string;
  start: number;
  end: number;
  kind: "word" | "cjk" | "other";
}

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc`;
const TOKEN_RE = new RegExp(
  String.raw`([${CJK}])|((?:(?![${CJK}])[\p{L}\p{M}\p{N}])+(?:['\u2019](?:(?![${CJK}])[\p{L}\p{M}\p{N}])+)*)|(\S)`,
  "gu",
);

export function tokenizeWithOffsets(text: string, maxTokens = Infinity): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    if (out.length >= maxTokens) break;
    const start = m.index!;
    const kind = m[1] !== undefined ? "cjk" : m[2] !== undefined ? "word" : "other";
    out.push({ text: m[0], start, end: start + m[0].length, kind });
  }
  return out;
}

function shape(token: string): string {
  let s = "";
  for (const ch of token) {
    const c = /\p{Lu}/u.test(ch) ? "X" : /\p{Ll}/u.test(ch) ? "x" : /\p{N}/u.test(ch) ? "d" : /\p{L}/u.test(ch) ? "L" : ch;
    if (s.length < 2 || s[s.length - 1] !== c || s[s.length - 2] !== c) s += c; // "Xxxxxx" → "Xxx"
  }
  return s;
}

const FAMILY = { word: 1, prefix: 2, suffix: 3, shape: 4, prev: 5, next: 6, cjkLeft: 7, cjkRight: 8, bias: 9 } as const;

/** Hashed feature ids per token (each a non-empty Int32Array). */
export function tokenFeatures(tokens: readonly Token[], config: TokenFeatureConfig): Int32Array[] {
  if (!Number.isInteger(config.buckets) || config.buckets < 2) throw new RangeError(`buckets must be an integer >= 2, got ${config.buckets}`);
  const hash = hashFunction(config.hash);
  const range = config.buckets - 1;
  const id = (family: number, key: string) => 1 + (hash(key, (config.seed ^ Math.imul(family, 0x9e3779b1)) >>> 0) % range);
  const norm = tokens.map((t) => normalizeText(t.text));
  return tokens.map((t, i) => {
    const w = norm[i];
    const ids: number[] = [id(FAMILY.word, w), id(FAMILY.shape, shape(t.text)), id(FAMILY.bias, "")];
    const chars = Array.from(w);
    if (t.kind === "word") {
      for (let n = 1; n <= Math.min(config.affixLength, chars.length); n++) {
        ids.push(id(FAMILY.prefix, chars.slice(0, n).join("")), id(FAMILY.suffix, chars.slice(-n).join("")));
      }
    }
    ids.push(id(FAMILY.prev, i > 0 ? norm[i - 1] : "<s>"), id(FAMILY.next, i + 1 < tokens.length ? norm[i + 1] : "</s>"));
    if (t.kind === "cjk") {
      if (i > 0 && tokens[i - 1].kind === "cjk" && tokens[i - 1].end === t.start) ids.push(id(FAMILY.cjkLeft, norm[i - 1] + w));
      if (i + 1 < tokens.length && tokens[i + 1].kind === "cjk" && tokens[i + 1].start === t.end) ids.push(id(FAMILY.cjkRight, w + norm[i + 1]));
    }
    return Int32Array.from(ids);
  });
}
