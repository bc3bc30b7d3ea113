import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv";
import { applyMapping, guessMapping, splitParaphrases, splitTags, validateMapping } from "./mapping";
import type { Table } from "./table";

function csv(text: string): Table {
  const r = parseCsv(text);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

describe("guessMapping", () => {
  it("finds text and label columns by English names in any order", () => {
    const t = csv("id,sentiment,review\n1,positive,Great phone\n2,negative,Broke fast\n");
    expect(guessMapping(t.headers, t.rows, "text-classification")).toEqual({
      mapping: { kind: "text", text: "review", label: "sentiment" },
      matchedBy: { label: "name", text: "name" },
    });
  });

  it("finds Chinese column names", () => {
    const t = csv("评论内容,情感\n很好,正面\n很差,负面\n");
    expect(guessMapping(t.headers, t.rows, "text-classification").mapping).toEqual({ kind: "text", text: "评论内容", label: "情感" });
  });

  it("guesses from content when there is no header: short repeated values are the label", () => {
    const t = csv("positive,I love this phone so much\nnegative,It broke after one day\npositive,Best purchase this year\n");
    expect(t.hasHeader).toBe(false);
    expect(guessMapping(t.headers, t.rows, "text-classification")).toEqual({
      mapping: { kind: "text", text: "Column 2", label: "Column 1" },
      matchedBy: { label: "content", text: "content" },
    });
  });

  it("adds the reply column for the intent chatbot, by name or because it is constant per intent", () => {
    const named = csv("utterance,intent,bot reply\nhi,greet,Hello!\nbye,bye,Goodbye!\n");
    expect(guessMapping(named.headers, named.rows, "intent-chatbot").mapping).toEqual({
      kind: "text",
      text: "utterance",
      label: "intent",
      reply: "bot reply",
    });
    const unnamed = csv("utterance,intent,x\nhi,greet,Hello there!\nhello,greet,Hello there!\nbye,bye,Goodbye!\nsee you,bye,Goodbye!\n");
    expect(guessMapping(unnamed.headers, unnamed.rows, "intent-chatbot")).toMatchObject({
      mapping: { reply: "x" },
      matchedBy: { reply: "content" },
    });
    // text-classification never gets a reply
    expect(guessMapping(named.headers, named.rows, "text-classification").mapping).not.toHaveProperty("reply");
  });

  it("maps FAQ question, answer and paraphrase columns", () => {
    const t = csv("标准问题,答案,相似问法1,相似问法2,备注\n几点开门,九点,什么时候开门,营业时间,x\n");
    expect(guessMapping(t.headers, t.rows, "faq-retrieval").mapping).toEqual({
      kind: "faq",
      question: "标准问题",
      answer: "答案",
      paraphrases: ["相似问法1", "相似问法2"],
    });
  });

  it("picks a named target for tabular data, else the last column, and leaves identifiers out of the features", () => {
    const rows = Array.from({ length: 12 }, (_, i) => `C${i},${20 + i},${i % 2 ? "yes" : "no"},${i % 3 ? "a" : "b"}`).join("\n");
    const named = csv(`customer_id,age,churn,plan\n${rows}\n`);
    expect(guessMapping(named.headers, named.rows, "tabular-prediction")).toEqual({
      mapping: { kind: "tabular", target: "churn", features: ["age", "plan"] },
      matchedBy: { target: "name" },
    });
    const unnamed = csv(`customer_id,age,plan,outcome2\n${rows}\n`);
    expect(guessMapping(unnamed.headers, unnamed.rows, "tabular-prediction").mapping).toMatchObject({ target: "outcome2" });
  });

  it("maps ratings columns, and leaves rating out when there is none", () => {
    const t = csv("用户,电影,评分\nu1,Alien,5\n");
    expect(guessMapping(t.headers, t.rows, "recommendation").mapping).toEqual({
      kind: "ratings",
      user: "用户",
      item: "电影",
      rating: "评分",
    });
    const implicit = csv("customer,product\nu1,p1\nu2,p1\n");
    expect(guessMapping(implicit.headers, implicit.rows, "recommendation").mapping).toEqual({
      kind: "ratings",
      user: "customer",
      item: "product",
    });
  });

  it("maps image-tagging CSVs and returns null for scenes without tables", () => {
    const t = csv("file,tags\na.png,red;circle\n");
    expect(guessMapping(t.headers, t.rows, "image-tagging").mapping).toEqual({ kind: "image-tags", file: "file", tags: "tags" });
    expect(guessMapping(t.headers, t.rows, "voice-commands").mapping).toBeNull();
    expect(guessMapping(t.headers, t.rows, "no-such-scene").mapping).toBeNull();
    expect(guessMapping(["only"], [["x"]], "text-classification").mapping).toBeNull();
  });
});

describe("validateMapping", () => {
  it("reports unknown columns, missing roles and a column used twice", () => {
    const t = csv("text,label\nhi,greet\n");
    expect(validateMapping(t, { kind: "text", text: "text", label: "category" })).toEqual([
      { code: "mapping-unknown-column", severity: "error", column: "category", params: { role: "label" } },
    ]);
    expect(validateMapping(t, { kind: "text", text: "text", label: "" })).toEqual([
      { code: "mapping-missing-column", severity: "error", params: { role: "label" } },
    ]);
    expect(validateMapping(t, { kind: "text", text: "text", label: "text" })).toEqual([
      { code: "mapping-same-column", severity: "error", column: "text", params: { role: "label", otherRole: "text" } },
    ]);
  });
});

describe("applyMapping: text", () => {
  it("keeps good rows and reports a missing label with the row number the user sees", () => {
    const t = csv("text,label\nGreat,positive\n\nAwful,\n,neutral\nFine,neutral\n");
    const r = applyMapping(t, { kind: "text", text: "text", label: "label" });
    if (!r.ok) throw new Error("failed");
    expect(r.value.samples).toEqual([
      { text: "Great", label: "positive", row: 2 },
      { text: "Fine", label: "neutral", row: 6 },
    ]);
    expect(r.value.labels).toEqual(["positive", "neutral"]);
    expect(r.issues).toEqual([
      { code: "label-empty", severity: "error", row: 4, column: "label", params: {} },
      { code: "text-empty", severity: "error", row: 5, column: "text", params: {} },
    ]);
  });

  it("fails as a whole when the mapping names a column the file does not have", () => {
    const r = applyMapping(csv("text,label\nhi,greet\n"), { kind: "text", text: "text", label: "intent" });
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([{ code: "mapping-unknown-column", severity: "error", column: "intent", params: { role: "label" } }]);
  });

  it("merges label spellings that differ only in case or spaces, warning once per variant", () => {
    const r = applyMapping(csv("text,label\na,Positive\nb,positive\nc,positive\nd, POSITIVE \ne,negative\n"), {
      kind: "text",
      text: "text",
      label: "label",
    });
    if (!r.ok) throw new Error("failed");
    expect(new Set(r.value.samples.map((s) => s.label))).toEqual(new Set(["Positive", "negative"]));
    expect(r.issues.map((i) => [i.code, i.row, i.params.variant])).toEqual([
      ["label-spelling-merged", 3, "positive"],
      ["label-spelling-merged", 5, "POSITIVE"],
    ]);
  });

  it("rejects texts and labels over the limits, showing the limit", () => {
    const r = applyMapping(csv("text,label\nabcdef,x\nok,a-very-long-label\nfine,y\n"), { kind: "text", text: "text", label: "label" }, {
      limits: { maxTextChars: 5, maxLabelChars: 10 },
    });
    expect(r.ok && r.value.samples.map((s) => s.row)).toEqual([4]);
    expect(r.issues).toEqual([
      { code: "text-too-long", severity: "error", row: 2, column: "text", params: { length: 6, limit: 5 } },
      { code: "label-too-long", severity: "error", row: 3, column: "label", params: { length: 17, limit: 10 } },
    ]);
  });

  it("fails when there are more classes than allowed", () => {
    const r = applyMapping(csv("text,label\na,1\nb,2\nc,3\n"), { kind: "text", text: "text", label: "label" }, { limits: { maxClasses: 2 } });
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ code: "too-many-classes", params: { count: 3, limit: 2 } });
  });

  it("collects replies per intent and warns about an intent without one", () => {
    const t = csv("utterance,intent,reply\nhi,greet,Hello!\n你好,greet,您好！\nhello,greet,Hello!\nbye,bye,\n");
    const r = applyMapping(t, { kind: "text", text: "utterance", label: "intent", reply: "reply" });
    if (!r.ok) throw new Error("failed");
    expect(r.value.replies).toEqual({ greet: ["Hello!", "您好！"], bye: [] });
    expect(r.issues).toEqual([{ code: "intent-without-reply", severity: "warning", column: "reply", params: { label: "bye" } }]);
  });
});

