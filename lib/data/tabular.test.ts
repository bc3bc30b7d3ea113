import { describe, expect, it } from "vitest";
import { inferColumnType, isMissing, parseDate, parseNumber, profileColumns } from "./tabular";

describe("parseNumber", () => {
  it.each([
    ["42", 42],
    ["-3.5", -3.5],
    ["+7", 7],
    [".5", 0.5],
    ["1e3", 1000],
    ["1,234.5", 1234.5],
    ["$12", 12],
    ["¥30", 30],
    ["30元", 30],
    ["12%", 0.12],
  ])("%s → %s", (s, n) => {
    expect(parseNumber(s)).toBeCloseTo(n);
  });

  it.each(["", "abc", "12abc", "1,2,3", "0x1F", "Infinity", "--5"])("%j is not a number", (s) => {
    expect(parseNumber(s)).toBeNull();
  });
});

describe("parseDate", () => {
  it.each([
    ["2024-03-05", "2024-03-05"],
    ["2024/3/5", "2024-03-05"],
    ["2024.03.05", "2024-03-05"],
    ["2024年3月5日", "2024-03-05"],
    ["25/12/2023", "2023-12-25"],
    ["12/25/2023", "2023-12-25"],
    ["2024-03-05T14:30", "2024-03-05 14:30:00"],
    ["2024-03-05 08:01:02", "2024-03-05 08:01:02"],
  ])("%s → %s", (s, iso) => {
    expect(parseDate(s)).toBe(iso);
  });

  it.each(["2024-02-30", "2024-13-01", "hello", "12345", "2024-03-05 25:00"])("%j is not a date", (s) => {
    expect(parseDate(s)).toBeNull();
  });
});

describe("column types", () => {
  it("recognises missing-value markers", () => {
    expect(["", "NA", "n/a", "null", "-", "无"].every(isMissing)).toBe(true);
    expect(isMissing("0")).toBe(false);
  });

  it("infers number, date, category, text and empty columns", () => {
    expect(inferColumnType(["1", "2.5", "NA", "-3"])).toBe("number");
    expect(inferColumnType(["2024-01-01", "2024/02/03", ""])).toBe("date");
    expect(inferColumnType(["yes", "no", "yes", "no"])).toBe("category");
    expect(inferColumnType(["Great phone with a long battery life", "Broke after two days, very sad", "Okay for the price I guess"])).toBe(
      "text",
    );
    expect(inferColumnType(["这个手机电池很耐用", "用了两天就坏了", "价格还算可以"])).toBe("text");
    expect(inferColumnType(["", "NA"])).toBe("empty");
  });

  it("tolerates a few bad values in a number column", () => {
    const cells = Array.from({ length: 40 }, (_, i) => String(i));
    cells[3] = "unknown";
    expect(inferColumnType(cells)).toBe("number");
  });

  it("profiles columns and flags identifiers", () => {
    const rows = Array.from({ length: 12 }, (_, i) => [`C${100 + i}`, String(i + 1), String(20 + (i % 3)), i % 2 ? "yes" : "no"]);
    const p = profileColumns({ headers: ["id", "row", "age", "churn"], rows });
    expect(p.map((c) => [c.name, c.type, c.idLike])).toEqual([
      ["id", "category", true],
      ["row", "number", true],
      ["age", "number", false],
      ["churn", "category", false],
    ]);
    expect(p[2]).toMatchObject({ min: 20, max: 22, missing: 0, distinct: 3 });
    // unique consecutive numbers that do not start at 0/1 (years, ages) are real features
    const years = profileColumns({ headers: ["year"], rows: Array.from({ length: 12 }, (_, i) => [String(2000 + i)]) });
    expect(years[0].idLike).toBe(false);
    const named = profileColumns({ headers: ["customer_no"], rows: Array.from({ length: 12 }, (_, i) => [String(5000 + i)]) });
    expect(named[0].idLike).toBe(true);
    expect(p[3].categories).toEqual([
      { value: "no", count: 6 },
      { value: "yes", count: 6 },
    ]);
  });
});
