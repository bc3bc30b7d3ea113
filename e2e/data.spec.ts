import path from "node:path";
import { createProjectApi, createUser, expect, test } from "./fixtures";

const SAMPLES = path.join(process.cwd(), "public", "samples");

// Every test works as a fresh, signed-in user.
test.beforeEach(async ({ page }) => {
  await createUser(page.request);
});

test("upload a CSV, map its columns, fix a label and see the counts update; it survives a reload", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Reviews data", scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] });
  await page.goto(`/projects/${project.id}/data`);
  await expect(page.getByText("No examples yet.")).toBeVisible();

  await page.getByTestId("file-input").setInputFiles({
    name: "reviews.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("comment,sentiment\r\nLove it,pos\r\nGreat value,pos\r\nBroke after a day,neg\r\n\"Terrible, do not buy\",pos\r\nAwful,neg\r\n,neg\r\n"),
  });
  const mapping = page.getByTestId("mapping-step");
  await expect(mapping).toContainText("reviews.csv: 6 rows found");
  await expect(mapping.getByLabel("Text column")).toHaveValue("comment");
  await expect(mapping.getByLabel("Label column")).toHaveValue("sentiment");
  await expect(page.getByTestId("preview-table")).toContainText("Terrible, do not buy");
  await mapping.getByRole("button", { name: "Import 6 rows" }).click();

  await expect(page.getByTestId("data-notice")).toHaveText("5 examples added.");
  await expect(page.getByTestId("upload-report")).toContainText("Row 7");
  const chart = page.getByTestId("label-chart");
  await expect(chart.getByTestId("label-bar").filter({ hasText: "pos" }).getByTestId("label-count")).toHaveText("3");
  await expect(chart.getByTestId("label-bar").filter({ hasText: "neg" }).getByTestId("label-count")).toHaveText("2");

  // Fix the wrong label in place.
  const row = page.getByTestId("sample-row").filter({ hasText: "Terrible, do not buy" });
  await row.getByRole("button", { name: /Change label/ }).click();
  const input = row.getByRole("combobox");
  await input.fill("neg");
  await input.press("Enter");
  await expect(page.getByTestId("data-notice")).toHaveText("Label saved.");
  await expect(chart.getByTestId("label-bar").filter({ hasText: "neg" }).getByTestId("label-count")).toHaveText("3");
  await expect(chart.getByTestId("label-bar").filter({ hasText: "pos" }).getByTestId("label-count")).toHaveText("2");

  await page.reload();
  await expect(page.getByTestId("dataset-total")).toContainText("5 examples · version 2");
  await expect(page.getByTestId("sample-row").filter({ hasText: "Terrible, do not buy" })).toContainText("neg");

  // The dashboard now says the data is ready.
  await page.goto("/projects");
  await expect(page.getByTestId("project-row").filter({ hasText: "Reviews data" }).getByTestId("project-status")).toHaveText(/Data ready/);
});

test("a long cell is cut in the mapping preview, which says so, and imported whole; a 1.5 MB line is refused naming its row", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Long cells", scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] });
  await page.goto(`/projects/${project.id}/data`);
  // (the e2e server takes files up to 2 MB: STUDIO_MAX_UPLOAD_BYTES in playwright.config.ts)
  const long = `A long review ${"with many words ".repeat(60)}the end`;
  await page.getByTestId("file-input").setInputFiles({
    name: "long.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`text,label\nshort one,pos\n"${long}",neg\n${"x".repeat(1.5 * 1024 * 1024)},neg\nlast one,pos\n`),
  });
  const mapping = page.getByTestId("mapping-step");
  await expect(mapping).toContainText("long.csv: 3 rows found");
  await expect(page.getByTestId("preview-cut")).toHaveText("Long cells are shortened in this preview; the whole text is imported.");
  await expect(page.getByTestId("preview-table")).toContainText(`${long.slice(0, 199)}…`);
  await expect(page.getByTestId("preview-table")).not.toContainText("the end");
  await expect(mapping).toContainText("“long.csv”, row 4: the text has 1,572,864 characters, more than the 10,000 limit");
  await mapping.getByRole("button", { name: "Import 3 rows" }).click();
  await expect(page.getByTestId("data-notice")).toHaveText("3 examples added.");
  const samples = await (await page.request.get(`/api/projects/${project.id}/samples`)).json();
  expect(samples.samples.map((s: { text: string }) => s.text)).toContain(long);
});

