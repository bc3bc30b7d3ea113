import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseEntities } from "@/lib/data/entities";
import { toCsv } from "@/lib/data/export";
import { applyMapping, type ColumnMapping } from "@/lib/data/mapping";
import { parseTable } from "@/lib/data/parse-table";
import {
  codePointOffset,
  datasetReport,
  emptyMeta,
  exportRows,
  fnv1a64Hex,
  labelProblem,
  mappedToRows,
  newLocalId,
  patchMetaFromMapped,
  sha256Hex,
  summarize,
  uploadBatches,
  type LocalMeta,
  type LocalSample,
  type NewLocalRow,
} from "./local-dataset-core";

let seq = 0;
function sample(row: NewLocalRow & { blobHash?: string }): LocalSample {
  seq++;
  return { id: `s${seq}`, projectId: "p", seq, label: row.label, text: row.text, data: row.data ?? null, fileName: row.fileName ?? null, source: "upload", blobHash: row.blobHash ?? null };
}

async function mapped(csv: string, mapping: ColumnMapping) {
  const t = await parseTable(csv, { fileName: "x.csv" });
  if (!t.ok) throw new Error(JSON.stringify(t.issues));
  const m = applyMapping(t.value, mapping);
  if (!m.ok) throw new Error(JSON.stringify(m.issues));
  return m.value;
}

describe("device-only rows are stored in the same shapes as server samples", () => {
  it("text, FAQ, tabular and ratings tables", async () => {
    const text = await mapped("text,label,reply\nhi there,greet,Hello!\nbye now,bye,See you\n", { kind: "text", text: "text", label: "label", reply: "reply" });
    expect(mappedToRows(text)).toEqual([
      { text: "hi there", label: "greet" },
      { text: "bye now", label: "bye" },
    ]);
    const meta = emptyMeta("p");
    patchMetaFromMapped(meta, text, { kind: "text", text: "text", label: "label", reply: "reply" });
    expect(meta.replies).toEqual({ greet: "Hello!", bye: "See you" });
    expect(meta.mapping).toMatchObject({ kind: "text" });

    const faq = await mapped("question,answer,alt\nWhen open?,9 to 5,Hours? | Opening time?\n", { kind: "faq", question: "question", answer: "answer", paraphrases: ["alt"] });
    expect(mappedToRows(faq)).toEqual([{ text: "When open?", label: null, data: { answer: "9 to 5", paraphrases: ["Hours?", "Opening time?"] } }]);

    const tab = await mapped("age,plan,churned\n30,basic,yes\n41,pro,no\n25,basic,yes\n", { kind: "tabular", target: "churned" });
    const tabRows = mappedToRows(tab);
    expect(tabRows[0]).toMatchObject({ text: null, label: "yes", data: { target: "yes" } });
    const tmeta = emptyMeta("p");
    patchMetaFromMapped(tmeta, tab);
    expect(tmeta.task).toBe("classification");
    expect(tmeta.columns?.map((c) => c.name)).toEqual(["age", "plan", "churned"]);

    const ratings = await mapped("user,item,rating\nu1,book,5\nu2,film,3\n", { kind: "ratings", user: "user", item: "item", rating: "rating" });
    expect(mappedToRows(ratings)[1]).toEqual({ text: null, label: null, data: { user: "u2", item: "film", rating: 3 } });
  });
});

describe("quality report of device data", () => {
  it("counts per class like the server, shows empty classes, and blocks training with one class", () => {
    const rows = [sample({ text: "a", label: "pos" }), sample({ text: "b", label: "pos" }), sample({ text: "c", label: "neg" })];
    const r = datasetReport("text", { labels: ["pos", "neg", "unused"] }, rows);
    expect(r.total).toBe(3);
    expect(r.classes).toEqual([
      { label: "pos", count: 2 },
      { label: "neg", count: 1 },
      { label: "unused", count: 0 },
    ]);
    expect(r.canTrain).toBe(true);
    expect(r.issues.map((i) => i.code)).toContain("class-too-small");

    const one = datasetReport("image", { labels: [] }, [sample({ text: null, label: "cat", fileName: "1.png" })]);
    expect(one.canTrain).toBe(false);
    expect(one.issues.map((i) => i.code)).toContain("single-class");

    const dup = datasetReport("text", { labels: [] }, [sample({ text: "Same", label: "a" }), sample({ text: "same", label: "b" })]);
    expect(dup.issues.map((i) => i.code)).toContain("conflicting-labels");
  });

  it("has no classes for FAQ, ratings and numeric targets; entity types for entities", () => {
    const faq = datasetReport("faq", { labels: [] }, [sample({ text: "q", label: null, data: { answer: "a" } })]);
    expect(faq).toMatchObject({ total: 1, classes: [], canTrain: false });
    const reg = datasetReport("tabular", { labels: [], task: "regression" }, [sample({ text: null, label: "3.5" }), sample({ text: null, label: "4" })]);
    expect(reg).toMatchObject({ total: 2, classes: [], canTrain: true });
    const ent = datasetReport("entities", { labels: [] }, [sample({ text: "Paris in May", label: null, data: { spans: [{ start: 0, end: 5, label: "CITY" }, { start: 9, end: 12, label: "DATE" }] } })]);
    expect(ent.classes).toEqual(expect.arrayContaining([{ label: "CITY", count: 1 }, { label: "DATE", count: 1 }]));
    expect(ent.canTrain).toBe(true);
  });
});

