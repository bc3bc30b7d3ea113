import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BOOKS, GENERATED_SAMPLES } from "../../scripts/generate-samples";
import { SCENES, getScene } from "../scenes";
import { DATA_FORMATS } from "./formats";
import { guessMapping, mappingKindForScene } from "./mapping";
import { analyzeDataset, analyzeEntityDataset } from "./quality";
import { type ParsedSample, SAMPLE_DATASETS, getSampleDataset, parseSampleDataset } from "./samples";

const publicDir = path.resolve(__dirname, "../../public");
const read = (urlPath: string) => new Uint8Array(fs.readFileSync(path.join(publicDir, urlPath)));

async function load(sceneId: string): Promise<ParsedSample> {
  const sample = getSampleDataset(sceneId);
  if (!sample) throw new Error(`no sample for ${sceneId}`);
  const r = await parseSampleDataset(sample, read(sample.path));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

describe("sample dataset registry", () => {
  it("registers every scene, each with a format its scene accepts", () => {
    expect(SAMPLE_DATASETS.map((s) => s.sceneId).sort()).toEqual([
      "entity-extraction",
      "faq-retrieval",
      "image-recognition",
      "image-tagging",
      "intent-chatbot",
      "recommendation",
      "tabular-prediction",
      "text-classification",
      "voice-commands",
    ]);
    for (const s of SAMPLE_DATASETS) {
      const scene = getScene(s.sceneId);
      expect(scene, s.sceneId).toBeDefined();
      expect(scene!.dataFormats, s.sceneId).toContain(s.format);
      expect(s.path.startsWith(`/samples/${s.sceneId}/`)).toBe(true);
      expect(fs.existsSync(path.join(publicDir, s.path)), s.path).toBe(true);
      if (s.kind === "table") expect(s.mapping.kind).toBe(mappingKindForScene(scene!));
      expect(s.description.en.length).toBeGreaterThan(20);
      expect(s.description["zh-CN"].length).toBeGreaterThan(10);
    }
  });

  it.each(SAMPLE_DATASETS.map((s) => [s.sceneId, s] as const))("%s parses with no issues at all", async (_, sample) => {
    const r = await parseSampleDataset(sample, read(sample.path));
    expect(r.issues).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it.each(SAMPLE_DATASETS.filter((s) => s.kind === "table").map((s) => [s.sceneId, s] as const))(
    "%s: guessMapping finds the registered mapping",
    async (sceneId, sample) => {
      const parsed = await load(sceneId);
      if (parsed.kind !== "table" || sample.kind !== "table") throw new Error("not a table");
      expect(guessMapping(parsed.table.headers, parsed.table.rows, sceneId).mapping).toEqual(sample.mapping);
    },
  );

  it("describes every data format the scenes use", () => {
    for (const scene of SCENES) for (const f of scene.dataFormats) expect(DATA_FORMATS[f].id).toBe(f);
  });
});

describe("sample dataset content", () => {
  it("text-classification: ~90 English and Chinese reviews, three balanced classes, trainable", async () => {
    const p = await load("text-classification");
    if (p.kind !== "table" || p.dataset.kind !== "text") throw new Error("kind");
    expect(p.dataset.samples.length).toBeGreaterThanOrEqual(85);
    expect(p.dataset.samples.some((s) => /[\u4e00-\u9fff]/.test(s.text))).toBe(true);
    expect(p.dataset.samples.some((s) => /^[\x20-\x7e]+$/.test(s.text))).toBe(true);
    const report = analyzeDataset(p.dataset.samples);
    expect(report.classes.map((c) => c.label).sort()).toEqual(["negative", "neutral", "positive"]);
    expect(report.issues).toEqual([]);
  });

  it("intent-chatbot: 8–10 intents, 10+ utterances each, a reply in both languages per intent", async () => {
    const p = await load("intent-chatbot");
    if (p.kind !== "table" || p.dataset.kind !== "text") throw new Error("kind");
    const report = analyzeDataset(p.dataset.samples);
    expect(report.classes.length).toBeGreaterThanOrEqual(8);
    expect(report.classes.length).toBeLessThanOrEqual(10);
    expect(report.classes.every((c) => c.count >= 10 && c.count <= 12)).toBe(true);
    expect(report.issues).toEqual([]);
    for (const label of p.dataset.labels) {
      const replies = p.dataset.replies[label];
      expect(replies, label).toHaveLength(2);
      expect(replies.some((r) => /[\u4e00-\u9fff]/.test(r)), label).toBe(true);
    }
  });

  it("faq-retrieval: 15 pairs with 2–3 paraphrases each", async () => {
    const p = await load("faq-retrieval");
    if (p.kind !== "table" || p.dataset.kind !== "faq") throw new Error("kind");
    expect(p.dataset.samples).toHaveLength(15);
    expect(p.dataset.samples.every((s) => s.paraphrases.length >= 2 && s.paraphrases.length <= 3)).toBe(true);
  });

  it("entity-extraction: 40 sentences covering CITY, DATE, TIME, PERSON and PRODUCT", async () => {
    const p = await load("entity-extraction");
    if (p.kind !== "entities") throw new Error("kind");
    expect(p.samples).toHaveLength(40);
    const report = analyzeEntityDataset(p.samples);
    expect(report.types.map((t) => t.label).sort()).toEqual(["CITY", "DATE", "PERSON", "PRODUCT", "TIME"]);
    expect(report.issues).toEqual([]);
  });

  it("tabular-prediction: 200 customers, typed columns, churn depends on the contract", async () => {
    const p = await load("tabular-prediction");
    if (p.kind !== "table" || p.dataset.kind !== "tabular") throw new Error("kind");
    const d = p.dataset;
    expect(d.samples).toHaveLength(200);
    expect(d.task).toBe("classification");
    expect(Object.fromEntries(d.columns.map((c) => [c.name, c.type]))).toEqual({
      customer_id: "category",
      signup_date: "date",
      age: "number",
      tenure_months: "number",
      contract: "category",
      internet: "category",
      monthly_fee: "number",
      support_calls: "number",
      payment_method: "category",
      has_app: "category",
      churned: "category",
    });
    expect(d.columns[0].idLike).toBe(true);
    const rate = (contract: string) => {
      const group = d.samples.filter((s) => s.values.contract === contract);
      return group.filter((s) => s.target === "yes").length / group.length;
    };
    expect(rate("month-to-month") - rate("two-year")).toBeGreaterThan(0.3);
    expect(analyzeDataset(d.samples.map((s) => ({ label: String(s.target) }))).issues).toEqual([]);
  });

  it("recommendation: 30 users × 20 items whose ratings follow genre taste", async () => {
    const p = await load("recommendation");
    if (p.kind !== "table" || p.dataset.kind !== "ratings") throw new Error("kind");
    const d = p.dataset;
    expect(d.users).toHaveLength(30);
    expect(d.items).toHaveLength(20);
    expect([d.minRating, d.maxRating]).toEqual([1, 5]);
    // a reader's favourite and least favourite genre differ clearly
    const genreOf = (item: string) => BOOKS.find(([title]) => title === item)![1];
    let spread = 0;
    for (const u of d.users) {
      const byGenre = new Map<string, number[]>();
      for (const s of d.samples.filter((x) => x.user === u)) byGenre.set(genreOf(s.item), [...(byGenre.get(genreOf(s.item)) ?? []), s.rating]);
      const means = [...byGenre.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
      spread += Math.max(...means) - Math.min(...means);
    }
    expect(spread / d.users.length).toBeGreaterThan(2);
  });

  it("the generated CSVs match their generator (regenerate with: npx tsx scripts/generate-samples.ts)", () => {
    for (const [rel, make] of Object.entries(GENERATED_SAMPLES)) {
      expect(fs.readFileSync(path.join(publicDir, "samples", rel), "utf8"), rel).toBe(make());
    }
  });
});
