import { createProjectApi, createUser, expect, test } from "./fixtures";

// Training runs real TensorFlow.js in a worker; on SwiftShader a run takes seconds to minutes.
test.setTimeout(300_000);

test.beforeEach(async ({ page }) => {
  await createUser(page.request);
});

interface Sample {
  text: string;
  label: string;
  source: string;
}

test("Playground answers are recorded; feedback adds a wrong answer to the dataset; Monitor counts them and lists inputs to review", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Watched bot", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat"] });
  expect((await page.request.post(`/api/projects/${project.id}/sample-dataset`)).status()).toBe(201);
  const samples = async (label: string) =>
    ((await (await page.request.get(`/api/projects/${project.id}/samples?label=${encodeURIComponent(label)}&limit=500`)).json()).samples as Sample[]);
  const dataset = async () => (await (await page.request.get(`/api/projects/${project.id}/dataset`)).json()).dataset as { version: number; classes: { label: string; count: number }[] };
  const datasetVersion = async () => (await dataset()).version;
  const greetingsBefore = (await dataset()).classes.find((c) => c.label === "greeting")!.count;

  // Before anything is recorded the Monitor tab is unlocked only by training.
  await page.goto(`/projects/${project.id}/train`);
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("train-done")).toBeVisible({ timeout: 240_000 });
  await page.goto(`/projects/${project.id}/monitor`);
  await expect(page.getByTestId("monitor-empty")).toBeVisible();
  await expect(page.getByTestId("privacy-note")).toContainText("API inputs are never stored");

  await page.goto(`/projects/${project.id}/playground`);
  await expect(page.getByTestId("playground")).toBeVisible();
  await expect(page.getByTestId("playground")).toContainText("What you type is kept with each answer");
  const input = page.getByPlaceholder("Type a message…");
  const say = async (text: string) => {
    await input.fill(text);
    await input.press("Enter");
    const bot = page.getByTestId("turn-bot").last();
    await expect(bot.getByTestId("confidence-bars")).toBeVisible();
    // Feedback waits until the answer is recorded (fire-and-forget, after the answer is shown).
    await expect(bot.getByTestId("feedback-correct")).toBeEnabled();
    return bot;
  };

  const first = await say("What time do you open?");
  await first.getByTestId("feedback-correct").click();
  await expect(first.getByTestId("feedback")).toContainText("noted as correct");

  // A wrong answer, left for review in Monitor.
  const second = await say("I want my money back");
  await second.getByTestId("feedback-wrong").click();
  await second.getByTestId("feedback-label").selectOption("goodbye");
  await expect(second.getByTestId("feedback-add")).toBeVisible();

  // A wrong answer added to the dataset in one click.
  const third = await say("Is there parking near the shop?");
  const versionBefore = await datasetVersion();
  await third.getByTestId("feedback-wrong").click();
  await third.getByTestId("feedback-label").selectOption("greeting");
  await third.getByTestId("feedback-add").click();
  await expect(third.getByTestId("feedback-added")).toHaveText("Added to the dataset as “greeting”: it is used in the next training run.");
  expect((await samples("greeting")).filter((s) => s.text === "Is there parking near the shop?")).toEqual([
    expect.objectContaining({ label: "greeting", source: "feedback" }),
  ]);
  expect(await datasetVersion()).toBe(versionBefore + 1);

  // Gibberish: the model is unsure, so it lands among the low-confidence inputs.
  await say("<b>qwertyuiop zxcvbnm</b>");

  // The Data tab counts the added example under its label.
  await page.goto(`/projects/${project.id}/data`);
  const greetings = page.getByTestId("label-chart").getByTestId("label-bar").filter({ hasText: "greeting" });
  await expect(greetings.getByTestId("label-count")).toHaveText(String(greetingsBefore + 1));

  await page.goto(`/projects/${project.id}/monitor`);
  await expect(page.getByTestId("monitor-tab")).toBeVisible();
  await expect(page.getByTestId("monitor-total")).toHaveText("4 predictions");
  await expect(page.getByTestId("legend-playground")).toHaveText("Playground: 4");
  await expect(page.getByTestId("legend-api")).toHaveText("API: 0");
  const today = new Date().toISOString().slice(0, 10);
  await expect(page.locator(`[data-testid="day-bar"][data-day="${today}"]`)).toHaveAttribute("data-total", "4");
  // 3 rated answers, 1 of them correct.
  await expect(page.getByTestId("feedback-accuracy")).toHaveText("33.3%");
  await expect(page.getByTestId("latency-p50")).toHaveText(/\d+(\.\d)? ms/);
  const binTotal = (await page.getByTestId("confidence-bin").allInnerTexts()).reduce((n, line) => n + Number(line.trim().split(/\s+/).pop()), 0);
  expect(binTotal).toBe(4);

  // The wrong answer not yet in the dataset is listed, rendered as text; add it with the bulk button.
  const wrongRows = page.getByTestId("wrong-row");
  await expect(wrongRows).toHaveCount(1);
  await expect(wrongRows.first()).toContainText("I want my money back");
  await expect(wrongRows.first()).toContainText("goodbye");
  await wrongRows.first().getByRole("checkbox").check();
  await page.getByTestId("wrong-add-selected").click();
  await expect(page.getByTestId("monitor-notice")).toHaveText(/1 example was added to the dataset/);
  await expect(wrongRows).toHaveCount(0);
  expect((await samples("goodbye")).some((s) => s.text === "I want my money back" && s.source === "feedback")).toBe(true);

  // The low-confidence gibberish, shown as text (not HTML), added with a new label.
  const lowRow = page.getByTestId("low-row").filter({ hasText: "<b>qwertyuiop zxcvbnm</b>" });
  await expect(lowRow).toHaveCount(1);
  await lowRow.getByTestId("low-add").click();
  await expect(page.getByRole("alert").filter({ hasText: "Choose a label first." })).toBeVisible();
  await lowRow.getByTestId("low-label").fill("nonsense");
  await lowRow.getByTestId("low-add").click();
  await expect(page.getByTestId("monitor-notice")).toHaveText(/1 example was added to the dataset/);
  await expect(lowRow).toHaveCount(0);
  expect(await samples("nonsense")).toEqual([expect.objectContaining({ text: "<b>qwertyuiop zxcvbnm</b>", source: "feedback" })]);
  // Its review counts as feedback: 4 rated, 1 correct.
  await expect(page.getByTestId("feedback-accuracy")).toHaveText("25.0%");
});
