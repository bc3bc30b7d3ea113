import { describe, expect, it } from "vitest";
import { findTooDeep, parseJsonWithin } from "./json-depth";

describe("findTooDeep", () => {
  it("finds the first bracket past the limit, arrays and objects alike", () => {
    expect(findTooDeep("[[[]]]", 3)).toBeNull();
    expect(findTooDeep("[[[[]]]]", 3)).toEqual({ offset: 3, element: 1 });
    expect(findTooDeep('{"a":{"b":[{}]}}', 3)).toEqual({ offset: 11, element: 1 });
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    expect(findTooDeep('["[[[[", "{{{{"]', 1)).toBeNull();
    expect(findTooDeep('["a\\"[[[[", "\\\\"]', 1)).toBeNull();
    expect(findTooDeep('["\\\\", [[]]]', 2)).toEqual({ offset: 8, element: 2 });
  });

  it("says which element of a top-level array is too deep", () => {
    expect(findTooDeep('[{"a": 1}, {"b": "x,y"}, [[1]]]', 2)?.element).toBe(3);
  });

  it("handles half a million levels without recursion", () => {
    const n = 500_000;
    expect(findTooDeep(`${"[".repeat(n)}${"]".repeat(n)}`, 64)).toEqual({ offset: 64, element: 1 });
  });
});

describe("parseJsonWithin", () => {
  it("parses, refuses too deep, reports invalid JSON", () => {
    expect(parseJsonWithin('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parseJsonWithin("[[[1]]]", 2)).toMatchObject({ ok: false, reason: "too-deep" });
    expect(parseJsonWithin("{nope")).toEqual({ ok: false, reason: "invalid" });
    expect(parseJsonWithin('"unclosed')).toEqual({ ok: false, reason: "invalid" });
  });
});