describe("applyMapping: faq", () => {
  it("gathers paraphrases from several columns and from |-separated cells", () => {
    const t = csv(
      "question,answer,paraphrase 1,paraphrase 2\n" +
        "When do you open?,At nine.,What time do you open? | Opening hours?,when do you open?\n" +
        "几点关门？,晚上九点。,几点下班｜关门时间,\n" +
        ",No question,,\n" +
        "Where?,,,\n" +
        "When do you open?,9am,,\n",
    );
    const r = applyMapping(t, { kind: "faq", question: "question", answer: "answer", paraphrases: ["paraphrase 1", "paraphrase 2"] });
    if (!r.ok) throw new Error("failed");
    expect(r.value.samples.slice(0, 2)).toEqual([
      { question: "When do you open?", answer: "At nine.", paraphrases: ["What time do you open?", "Opening hours?"], row: 2 },
      { question: "几点关门？", answer: "晚上九点。", paraphrases: ["几点下班", "关门时间"], row: 3 },
    ]);
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([
      ["question-empty", 4],
      ["answer-empty", 5],
      ["duplicate-question", 6],
    ]);
    expect(r.issues[2].params).toEqual({ firstRow: 2 });
  });

  it("splits paraphrase cells on | ｜ and line breaks", () => {
    expect(splitParaphrases(" a | b｜c\nd || ")).toEqual(["a", "b", "c", "d"]);
  });
});

