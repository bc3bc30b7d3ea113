import { describe, expect, it } from "vitest";
import { db } from "./db";
import { insertSamples, newRowIds } from "./bulk-insert";

async function newDataset() {
  const user = await db.user.create({ data: { email: `bulk-${Date.now()}-${Math.random()}@example.test`, passwordHash: "x" } });
  const project = await db.project.create({ data: { ownerId: user.id, name: "bulk", scene: "text-classification", modelType: "tfidf" } });
  return db.dataset.create({ data: { projectId: project.id, kind: "text" } });
}

describe("bulk insert of dataset rows", () => {
  it("ids are unique, ascending in the given order, and shaped like Prisma's", () => {
    const a = newRowIds(5000);
    expect(new Set(a).size).toBe(5000);
    expect([...a].sort()).toEqual(a);
    for (const id of a.slice(0, 3)) expect(id).toMatch(/^c[0-9a-z]{24,}$/);
    // two imports in the same millisecond still never share an id
    const t = Date.now();
    const b = newRowIds(100, t);
    const c = newRowIds(100, t);
    expect(b.filter((id) => c.includes(id))).toEqual([]);
  });

  it("rows read back through Prisma exactly as written, in the file's order, over many statements", async () => {
    const ds = await newDataset();
    const big = "x".repeat(100_000);
    const rows = Array.from({ length: 1_234 }, (_, i) => ({
      text: i === 7 ? big : `sample ${i} 中文 ✓ "quoted" 'single' \\ back`,
      label: i % 3 === 0 ? null : `label-${i % 5}`,
      data: i % 2 ? JSON.stringify({ values: [i, "a,b"], target: i }) : null,
      fileName: i === 9 ? "名字.csv" : null,
    }));
    const before = Date.now();
    await db.$transaction((tx) => insertSamples(tx, ds.id, rows, "upload"));
    const back = await db.sample.findMany({ where: { datasetId: ds.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(back.map((s) => ({ text: s.text, label: s.label, data: s.data, fileName: s.fileName }))).toEqual(
      rows.map((r) => ({ text: r.text, label: r.label, data: r.data, fileName: r.fileName })),
    );
    for (const s of back) {
      expect(s.source).toBe("upload");
      expect(s.blobId).toBeNull();
      expect(s.createdAt).toBeInstanceOf(Date);
      expect(Math.abs(s.createdAt.getTime() - before)).toBeLessThan(60_000);
      expect(s.updatedAt.getTime()).toBe(s.createdAt.getTime());
    }
    // Prisma's own filters and counts see them like rows it wrote itself
    expect(await db.sample.count({ where: { datasetId: ds.id, label: "label-1" } })).toBe(rows.filter((r) => r.label === "label-1").length);
    expect(await db.sample.count({ where: { datasetId: ds.id, createdAt: { gte: new Date(before - 1000) } } })).toBe(rows.length);
  });

  it("a failure later in the transaction leaves no row behind", async () => {
    const ds = await newDataset();
    const rows = Array.from({ length: 1_500 }, (_, i) => ({ text: `t${i}`, label: "a" }));
    await expect(
      db.$transaction(async (tx) => {
        await insertSamples(tx, ds.id, rows, "upload");
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    expect(await db.sample.count({ where: { datasetId: ds.id } })).toBe(0);
  });
});
