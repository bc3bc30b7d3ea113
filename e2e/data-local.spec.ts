import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { createProjectApi, createUser, expect, test } from "./fixtures";

const CIRCLES = path.join(process.cwd(), "public", "samples", "image-recognition", "circle");
const SQUARES = path.join(process.cwd(), "public", "samples", "image-recognition", "square");

test.beforeEach(async ({ page }) => {
  await createUser(page.request);
});

/** Every request that could carry data to the server while `fn` runs (anything but GET). */
async function writesDuring(page: Page, fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (req: import("@playwright/test").Request) => {
    if (req.method() !== "GET" && new URL(req.url()).pathname.startsWith("/api/")) seen.push(`${req.method()} ${new URL(req.url()).pathname}`);
  };
  page.on("request", listener);
  try {
    await fn();
  } finally {
    page.off("request", listener);
  }
  return seen;
}

async function turnOnDeviceOnly(page: Page) {
  await page.getByTestId("device-only-toggle").click();
  const dialog = page.getByRole("dialog", { name: "Keep training data on this device only?" });
  await expect(dialog).toContainText("never uploaded");
  await dialog.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("data-notice")).toHaveText("Training data is now kept on this device only.");
  await expect(page.getByTestId("data-location")).toContainText("On this device only — not uploaded");
}

test("device-only text data: CSV mapping, counts, label fix and export in the browser; only counts reach the server", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Private reviews", scene: "text-classification", modelType: "ngram-bag", interfaces: ["chat"] });
  await page.goto(`/projects/${project.id}/data`);
  await expect(page.getByTestId("data-location")).toContainText("Stored on this server in your account");
  await turnOnDeviceOnly(page);

  const writes = await writesDuring(page, async () => {
    await page.getByTestId("file-input").setInputFiles({
      name: "reviews.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("comment,sentiment\r\nLove it,pos\r\nGreat value,pos\r\nBroke after a day,neg\r\n\"Terrible, do not buy\",pos\r\nAwful,neg\r\n,neg\r\n"),
    });
    const mapping = page.getByTestId("mapping-step");
    await expect(mapping).toContainText("reviews.csv: 6 rows found");
    await expect(mapping.getByLabel("Text column")).toHaveValue("comment");
    await expect(mapping.getByLabel("Label column")).toHaveValue("sentiment");
    await mapping.getByRole("button", { name: "Import 6 rows" }).click();
    await expect(page.getByTestId("data-notice")).toHaveText("5 examples added.");
    await expect(page.getByTestId("upload-report")).toContainText("Row 7");
    const chart = page.getByTestId("label-chart");
    await expect(chart.getByTestId("label-bar").filter({ hasText: "pos" }).getByTestId("label-count")).toHaveText("3");

    // Fix a label in place, on the device.
    const row = page.getByTestId("sample-row").filter({ hasText: "Terrible, do not buy" });
    await row.getByRole("button", { name: /Change label/ }).click();
    await row.getByRole("combobox").fill("neg");
    await row.getByRole("combobox").press("Enter");
    await expect(page.getByTestId("data-notice")).toHaveText("Label saved.");
    await expect(chart.getByTestId("label-bar").filter({ hasText: "neg" }).getByTestId("label-count")).toHaveText("3");
    await expect(page.getByTestId("dataset-issues")).toContainText("“pos” has only 2 examples");

    // Export works from the device too.
    const download = page.waitForEvent("download");
    await page.getByTestId("export-csv").click();
    const csv = fs.readFileSync((await (await download).path())!, "utf8");
    expect(csv).toContain("text,label");
    expect(csv).toContain('"Terrible, do not buy",neg');
  });
  // Nothing but counts left the browser: no upload, no import, no example edit.
  expect(writes.length).toBeGreaterThan(0);
  expect(writes.every((w) => w === `PUT /api/projects/${project.id}/dataset/local-summary`)).toBe(true);

  // Still there after a reload (IndexedDB), still on the device.
  await page.reload();
  await expect(page.getByTestId("data-location")).toContainText("On this device only — not uploaded");
  await expect(page.getByTestId("dataset-total")).toContainText("5 examples");
  await expect(page.getByTestId("sample-row").filter({ hasText: "Terrible, do not buy" })).toContainText("neg");

  // The server holds no example, only the summary.
  const samples = await (await page.request.get(`/api/projects/${project.id}/samples`)).json();
  expect(samples.total).toBe(0);
  const { dataset } = await (await page.request.get(`/api/projects/${project.id}/dataset`)).json();
  expect(dataset).toMatchObject({ localDataOnly: true, total: 5, canTrain: true });
  expect(dataset.classes).toEqual(expect.arrayContaining([{ label: "pos", count: 2 }, { label: "neg", count: 3 }]));
  expect(JSON.stringify(dataset)).not.toContain("Terrible");

  await page.goto("/projects");
  await expect(page.getByTestId("project-row").filter({ hasText: "Private reviews" }).getByTestId("project-status")).toHaveText(/Data ready/);

  // Switching back uploads the examples and empties the device store.
  await page.goto(`/projects/${project.id}/data`);
  await page.getByTestId("device-only-toggle").click();
  const dialog = page.getByRole("dialog", { name: "Store training data on the server again?" });
  await expect(dialog).toContainText("The 5 examples on this device will be uploaded");
  await dialog.getByRole("button", { name: "Upload and switch" }).click();
  await expect(page.getByTestId("data-notice")).toHaveText("Training data is now stored on the server.");
  await expect(page.getByTestId("data-location")).toContainText("Stored on this server in your account");
  await expect(page.getByTestId("dataset-total")).toContainText("5 examples");
  const after = await (await page.request.get(`/api/projects/${project.id}/samples`)).json();
  expect(after.total).toBe(5);
  expect(after.samples.find((s: { text: string }) => s.text === "Terrible, do not buy").label).toBe("neg");
  await expect(page.getByTestId("left-on-device")).toHaveCount(0);
});

