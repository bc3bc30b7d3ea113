import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import {
  type EntitySample,
  detectEntityFormat,
  joinTokens,
  parseConll,
  parseEntities,
  parseInlineMarkup,
  parseJsonlSpans,
  parseMarkupLine,
  toInlineMarkup,
  validateSpans,
} from "./entities";

function samples(r: { ok: boolean; issues: unknown[] } & ({ ok: true; value: EntitySample[] } | { ok: false })): EntitySample[] {
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

/** Entity texts with labels, the easiest thing to read in assertions. */
const ents = (s: EntitySample) => s.spans.map((x) => [s.text.slice(x.start, x.end), x.label]);

describe("parseConll", () => {
  it("reads tab- or space-separated token/tag lines with blank lines between sentences", () => {
    const text = "-DOCSTART- O\n\nI\tO\nflew\tO\nto\tO\nNew\tB-CITY\nYork\tI-CITY\n.\tO\n\r\nAnna O\nvisited O\nParis B-CITY\n";
    const s = samples(parseConll(text));
    expect(s).toHaveLength(2);
    expect(s[0].text).toBe("I flew to New York.");
    expect(ents(s[0])).toEqual([["New York", "CITY"]]);
    expect(s[0].row).toBe(3);
    expect(s[1]).toMatchObject({ text: "Anna visited Paris", row: 10 });
  });

  it("uses the first column as the token and the last as the tag (CoNLL-2003 style)", () => {
    const s = samples(parseConll("EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n"));
    expect(s[0].text).toBe("EU rejects German");
    expect(ents(s[0])).toEqual([
      ["EU", "ORG"],
      ["German", "MISC"],
    ]);
  });

  it("joins Chinese characters without spaces", () => {
    const s = samples(parseConll("我\tO\n去\tO\n北\tB-CITY\n京\tI-CITY\n出\tO\n差\tO\n"));
    expect(s[0].text).toBe("我去北京出差");
    expect(ents(s[0])).toEqual([["北京", "CITY"]]);
  });

  it("reads an I- tag without a B- as a new entity and warns on that line", () => {
    const r = parseConll("in\tO\nNew\tI-CITY\nYork\tI-CITY\nat\tO\nnoon\tI-TIME\n");
    const s = samples(r);
    expect(ents(s[0])).toEqual([
      ["New York", "CITY"],
      ["noon", "TIME"],
    ]);
    expect(r.issues).toEqual([
      { code: "bio-inside-without-begin", severity: "warning", row: 2, params: { tag: "I-CITY", token: "New" } },
      { code: "bio-inside-without-begin", severity: "warning", row: 5, params: { tag: "I-TIME", token: "noon" } },
    ]);
  });

  it("treats I- of a different type as the start of a new entity", () => {
    const r = parseConll("Paris\tB-CITY\nHilton\tI-HOTEL\n");
    expect(ents(samples(r)[0])).toEqual([
      ["Paris", "CITY"],
      ["Hilton", "HOTEL"],
    ]);
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([["bio-inside-without-begin", 2]]);
  });

  it("accepts BIOES tags", () => {
    const s = samples(parseConll("New\tB-CITY\nYork\tE-CITY\nin\tO\nMay\tS-DATE\n"));
    expect(ents(s[0])).toEqual([
      ["New York", "CITY"],
      ["May", "DATE"],
    ]);
  });

  it("rejects a sentence with an invalid or missing tag and keeps the others", () => {
    const r = parseConll("Good\tO\nsentence\tO\n\nBad\tO\nParis\tCITY\n\nlonely\n\nAlso\tO\ngood\tO\n");
    expect(samples(r).map((s) => s.text)).toEqual(["Good sentence", "Also good"]);
    expect(r.issues).toEqual([
      { code: "conll-invalid-tag", severity: "error", row: 5, params: { tag: "CITY" } },
      { code: "conll-missing-tag", severity: "error", row: 7, params: { token: "lonely" } },
    ]);
  });

  it("skips # comment lines but keeps a '#' token that has a tag", () => {
    const s = samples(parseConll("# sent_id = 1\n#\tO\nhashtag\tO\n"));
    expect(s[0].text).toBe("# hashtag");
  });
});

describe("joinTokens", () => {
  it("puts no space before punctuation or after an opening bracket", () => {
    expect(joinTokens(["Hello", ",", "world", "(", "hi", ")", "!"]).text).toBe("Hello, world (hi)!");
  });
});

describe("parseJsonlSpans", () => {
  it("reads objects and [start, end, label] arrays", () => {
    const text = [
      '{"text": "Fly to Paris on May 3", "entities": [{"start": 7, "end": 12, "label": "CITY"}, [16, 21, "DATE"]]}',
      '{"text": "明天去北京", "entities": [{"start": 3, "end": 5, "type": "CITY"}, {"start": 0, "end": 2, "label": "DATE"}]}',
      '{"text": "no entities here", "entities": []}',
    ].join("\n");
    const s = samples(parseJsonlSpans(text));
    expect(ents(s[0])).toEqual([
      ["Paris", "CITY"],
      ["May 3", "DATE"],
    ]);
    // spans come back sorted
    expect(ents(s[1])).toEqual([
      ["明天", "DATE"],
      ["北京", "CITY"],
    ]);
    expect(s[2].spans).toEqual([]);
  });

  it("accepts doccano's 'label' key and tokens + BIO tags", () => {
    const s = samples(
      parseJsonlSpans('{"text": "Hi Tom", "label": [[3, 6, "PERSON"]]}\n{"tokens": ["Visit", "Rome"], "ner_tags": ["O", "B-CITY"]}\n'),
    );
    expect(ents(s[0])).toEqual([["Tom", "PERSON"]]);
    expect(s[1].text).toBe("Visit Rome");
    expect(ents(s[1])).toEqual([["Rome", "CITY"]]);
  });

  it("reads offsets as Unicode characters, so emoji before an entity do not shift it", () => {
    const s = samples(parseJsonlSpans('{"text": "😀 Paris", "entities": [[2, 7, "CITY"]]}'));
    expect(ents(s[0])).toEqual([["Paris", "CITY"]]);
  });

  it("rejects overlapping, out-of-range, inverted and unlabeled spans by row, keeping good rows", () => {
    const text = [
      '{"text": "New York City", "entities": [[0, 8, "CITY"], [4, 13, "CITY"]]}',
      '{"text": "short", "entities": [[0, 50, "X"]]}',
      '{"text": "good one", "entities": [[0, 4, "ADJ"]]}',
      '{"text": "inverted", "entities": [[5, 2, "X"]]}',
      '{"text": "nolabel", "entities": [{"start": 0, "end": 2}]}',
      '{"text": "", "entities": []}',
      '{"tokens": ["a", "b"], "tags": ["O"]}',
    ].join("\n");
    const r = parseJsonlSpans(text, { fileName: "spans.jsonl" });
    expect(samples(r).map((s) => s.row)).toEqual([3]);
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([
      ["span-overlap", 1],
      ["span-out-of-range", 2],
      ["span-invalid", 4],
      ["span-label-empty", 5],
      ["text-empty", 6],
      ["tokens-tags-mismatch", 7],
    ]);
    expect(r.issues[0]).toMatchObject({
      file: "spans.jsonl",
      params: { entity: "York City", label: "CITY", otherEntity: "New York", otherLabel: "CITY" },
    });
    expect(r.issues[1].params).toEqual({ start: 0, end: 50, length: 5, label: "X" });
  });

  it("refuses a span label nested 500,000 levels deep by line (it used to overflow the stack)", () => {
    const n = 500_000;
    const text = ['{"text": "Hi Tom", "entities": [[3, 6, "PERSON"]]}', `{"text": "Hi Ann", "entities": [[3, 6, ${"[".repeat(n)}${"]".repeat(n)}]]}`].join("\n");
    const r = parseJsonlSpans(text, { fileName: "deep.jsonl" });
    expect(samples(r).map((s) => s.row)).toEqual([1]);
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([["jsonl-too-deep", 2]]);
  });
});

describe("validateSpans", () => {
  it("drops exact duplicate spans and sorts", () => {
    const v = validateSpans("abc def", [
      { start: 4, end: 7, label: "B" },
      { start: 0, end: 3, label: "A" },
      { start: 0, end: 3, label: "A" },
    ]);
    expect(v.issues).toEqual([]);
    expect(v.spans.map((s) => s.label)).toEqual(["A", "B"]);
  });

  it("rejects non-integer offsets", () => {
    expect(validateSpans("abc", [{ start: 0.5, end: 2, label: "A" }]).issues.map((i) => i.code)).toEqual(["span-invalid"]);
  });
});

describe("parseInlineMarkup", () => {
  it("reads English and Chinese markup, one sentence per line", () => {
    const text = "I flew from [Paris](CITY) to [Tokyo](CITY) on [May 3](DATE).\n\n[明天](DATE)[上午十点](TIME)从[北京](CITY)出发\nno entities at all\n";
    const s = samples(parseInlineMarkup(text));
    expect(s).toHaveLength(3);
    expect(s[0].text).toBe("I flew from Paris to Tokyo on May 3.");
    expect(ents(s[0])).toEqual([
      ["Paris", "CITY"],
      ["Tokyo", "CITY"],
      ["May 3", "DATE"],
    ]);
    expect(s[1]).toMatchObject({ text: "明天上午十点从北京出发", row: 3 });
    expect(ents(s[1])).toEqual([
      ["明天", "DATE"],
      ["上午十点", "TIME"],
      ["北京", "CITY"],
    ]);
    expect(s[2].spans).toEqual([]);
  });

  it("reads GBK-encoded Chinese markup files", () => {
    const s = samples(parseInlineMarkup(iconv.encode("我住在[上海](城市)。\n", "gbk")));
    expect(s[0].text).toBe("我住在上海。");
    expect(ents(s[0])).toEqual([["上海", "城市"]]);
  });

  it("accepts full-width brackets typed with a Chinese keyboard", () => {
    const r = parseMarkupLine("【公告】明天去【北京】（CITY）");
    expect(r.text).toBe("【公告】明天去北京");
    expect(r.spans).toEqual([{ start: 7, end: 9, label: "CITY" }]);
  });

  it("keeps escaped and non-markup brackets as text, trimming spaces inside an entity", () => {
    const r = parseMarkupLine("\\[note\\] see [ Paris ](CITY) [sic]");
    expect(r.text).toBe("[note] see  Paris  [sic]");
    expect(r.spans).toEqual([{ start: 12, end: 17, label: "CITY" }]);
    expect(r.issues).toEqual([]);
  });

  it("warns about unclosed brackets and invalid labels, and rejects empty entities", () => {
    const r = parseInlineMarkup("See [Paris(CITY)\nGo to [Rome](the city)\nEmpty [](CITY) here\nFine [Oslo](CITY)\nTo [Bern](CITY\n");
    expect(samples(r).map((s) => s.row)).toEqual([1, 2, 4, 5]);
    expect(samples(r)[3].text).toBe("To [Bern](CITY");
    expect(r.issues).toEqual([
      { code: "markup-unclosed", severity: "warning", row: 1, params: {} },
      { code: "markup-label-invalid", severity: "warning", row: 2, params: { label: "the city" } },
      { code: "markup-empty-entity", severity: "error", row: 3, params: { label: "CITY" } },
      { code: "markup-unclosed", severity: "warning", row: 5, params: {} },
    ]);
  });

  it("round-trips through toInlineMarkup", () => {
    const line = "\\[x\\] [北京](CITY) to [New York](CITY)";
    const s = samples(parseInlineMarkup(line))[0];
    expect(toInlineMarkup(s)).toBe(line);
  });
});

describe("format detection", () => {
  it("tells the three formats apart", () => {
    expect(detectEntityFormat('{"text": "a", "entities": []}')).toBe("jsonl-spans");
    expect(detectEntityFormat("Paris\tB-CITY\nis\tO\n")).toBe("conll");
    expect(detectEntityFormat("I love [Paris](CITY)\n")).toBe("inline-markup");
    expect(samples(parseEntities("Paris B-CITY\n"))[0].text).toBe("Paris");
  });

  it("fails on a file with no usable sentence", () => {
    const r = parseInlineMarkup("[](CITY)\n");
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.code)).toEqual(["markup-empty-entity"]);
  });
});