describe("applyMapping: tabular", () => {
  const rows = [
    "age,plan,signup,fee,churn",
    "34,basic,2023-01-05,20,yes",
    "51,premium,2022/11/30,45.5,no",
    "NA,basic,2024-02-01,unknown,no",
    "28,premium,2021-06-15,40,",
    ...Array.from({ length: 30 }, (_, i) => `${20 + i},${i % 2 ? "basic" : "premium"},2023-03-${String((i % 28) + 1).padStart(2, "0")},${10 + i},${i % 3 ? "yes" : "no"}`),
  ].join("\n");

  it("types the columns, converts values and reports empty targets and unreadable numbers", () => {
    const r = applyMapping(csv(rows), { kind: "tabular", target: "churn" });
    if (!r.ok) throw new Error("failed");
    const v = r.value;
    expect(v.task).toBe("classification");
    expect(v.classes).toEqual(["yes", "no"]);
    expect(v.features).toEqual(["age", "plan", "signup", "fee"]);
    expect(v.columns.map((c) => [c.name, c.type])).toEqual([
      ["age", "number"],
      ["plan", "category"],
      ["signup", "date"],
      ["fee", "number"],
      ["churn", "category"],
    ]);
    expect(v.samples[0]).toEqual({ values: { age: 34, plan: "basic", signup: "2023-01-05", fee: 20 }, target: "yes", row: 2 });
    expect(v.samples[2].values).toEqual({ age: null, plan: "basic", signup: "2024-02-01", fee: null });
    expect(v.samples).toHaveLength(33);
    expect(r.issues).toEqual([
      { code: "target-empty", severity: "error", row: 5, column: "churn", params: {} },
      {
        code: "column-values-not-numbers",
        severity: "warning",
        row: 4,
        column: "fee",
        params: { count: 1, example: "unknown", type: "number" },
      },
    ]);
  });

  it("chooses regression for a numeric target with many values, and reports non-numbers", () => {
    const lines = ["size,price", ...Array.from({ length: 20 }, (_, i) => `${50 + i},${1000 + i * 17.5}`), "70,ask me"];
    const r = applyMapping(csv(lines.join("\n")), { kind: "tabular", target: "price" });
    if (!r.ok) throw new Error("failed");
    expect(r.value.task).toBe("regression");
    expect(r.value.samples[1]).toEqual({ values: { size: 51 }, target: 1017.5, row: 3 });
    expect(r.issues).toEqual([{ code: "target-not-number", severity: "error", row: 22, column: "price", params: { value: "ask me" } }]);
  });

  it("treats a 0/1 target as classes unless the user asks for regression", () => {
    const t = csv("x,y\n1,0\n2,1\n3,0\n");
    const r = applyMapping(t, { kind: "tabular", target: "y" });
    expect(r.ok && r.value.task).toBe("classification");
    const forced = applyMapping(t, { kind: "tabular", target: "y", task: "regression" });
    expect(forced.ok && forced.value.samples[1].target).toBe(1);
  });

  it("rejects unknown feature columns", () => {
    const r = applyMapping(csv("x,y\n1,0\n"), { kind: "tabular", target: "y", features: ["x", "z"] });
    expect(r.issues).toEqual([{ code: "mapping-unknown-column", severity: "error", column: "z", params: { role: "feature" } }]);
  });
});

