import fs from "node:fs";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { formatIssue } from "./messages";
import { readTaggedImageZip } from "./tagged-zip";

const dir = path.join(process.cwd(), "public", "samples", "image-tagging");
const png = (name: string) => new Uint8Array(fs.readFileSync(path.join(dir, name)));

describe("readTaggedImageZip", () => {
  it("reads the committed multi-label sample with every tag", async () => {
    const r = await readTaggedImageZip(new Uint8Array(fs.readFileSync(path.join(dir, "sample.zip"))));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.entries).toHaveLength(30);
    expect(r.value.tags).toEqual(expect.arrayContaining(["red", "circle", "small"]));
    expect(r.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(r.value.entries[0].tags.length).toBeGreaterThan(1);
  });

  it("reports a row whose picture is missing and a picture without a row, and keeps the rest", async () => {
    const zip = zipSync({
      "set/tags.csv": strToU8("file,tags\nimg-01.png,red;circle\nghost.png,blue\n"),
      "set/img-01.png": png("img-01.png"),
      "set/img-02.png": png("img-02.png"),
    });
    const r = await readTaggedImageZip(zip, { fileName: "set.zip" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.entries.map((e) => [e.fileName, e.tags])).toEqual([["img-01.png", ["red", "circle"]]]);
    const messages = r.issues.map((i) => formatIssue(i, "en"));
    expect(messages.join("\n")).toMatch(/ghost\.png/);
    expect(messages.join("\n")).toMatch(/img-02\.png/);
  });

  it("refuses an archive without a tags table with a message that says what to add", async () => {
    const r = await readTaggedImageZip(zipSync({ "a/img-01.png": png("img-01.png") }), { fileName: "x.zip" });
    expect(r.ok).toBe(false);
    expect(formatIssue(r.issues[0], "en")).toMatch(/tags table/);
    expect(formatIssue(r.issues[0], "zh-CN")).toMatch(/标签表/);
  });
});
