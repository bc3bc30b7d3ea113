/**
 * Hashing tokenizers for the text models. No vocabulary is stored: every feature is hashed into a
 * fixed number of buckets, so the config below is all a model needs to tokenise new text the same
 * way in the browser and in Node. Id 0 is reserved for padding.
 *
 * Text is normalised with NFKC and lower-cased, then cut into units:
 *   - words: runs of letters/digits (non-CJK scripts), apostrophes inside words kept;
 *   - CJK runs: Han, Hiragana, Katakana and Hangul characters, which have no spaces between words;
 *   - single emoji and currency symbols.
 * Other punctuation and whitespace only separate units.
 */
import { hashFunction, type HashFunctionId } from "./hash";

export type NgramRange = [min: number, max: number];

/** Bag of hashed n-grams, for the "ngram-bag" model. Saved in the bundle manifest. */
export interface BagTokenizerConfig {
  type: "hashed-ngram-bag";
  version: 1;
  normalization: "nfkc-lowercase";
  hash: HashFunctionId;
  seed: number;
  /** Hash space size; ids are in [1, buckets). */
  buckets: number;
  /** Word n-grams over units (a CJK run counts as one unit here). */
  wordNgrams: NgramRange;
  /** Character n-grams inside non-CJK words, on "<word>" with boundary marks; null = none. */
  charNgrams: NgramRange | null;
  /** Character n-grams inside CJK runs (no boundary marks); null = none. */
  cjkNgrams: NgramRange | null;
  /** At most this many features per text (word n-grams first, then character n-grams). */
  maxTokens: number;
}

/** Ordered hashed units, for the "text-cnn" model. Saved in the bundle manifest. */
export interface SequenceTokenizerConfig {
  type: "hashed-sequence";
  version: 1;
  normalization: "nfkc-lowercase";
  hash: HashFunctionId;
  seed: number;
  buckets: number;
  /** Every text becomes exactly this many ids: truncated, or padded with 0 at the end. */
  maxLength: number;
}

export type TextTokenizerConfig = BagTokenizerConfig | SequenceTokenizerConfig;

export const DEFAULT_BAG_TOKENIZER: BagTokenizerConfig = {
  type: "hashed-ngram-bag",
  version: 1,
  normalization: "nfkc-lowercase",
  hash: "fnv1a32-fmix",
  seed: 0x5eed,
  buckets: 1 << 16,
  wordNgrams: [1, 3],
  charNgrams: [3, 5],
  cjkNgrams: [1, 3],
  maxTokens: 512,
};

export const DEFAULT_SEQUENCE_TOKENIZER: SequenceTokenizerConfig = {
  type: "hashed-sequence",
  version: 1,
  normalization: "nfkc-lowercase",
  hash: "fnv1a32-fmix",
  seed: 0x5eed,
  buckets: 1 << 14,
  maxLength: 64,
};

export type UnitKind = "word" | "cjk" | "symbol";
export interface TextUnit {
  text: string;
  kind: UnitKind;
}

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc`;
// Order matters: CJK runs first, then words (which exclude CJK), then single symbols we keep.
const UNIT_RE = new RegExp(
  String.raw`([${CJK}]+)|((?:(?![${CJK}])[\p{L}\p{M}\p{N}])+(?:'(?:(?![${CJK}])[\p{L}\p{M}\p{N}])+)*)|(\p{Extended_Pictographic}|\p{Sc})`,
  "gu",
);

/** NFKC + lower case; curly apostrophes become ASCII so "can’t" and "can't" agree. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
}

/** Splits normalised text into units (see the file comment). */
export function segment(text: string): TextUnit[] {
  const units: TextUnit[] = [];
  for (const m of normalizeText(text).matchAll(UNIT_RE)) {
    if (m[1] !== undefined) units.push({ text: m[1], kind: "cjk" });
    else if (m[2] !== undefined) units.push({ text: m[2], kind: "word" });
    else if (m[3] !== undefined) units.push({ text: m[3], kind: "symbol" });
  }
  return units;
}

// Each feature family hashes with its own seed, so the word "ab" and the n-gram "ab" differ.
const FAMILY_WORD = 0x9e3779b1;
const FAMILY_CHAR = 0x85ebca77;
const FAMILY_CJK = 0xc2b2ae3d;
const FAMILY_SEQ = 0x27d4eb2f;
const SEP = "\u0001";

function validateBuckets(buckets: number): void {
  if (!Number.isInteger(buckets) || buckets < 2) throw new RangeError(`buckets must be an integer >= 2, got ${buckets}`);
}

/** Feature strings before hashing, in priority order. Exposed for tests and for explaining a model. */
export function bagFeatures(text: string, config: BagTokenizerConfig): { family: number; key: string }[] {
  const units = segment(text);
  const out: { family: number; key: string }[] = [];
  const [wMin, wMax] = config.wordNgrams;
  for (let n = Math.max(1, wMin); n <= wMax; n++) {
    for (let i = 0; i + n <= units.length; i++) {
      let key = units[i].text;
      for (let j = 1; j < n; j++) key += SEP + units[i + j].text;
      out.push({ family: FAMILY_WORD + n, key });
    }
  }
  for (const unit of units) {
    if (unit.kind === "word" && config.charNgrams) {
      const chars = Array.from(`<${unit.text}>`);
      const [cMin, cMax] = config.charNgrams;
      for (let n = cMin; n <= cMax; n++) {
        // The whole "<word>" is the word unigram already; skip it like fastText does.
        for (let i = 0; i + n <= chars.length; i++) {
          if (n === chars.length) continue;
          out.push({ family: FAMILY_CHAR, key: chars.slice(i, i + n).join("") });
        }
      }
    } else if (unit.kind === "cjk" && config.cjkNgrams) {
      const chars = Array.from(unit.text);
      const [cMin, cMax] = config.cjkNgrams;
      for (let n = cMin; n <= cMax; n++) {
        for (let i = 0; i + n <= chars.length; i++) out.push({ family: FAMILY_CJK, key: chars.slice(i, i + n).join("") });
      }
    }
  }
  return out;
}

/** Hashed feature ids (1..buckets-1), duplicates kept, at most config.maxTokens of them. */
export function tokenizeBag(text: string, config: BagTokenizerConfig): Int32Array {
  validateBuckets(config.buckets);
  const hash = hashFunction(config.hash);
  const features = bagFeatures(text, config);
  const n = Math.min(features.length, config.maxTokens);
  const ids = new Int32Array(n);
  const range = config.buckets - 1;
  for (let i = 0; i < n; i++) {
    const f = features[i];
    ids[i] = 1 + (hash(f.key, (config.seed ^ f.family) >>> 0) % range);
  }
  return ids;
}

/** Units for the sequence model: words stay whole, CJK runs become single characters. */
export function sequenceUnits(text: string): string[] {
  const out: string[] = [];
  for (const unit of segment(text)) {
    if (unit.kind === "cjk") out.push(...Array.from(unit.text));
    else out.push(unit.text);
  }
  return out;
}

/** Exactly config.maxLength ids, 0-padded at the end. */
export function tokenizeSequence(text: string, config: SequenceTokenizerConfig): Int32Array {
  validateBuckets(config.buckets);
  const hash = hashFunction(config.hash);
  const units = sequenceUnits(text);
  const ids = new Int32Array(config.maxLength);
  const range = config.buckets - 1;
  const seed = (config.seed ^ FAMILY_SEQ) >>> 0;
  for (let i = 0; i < Math.min(units.length, config.maxLength); i++) ids[i] = 1 + (hash(units[i], seed) % range);
  return ids;
}