test("device-only pictures: thumbnails from the device, move between classes, reload; server examples can be moved here", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Private shapes", scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["buttons"] });
  await page.goto(`/projects/${project.id}/data`);

  // Two pictures start on the server...
  await page.getByTestId("drop-class").fill("circle");
  await page.getByTestId("file-input").setInputFiles([path.join(CIRCLES, "circle-01.png"), path.join(CIRCLES, "circle-02.png")]);
  await expect(page.getByTestId("data-notice")).toHaveText("2 examples added.");

  // ...and move to the device when device-only storage is turned on.
  await page.getByTestId("device-only-toggle").click();
  const dialog = page.getByRole("dialog", { name: "Keep training data on this device only?" });
  await expect(dialog).toContainText("2 examples are already stored on the server");
  await dialog.getByRole("button", { name: "Move them to this device and delete them from the server" }).click();
  await expect(page.getByTestId("data-notice")).toHaveText("2 examples moved to this device.");
  await expect(page.getByTestId("data-location")).toContainText("On this device only — not uploaded");
  expect((await (await page.request.get(`/api/projects/${project.id}/samples`)).json()).total).toBe(0);

  const writes = await writesDuring(page, async () => {
    await page.getByTestId("drop-class").fill("square");
    await page.getByTestId("file-input").setInputFiles([1, 2, 3].map((n) => path.join(SQUARES, `square-0${n}.png`)));
    await expect(page.getByTestId("data-notice")).toHaveText("3 examples added.");
    await page.getByTestId("drop-class").fill("circle");
    await page.getByTestId("file-input").setInputFiles(path.join(CIRCLES, "circle-03.png"));
    await expect(page.getByTestId("data-notice")).toHaveText("1 example added.");
    // The same picture in the same class again is skipped, as on the server.
    await page.getByTestId("file-input").setInputFiles(path.join(CIRCLES, "circle-03.png"));
    await expect(page.getByTestId("data-notice")).toHaveText("No new examples added, 1 already there were skipped.");
  });
  expect(writes.every((w) => w === `PUT /api/projects/${project.id}/dataset/local-summary`)).toBe(true);

  // The same checks as on the server, made in the browser.
  await page.getByLabel("New class").fill("circle");
  await page.getByRole("button", { name: "Add class" }).click();
  await expect(page.getByText("A class called “circle” already exists.")).toBeVisible();

  const groups = page.getByTestId("class-group");
  const circle = groups.filter({ has: page.getByRole("heading", { name: /^circle/ }) });
  const square = groups.filter({ has: page.getByRole("heading", { name: /^square/ }) });
  await expect(circle.getByTestId("thumbnail")).toHaveCount(3);
  await expect(square.getByTestId("thumbnail")).toHaveCount(3);
  const thumb = square.getByTestId("thumbnail").first();
  await expect(thumb).toHaveAttribute("src", /^blob:/);
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

  // Move one square to "circle", on the device.
  await square.locator("label").first().click();
  await page.getByTestId("selection-bar").getByLabel("Move to").selectOption("circle");
  await page.getByTestId("selection-bar").getByRole("button", { name: "Move" }).click();
  await expect(page.getByTestId("data-notice")).toHaveText("1 example moved to “circle”.");
  await expect(circle.getByTestId("thumbnail")).toHaveCount(4);
  await expect(page.getByTestId("label-bar").filter({ hasText: "circle" }).getByTestId("label-count")).toHaveText("4");

  await page.reload();
  await expect(page.getByTestId("data-location")).toContainText("On this device only — not uploaded");
  await expect(circle.getByTestId("thumbnail")).toHaveCount(4);
  await expect(square.getByTestId("thumbnail")).toHaveCount(2);
  await expect.poll(() => circle.getByTestId("thumbnail").last().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

  // The server knows the counts, not the pictures.
  expect((await (await page.request.get(`/api/projects/${project.id}/samples`)).json()).total).toBe(0);
  const { dataset } = await (await page.request.get(`/api/projects/${project.id}/dataset`)).json();
  expect(dataset).toMatchObject({ localDataOnly: true, total: 6 });
  expect(dataset.classes).toEqual([
    { label: "circle", count: 4 },
    { label: "square", count: 2 },
  ]);
  await page.goto("/projects");
  await expect(page.getByTestId("project-row").filter({ hasText: "Private shapes" }).getByTestId("project-status")).toHaveText(/Data ready/);
});

