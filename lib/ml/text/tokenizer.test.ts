import { describe, expect, it } from "vitest";
import {
  DEFAULT_BAG_TOKENIZER,
  DEFAULT_SEQUENCE_TOKENIZER,
  bagFeatures,
  normalizeText,
  segment,
  sequenceUnits,
  tokenizeBag,
  tokenizeSequence,
  type BagTokenizerConfig,
} from "./tokenizer";
import { fnv1a32Fmix } from "./hash";

const cfg: BagTokenizerConfig = { ...DEFAULT_BAG_TOKENIZER, buckets: 1 << 16 };

describe("hashing tokenizer", () => {
  it("normalises with NFKC and lower case", () => {
    expect(normalizeText("ＡＢＣ１２３")).toBe("abc123"); // full-width forms
    expect(normalizeText("Can’t")).toBe("can't");
    expect(segment("Hello, WORLD! can’t")).toEqual([
      { text: "hello", kind: "word" },
      { text: "world", kind: "word" },
      { text: "can't", kind: "word" },
    ]);
  });

  it("segments Chinese runs, mixed script, emoji and currency", () => {
    expect(segment("我的iPhone坏了😡 £20")).toEqual([
      { text: "我的", kind: "cjk" },
      { text: "iphone", kind: "word" },
      { text: "坏了", kind: "cjk" },
      { text: "😡", kind: "symbol" },
      { text: "£", kind: "symbol" },
      { text: "20", kind: "word" },
    ]);
    expect(sequenceUnits("银行卡 lost")).toEqual(["银", "行", "卡", "lost"]);
  });

  it("builds word n-grams, fastText-style character n-grams and CJK character n-grams", () => {
    const small: BagTokenizerConfig = { ...cfg, wordNgrams: [1, 2], charNgrams: [3, 3], cjkNgrams: [1, 2] };
    const keys = bagFeatures("my card", small).map((f) => f.key);
    expect(keys).toEqual(["my", "card", "my\u0001card", "<my", "my>", "<ca", "car", "ard", "rd>"]);
    const zh = bagFeatures("银行卡", small).map((f) => f.key);
    expect(zh).toEqual(["银行卡", "银", "行", "卡", "银行", "行卡"]);
  });

  it("gives ids in [1, buckets) and is deterministic", () => {
    const a = tokenizeBag("Where is my new card? 我的卡在哪里 🙂", cfg);
    const b = tokenizeBag("Where is my new card? 我的卡在哪里 🙂", cfg);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.length).toBeGreaterThan(20);
    for (const id of a) {
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThan(cfg.buckets);
    }
  });

  it("handles empty and symbol-only strings", () => {
    expect(tokenizeBag("", cfg).length).toBe(0);
    expect(tokenizeBag("   ?!.,  ", cfg).length).toBe(0);
    expect(Array.from(tokenizeSequence("", DEFAULT_SEQUENCE_TOKENIZER))).toEqual(new Array(DEFAULT_SEQUENCE_TOKENIZER.maxLength).fill(0));
  });

  it("keeps emoji as features of their own", () => {
    const happy = new Set(tokenizeBag("great 😀", cfg));
    const sad = new Set(tokenizeBag("great 😡", cfg));
    expect([...happy].filter((id) => !sad.has(id)).length).toBeGreaterThan(0);
    expect(tokenizeBag("😀", cfg).length).toBe(1);
  });

  it("hashes Chinese sentences that share characters to overlapping features", () => {
    const a = new Set(tokenizeBag("我的银行卡丢了", cfg));
    const b = new Set(tokenizeBag("银行卡被冻结了", cfg));
    const c = new Set(tokenizeBag("今天天气很好", cfg));
    const shared = [...a].filter((id) => b.has(id));
    // 银, 行, 卡, 了, 银行, 行卡, 银行卡 at least.
    expect(shared.length).toBeGreaterThanOrEqual(7);
    expect([...a].filter((id) => c.has(id)).length).toBeLessThanOrEqual(1);
  });

  it("caps the number of features and keeps word features first", () => {
    const long = "word ".repeat(50) + "tail";
    const ids = tokenizeBag(long, { ...cfg, maxTokens: 10 });
    expect(ids.length).toBe(10);
    expect(ids[0]).toBe(tokenizeBag("word", { ...cfg, charNgrams: null })[0]);
  });

  it("pads and truncates sequences to maxLength", () => {
    const seq = tokenizeSequence("a b c", { ...DEFAULT_SEQUENCE_TOKENIZER, maxLength: 5 });
    expect(seq.length).toBe(5);
    expect(seq[2]).not.toBe(0);
    expect(seq[3]).toBe(0);
    expect(tokenizeSequence("a b c d e f g", { ...DEFAULT_SEQUENCE_TOKENIZER, maxLength: 4 }).every((x) => x > 0)).toBe(true);
  });

  it("depends on the seed and rejects bad bucket counts", () => {
    expect(fnv1a32Fmix("card", 1)).not.toBe(fnv1a32Fmix("card", 2));
    expect(Array.from(tokenizeBag("card", { ...cfg, seed: 1 }))).not.toEqual(Array.from(tokenizeBag("card", { ...cfg, seed: 2 })));
    expect(() => tokenizeBag("x", { ...cfg, buckets: 1 })).toThrow(/buckets/);
  });
});