test("upload a ZIP of image folders, see thumbnails per class, move one; another user sees nothing", async ({ page, browser }) => {
  const project = await createProjectApi(page.request, { name: "Shapes", scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["buttons"] });
  await page.goto(`/projects/${project.id}/data`);
  await page.getByTestId("file-input").setInputFiles(path.join(SAMPLES, "image-recognition", "sample.zip"));
  await expect(page.getByTestId("data-notice")).toHaveText("60 examples added.");
  const groups = page.getByTestId("class-group");
  await expect(groups).toHaveCount(3);
  for (const name of ["circle", "square", "triangle"]) {
    const group = groups.filter({ has: page.getByRole("heading", { name: new RegExp(`^${name}`) }) });
    await expect(group.getByTestId("thumbnail")).toHaveCount(20);
  }
  // Thumbnails really load (the blob route serves them to the owner).
  const firstThumb = page.getByTestId("thumbnail").first();
  await expect.poll(() => firstThumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  const src = await firstThumb.getAttribute("src");

  // Move one picture to another class.
  const circle = groups.filter({ has: page.getByRole("heading", { name: /^circle/ }) });
  await circle.locator("label").first().click();
  await page.getByTestId("selection-bar").getByLabel("Move to").selectOption("square");
  await page.getByTestId("selection-bar").getByRole("button", { name: "Move" }).click();
  await expect(page.getByTestId("data-notice")).toHaveText("1 example moved to “square”.");
  await expect(groups.filter({ has: page.getByRole("heading", { name: /^square/ }) }).getByTestId("thumbnail")).toHaveCount(21);

  await page.reload();
  await expect(groups.filter({ has: page.getByRole("heading", { name: /^circle/ }) }).getByTestId("thumbnail")).toHaveCount(19);

  const other = await browser.newContext();
  const res = await other.request.post("/api/auth/signup", { data: { email: `eve-${Date.now()}@example.test`, password: "eve-pass-123" } });
  expect(res.status()).toBe(201);
  expect((await other.request.get(src!)).status()).toBe(404);
  expect((await other.request.get(`/api/projects/${project.id}/dataset`)).status()).toBe(404);
  expect((await other.request.get(`/api/projects/${project.id}/samples`)).status()).toBe(404);
  expect((await other.request.get(`/api/projects/${project.id}/dataset/export`)).status()).toBe(404);
  await other.close();
});

test("a file over the limit is refused with a message that names the limit", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Too big", scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] });
  await page.goto(`/projects/${project.id}/data`);
  const big = Buffer.from(`text,label\n${"this line makes the file large,a\n".repeat(80_000)}`);
  await page.getByTestId("file-input").setInputFiles({ name: "huge.csv", mimeType: "text/csv", buffer: big });
  await expect(page.getByTestId("upload-report")).toContainText("huge.csv: This file is too large. The limit is 2 MB per file.");
  await expect(page.getByTestId("mapping-step")).toHaveCount(0);
  await expect(page.getByText("No examples yet.")).toBeVisible();
});

test("the sample dataset loads in one click and the language switch reaches the data tab", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Bot", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat"] });
  await page.goto(`/projects/${project.id}/data`);
  await page.getByTestId("load-sample").click();
  await expect(page.getByTestId("data-notice")).toContainText("examples added.");
  await expect(page.getByTestId("label-bar")).toHaveCount(9);
  await page.getByTestId("language-switcher").selectOption("zh-CN");
  await expect(page.getByText("各标签的样本数")).toBeVisible();
  await expect(page.getByRole("button", { name: "加载示例数据集" })).toBeVisible();
});