test("device-only voice clips: a microphone recording is kept in the browser, listed with its waveform", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Private voice", scene: "voice-commands", modelType: "speech-embedding", interfaces: ["buttons"] });
  await page.goto(`/projects/${project.id}/data`);
  await turnOnDeviceOnly(page);
  const writes = await writesDuring(page, async () => {
    await page.getByLabel("New class").fill("yes");
    await page.getByRole("button", { name: "Add class" }).click();
    await expect(page.getByTestId("drop-class")).toHaveValue("yes");
    const mic = page.getByTestId("mic-recorder");
    await mic.getByRole("button", { name: "Turn microphone on" }).click();
    await mic.getByRole("button", { name: "Record “yes”" }).click();
    await expect(mic.getByTestId("clip-preview")).toBeVisible({ timeout: 10_000 });
    await mic.getByRole("button", { name: "Keep" }).click();
    await expect(page.getByTestId("data-notice")).toHaveText("1 example added.");
  });
  expect(writes.every((w) => w === `PUT /api/projects/${project.id}/dataset/local-summary`)).toBe(true);

  const group = page.getByTestId("class-group").filter({ has: page.getByRole("heading", { name: /^yes/ }) });
  await expect(group.getByTestId("clip")).toHaveAttribute("src", /^blob:/);
  // The thumbnail waveform is decoded once it scrolls into view.
  await group.getByTestId("clip-waveform").scrollIntoViewIfNeeded();
  await expect(group.getByTestId("clip-waveform")).toHaveAttribute("data-drawn", "true");
  await page.reload();
  await expect(group.getByTestId("clip")).toHaveCount(1);
  expect((await (await page.request.get(`/api/projects/${project.id}/samples`)).json()).total).toBe(0);
  const { dataset } = await (await page.request.get(`/api/projects/${project.id}/dataset`)).json();
  expect(dataset.classes).toEqual([{ label: "yes", count: 1 }]);
});

test("turning device-only on can keep the server's examples there; they are back when it is turned off", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Kept bot", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat"] });
  await page.goto(`/projects/${project.id}/data`);
  await page.getByTestId("load-sample").click();
  await expect(page.getByTestId("data-notice")).toContainText("examples added.");
  const serverTotal = (await (await page.request.get(`/api/projects/${project.id}/samples`)).json()).total;
  expect(serverTotal).toBeGreaterThan(50);

  await page.getByTestId("device-only-toggle").click();
  const dialog = page.getByRole("dialog", { name: "Keep training data on this device only?" });
  await expect(dialog).toContainText(`${serverTotal} examples are already stored on the server`);
  await dialog.getByRole("button", { name: "Keep them on the server" }).click();
  await expect(page.getByTestId("data-location")).toContainText("On this device only — not uploaded");
  await expect(page.getByTestId("left-on-server")).toContainText(`${serverTotal} examples from before are still stored on the server`);
  await expect(page.getByText("No examples yet. Upload a file, paste lines or load the sample dataset.")).toBeVisible();

  // Pasted lines go to the device only; the server's examples are untouched.
  await page.getByLabel("Paste examples").fill("greeting: hey you\ngoodbye: see ya");
  await page.getByRole("button", { name: "Use pasted lines" }).click();
  await page.getByTestId("mapping-step").getByRole("button", { name: "Import 2 rows" }).click();
  await expect(page.getByTestId("data-notice")).toHaveText("2 examples added.");
  expect((await (await page.request.get(`/api/projects/${project.id}/samples`)).json()).total).toBe(serverTotal);

  // Back to the server: the 2 device examples are uploaded next to the kept ones.
  await page.getByTestId("device-only-toggle").click();
  await page.getByRole("dialog", { name: "Store training data on the server again?" }).getByRole("button", { name: "Upload and switch" }).click();
  await expect(page.getByTestId("data-location")).toContainText("Stored on this server in your account");
  await expect(page.getByTestId("dataset-total")).toContainText(`${serverTotal + 2} examples`);
  await expect(page.getByTestId("left-on-server")).toHaveCount(0);
  const texts = (await (await page.request.get(`/api/projects/${project.id}/samples?limit=500`)).json()).samples.map((s: { text: string }) => s.text);
  expect(texts).toEqual(expect.arrayContaining(["hey you", "see ya"]));
});