describe("the summary sent to the server", () => {
  it("holds only counts and a checksum, independent of storage order", async () => {
    const a = [sample({ text: "secret one", label: "pos" }), sample({ text: "secret two", label: "neg" })];
    const s1 = await summarize("text", { labels: ["pos", "neg", "later"] }, a);
    expect(Object.keys(s1).sort()).toEqual(["checksum", "labelCounts", "total"]);
    expect(s1).toMatchObject({ total: 2, labelCounts: { pos: 1, neg: 1, later: 0 } });
    expect(s1.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(s1)).not.toContain("secret");
    const s2 = await summarize("text", { labels: ["pos", "neg", "later"] }, [...a].reverse());
    expect(s2.checksum).toBe(s1.checksum);
    const changed = await summarize("text", { labels: ["pos", "neg"] }, [{ ...a[0], label: "neg" }, a[1]]);
    expect(changed.checksum).not.toBe(s1.checksum);
  });

  it("never sends numeric target values of a regression as 'labels'", async () => {
    const rows = [sample({ text: null, label: "123.5", data: { values: {}, target: 123.5 } }), sample({ text: null, label: "99", data: { values: {}, target: 99 } })];
    const s = await summarize("tabular", { labels: [], task: "regression" }, rows);
    expect(s.labelCounts).toEqual({});
    expect(s.total).toBe(2);
  });

  it("SHA-256 matches Node's; the fallback hash is FNV-1a 64", async () => {
    const bytes = new TextEncoder().encode("hello");
    expect(await sha256Hex(bytes)).toBe(createHash("sha256").update("hello").digest("hex"));
    expect(await sha256Hex("hello")).toBe(createHash("sha256").update("hello").digest("hex"));
    // Published FNV-1a 64 test vectors.
    expect(fnv1a64Hex(new Uint8Array())).toBe("cbf29ce484222325");
    expect(fnv1a64Hex(new TextEncoder().encode("a"))).toBe("af63dc4c8601ec8c");
    expect(fnv1a64Hex(new TextEncoder().encode("foobar"))).toBe("85944171f73967e8");
  });
});

describe("CSV export of device data", () => {
  it("writes the server's columns, formula-escaped", () => {
    const rows = [sample({ text: "=cmd()", label: "pos" }), sample({ text: "fine", label: "neg" })];
    const meta: LocalMeta = { ...emptyMeta("p"), replies: { pos: "Yay" } };
    expect(toCsv(exportRows("intent-chatbot", "text", meta, rows), { bom: false })).toBe("text,label,reply\r\n'=cmd(),pos,Yay\r\nfine,neg,\r\n");
    const media = [sample({ text: null, label: "cat", fileName: "1.png" })];
    expect(exportRows("image-recognition", "image", meta, media)).toEqual([["file", "label"], ["1.png", "cat"]]);
  });
});