describe("applyMapping: ratings", () => {
  it("reads ratings, keeps the later of duplicate pairs and rejects bad rows", () => {
    const t = csv("user,item,rating\nu1,Alien,5\nu1,Heat,3\n,Heat,4\nu2,,4\nu2,Heat,great\nu1,Alien,4\n");
    const r = applyMapping(t, { kind: "ratings", user: "user", item: "item", rating: "rating" });
    if (!r.ok) throw new Error("failed");
    expect(r.value.samples).toEqual([
      { user: "u1", item: "Heat", rating: 3, row: 3 },
      { user: "u1", item: "Alien", rating: 4, row: 7 },
    ]);
    expect(r.value).toMatchObject({ users: ["u1"], items: ["Heat", "Alien"], implicit: false, minRating: 3, maxRating: 4 });
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([
      ["user-empty", 4],
      ["item-empty", 5],
      ["rating-not-number", 6],
      ["duplicate-rating", 7],
    ]);
  });

  it("counts every pair as 1 without a rating column (implicit feedback)", () => {
    const r = applyMapping(csv("user,item\nu1,a\nu2,a\n"), { kind: "ratings", user: "user", item: "item" });
    expect(r.ok && r.value).toMatchObject({ implicit: true, samples: [{ rating: 1 }, { rating: 1 }] });
  });
});

describe("applyMapping: image tags", () => {
  it("splits tags on , ; | and Chinese marks", () => {
    expect(splitTags("outdoor, people;night|户外，人物、夜晚")).toEqual(["outdoor", "people", "night", "户外", "人物", "夜晚"]);
    const r = applyMapping(csv("file,tags\na.png,red;circle\nb.png,\n,blue\n"), { kind: "image-tags", file: "file", tags: "tags" });
    expect(r.ok && r.value.samples).toEqual([{ fileName: "a.png", tags: ["red", "circle"], row: 2 }]);
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([
      ["tags-empty", 3],
      ["file-name-empty", 4],
    ]);
  });
});