describe("uploading device data when switching back to server storage", () => {
  async function roundTrip(sceneId: string, kind: "text" | "faq" | "tabular" | "ratings", meta: Partial<LocalMeta>, rows: LocalSample[]) {
    const batches = uploadBatches(sceneId, kind, { ...emptyMeta("p"), ...meta }, rows);
    const back: NewLocalRow[] = [];
    for (const b of batches) {
      const table = await parseTable(b.body, { fileName: b.fileName });
      expect(table.ok).toBe(true);
      if (!table.ok) continue;
      const m = applyMapping(table.value, b.mapping!);
      expect(m.ok && m.issues.filter((i) => i.severity === "error")).toEqual([]);
      if (m.ok) back.push(...mappedToRows(m.value));
    }
    return { batches, back };
  }

  it("text with tricky content survives the JSON Lines file and the server's own parser", async () => {
    const rows = [
      sample({ text: '-5 degrees, "quoted"\nsecond line', label: "weather" }),
      sample({ text: "=SUM(A1) 你好", label: "问候" }),
      sample({ text: "label: looks like pasted", label: "weather" }),
    ];
    const { back, batches } = await roundTrip("intent-chatbot", "text", { replies: { weather: "Sunny", 问候: "你好！" } }, rows);
    expect(batches[0].mapping).toEqual({ kind: "text", text: "text", label: "label", reply: "reply" });
    expect(back).toEqual(rows.map((r) => ({ text: r.text, label: r.label })));
  });

  it("FAQ paraphrases, tabular values and ratings come back the same", async () => {
    const faq = [sample({ text: "When?", label: null, data: { answer: "At 9", paraphrases: ["What time?", "Hours?"] } })];
    expect((await roundTrip("faq-retrieval", "faq", {}, faq)).back).toEqual([{ text: "When?", label: null, data: { answer: "At 9", paraphrases: ["What time?", "Hours?"] } }]);

    const tabMapping: ColumnMapping = { kind: "tabular", target: "churned", features: ["age", "plan"] };
    const tab = [
      sample({ text: null, label: "yes", data: { values: { age: 30, plan: "basic" }, target: "yes" } }),
      sample({ text: null, label: "no", data: { values: { age: null, plan: "pro" }, target: "no" } }),
    ];
    const t = await roundTrip("tabular-prediction", "tabular", { mapping: tabMapping, task: "classification" }, tab);
    expect(t.batches[0].mapping).toEqual({ kind: "tabular", target: "churned", features: ["age", "plan"], task: "classification" });
    expect(t.back.map((r) => r.label)).toEqual(["yes", "no"]);
    expect((t.back[0].data as { values: Record<string, unknown> }).values).toEqual({ age: 30, plan: "basic" });
    expect((t.back[1].data as { values: Record<string, unknown> }).values.age).toBeNull();

    const ratings = [sample({ text: null, label: null, data: { user: "u1", item: "b1", rating: 4 } })];
    expect((await roundTrip("recommendation", "ratings", {}, ratings)).back).toEqual([{ text: null, label: null, data: { user: "u1", item: "b1", rating: 4 } }]);
  });

  it("entities keep their spans, also after emoji and Chinese (offsets as code points)", () => {
    const text = "😀 Meet 李雷 in Paris";
    const start = text.indexOf("李雷");
    const paris = text.indexOf("Paris");
    const rows = [sample({ text, label: null, data: { spans: [{ start, end: start + 2, label: "PERSON" }, { start: paris, end: paris + 5, label: "CITY" }] } })];
    expect(codePointOffset(text, start)).toBe(start - 1);
    const [batch] = uploadBatches("entity-extraction", "entities", emptyMeta("p"), rows);
    expect(batch.mapping).toBeNull();
    const parsed = parseEntities(batch.body);
    expect(parsed.ok && parsed.value.map((s) => ({ text: s.text, spans: s.spans }))).toEqual([{ text, spans: rows[0].data!.spans }]);
  });

  it("splits large datasets into files under the size limit, each example in exactly one file", () => {
    const rows = Array.from({ length: 500 }, (_, i) => sample({ text: `example number ${i} `.repeat(10), label: i % 2 ? "a" : "b" }));
    const batches = uploadBatches("text-classification", "text", emptyMeta("p"), rows, 20_000);
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) expect(new TextEncoder().encode(b.body).byteLength).toBeLessThanOrEqual(20_000);
    expect(batches.flatMap((b) => b.ids)).toEqual(rows.map((r) => r.id));
    expect(uploadBatches("image-recognition", "image", emptyMeta("p"), rows)).toEqual([]);
  });
});

describe("small checks", () => {
  it("refuses empty and over-long class names like the server", () => {
    expect(labelProblem("  ", { maxLabelChars: 100 })).toBe("errors.classRequired");
    expect(labelProblem("x".repeat(101), { maxLabelChars: 100 })).toBe("errors.classTooLong");
    expect(labelProblem(" cat ", { maxLabelChars: 100 })).toBeNull();
  });

  it("makes distinct ids without Web Crypto", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newLocalId(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});
