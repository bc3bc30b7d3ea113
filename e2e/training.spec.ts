import { chromium } from "@playwright/test";
import { BASE_URL } from "../playwright.config";
import { createProjectApi, createUser, expect, test } from "./fixtures";

// Training runs real TensorFlow.js in a worker; on SwiftShader a run takes seconds to minutes.
test.setTimeout(240_000);

test.beforeEach(async ({ page }) => {
  await createUser(page.request);
});

async function intentProjectWithSample(request: Parameters<typeof createProjectApi>[0], name: string) {
  const project = await createProjectApi(request, { name, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat"] });
  const r = await request.post(`/api/projects/${project.id}/sample-dataset`);
  expect(r.status()).toBe(201);
  return project;
}

test("train a text model on WebGPU; the page stays responsive; the version appears in Evaluate", async ({ page }) => {
  const project = await intentProjectWithSample(page.request, "Shop bot");
  await page.goto(`/projects/${project.id}/train`);
  // This machine's WebGPU is SwiftShader (no GPU): "auto" prefers WebAssembly there, so ask for WebGPU.
  await page.getByTestId("advanced").locator("summary").click();
  await page.getByTestId("backend-select").selectOption("webgpu");
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("backend-badge")).toHaveAttribute("data-backend", "webgpu");
  await expect(page.getByTestId("fallback-reason")).toHaveCount(0);

  // While the worker trains, a button on the page still answers at once.
  await expect(page.getByTestId("train-status")).toHaveText(/Training…|Preparing/);
  const probe = page.getByTestId("responsive-probe");
  for (let i = 1; i <= 3; i++) {
    await probe.click({ timeout: 2_000 });
    await expect(probe).toHaveText(`Responsive check: ${i}`, { timeout: 2_000 });
  }
  // Moving to another tab and back does not stop the run.
  await page.getByRole("link", { name: "Data", exact: true }).click();
  await expect(page.getByTestId("data-tab")).toBeVisible();
  await page.getByRole("link", { name: "Train", exact: true }).click();

  const done = page.getByTestId("train-done");
  await expect(done).toBeVisible({ timeout: 180_000 });
  await expect(done).toContainText("Saved as version v1.");
  const accuracy = Number(/Accuracy on held-out examples: ([\d.]+)%/.exec(await done.innerText())?.[1]);
  expect(accuracy).toBeGreaterThan(40); // 9 intents: chance is 11%
  await expect(page.getByTestId("loss-chart")).toBeVisible();

  await done.getByRole("link", { name: "See the evaluation" }).click();
  await expect(page.getByTestId("version-row")).toHaveCount(1);
  await expect(page.getByTestId("version-row")).toContainText("webgpu");
  await expect(page.getByTestId("per-class-table")).toContainText("opening_hours");
  await expect(page.getByTestId("confusion-matrix")).toBeVisible();
  await page.goto("/projects");
  await expect(page.getByTestId("project-row").filter({ hasText: "Shop bot" }).getByTestId("project-status")).toHaveText(/Trained/);
});

test("automatic choice: a CPU-emulated WebGPU gives way to WebAssembly, and without WebGPU the trainer says why", async ({ page }) => {
  const project = await intentProjectWithSample(page.request, "Fallback bot");
  const browser = await chromium.launch({
    executablePath: test.info().project.use.launchOptions?.executablePath,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const context = await browser.newContext({ baseURL: BASE_URL, storageState: await page.context().storageState() });
    const p = await context.newPage();
    await p.goto(`/projects/${project.id}/train`);
    await p.getByTestId("start-training").click();
    // No WebGPU here, and this machine's WebGL is SwiftShader: WebAssembly is the fastest left.
    await expect(p.getByTestId("backend-badge")).toHaveAttribute("data-backend", "wasm");
    // Headless Chromium without the flags has navigator.gpu but no adapter.
    await expect(p.getByTestId("fallback-reason")).toContainText(/WebGPU (is not available in this browser|but found no graphics adapter)/);
    await expect(p.getByTestId("train-done")).toBeVisible({ timeout: 180_000 });
    const versions = await (await p.request.get(`/api/projects/${project.id}/models`)).json();
    expect(versions.versions[0].backend).toBe("wasm");
  } finally {
    await browser.close();
  }

  // With the SwiftShader WebGPU of the main browser, "auto" explains why it did not use it.
  await page.goto(`/projects/${project.id}/train`);
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("backend-badge")).toHaveAttribute("data-backend", "wasm");
  await expect(page.getByTestId("fallback-reason")).toContainText("no graphics card");
  await expect(page.getByTestId("train-done")).toBeVisible({ timeout: 180_000 });
});

test("an image model trains on the sample pictures with the pretrained backbone", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Shapes", scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["buttons"] });
  expect((await page.request.post(`/api/projects/${project.id}/sample-dataset`)).status()).toBe(201);
  await page.goto(`/projects/${project.id}/train`);
  await page.getByRole("radio", { name: /Fast/ }).check({ force: true });
  // WebGPU here is SwiftShader (a GPU emulated on 2 CPU cores): far too slow for MobileNetV2 in a
  // test. "Auto" would pick WebAssembly here too; choosing it shows the backend setting works.
  await page.getByTestId("advanced").locator("summary").click();
  await page.getByTestId("backend-select").selectOption("wasm");
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("backend-badge")).toHaveAttribute("data-backend", "wasm");
  // The studio is cross-origin isolated, so WebAssembly runs with threads.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId("backend-badge")).toHaveAttribute("data-wasm-threads", "true");
  await expect(page.getByTestId("train-status")).toHaveText(/pretrained model|pictures|Training/, { timeout: 60_000 });
  const done = page.getByTestId("train-done");
  await expect(done).toBeVisible({ timeout: 220_000 });
  const accuracy = Number(/Accuracy on held-out examples: ([\d.]+)%/.exec(await done.innerText())?.[1]);
  expect(accuracy).toBeGreaterThanOrEqual(70); // 3 shapes, 9 held-out pictures
  const version = (await (await page.request.get(`/api/projects/${project.id}/models`)).json()).versions[0];
  const detail = await (await page.request.get(`/api/projects/${project.id}/models/${version.id}`)).json();
  expect(detail.version.manifest.backbone).toMatchObject({ id: "mobilenet-v2-ml-3520", package: "nsfwjs" });
  expect(detail.version.manifest.training.architecture).toMatchObject({ featureGroups: "576,864,800,1280" });

  // The Playground's live webcam (Chromium's fake camera): the bars update frame after frame.
  await page.goto(`/projects/${project.id}/playground`);
  await page.getByTestId("live-toggle").click();
  const live = page.getByTestId("live-result");
  await expect(live.getByTestId("confidence-bars")).toBeVisible({ timeout: 60_000 });
  await expect.poll(async () => Number(await live.getAttribute("data-frames")), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await page.getByTestId("live-toggle").click();
  await expect(live).toHaveCount(0);
});

test("closing the tab mid-training keeps the best checkpoint; on return it can be kept or resumed", async ({ page, context }) => {
  const project = await intentProjectWithSample(page.request, "Interrupted bot");
  const interruptedRun = async (p: typeof page) => {
    await p.goto(`/projects/${project.id}/train`);
    await p.getByTestId("advanced").locator("summary").click();
    await p.getByLabel("Epochs (passes over the data)").fill("400");
    await p.getByLabel("Stop after this many epochs without improvement").fill("0");
    await p.getByTestId("start-training").click();
    await expect(p.getByTestId("train-eta")).toContainText(/Epoch ([3-9]|\d\d+) of 400/, { timeout: 120_000 });
    await p.close();
  };
  const versions = async () => (await (await context.request.get(`/api/projects/${project.id}/models`)).json()).versions as { number: number }[];

  // First interruption: keep the checkpoint as it is.
  await interruptedRun(page);
  const again = await context.newPage();
  await again.goto(`/projects/${project.id}/train`);
  const offer = again.getByTestId("checkpoint-offer");
  await expect(offer).toBeVisible();
  await expect(offer).toContainText("unfinished training run");
  await offer.getByRole("button", { name: "Keep it as a version" }).click();
  await expect(offer).toHaveCount(0);
  expect(await versions()).toHaveLength(1);
  await again.reload();
  await expect(again.getByTestId("checkpoint-offer")).toHaveCount(0);

  // Second interruption: resume training from the checkpoint's weights.
  await interruptedRun(again);
  const third = await context.newPage();
  await third.goto(`/projects/${project.id}/train`);
  await third.getByTestId("checkpoint-offer").getByRole("button", { name: "Resume training" }).click();
  await expect(third.getByTestId("resumed-note")).toBeVisible();
  const done = third.getByTestId("train-done");
  await expect(done).toBeVisible({ timeout: 180_000 });
  await expect(done).toContainText("Saved as version v2.");
  const accuracy = Number(/Accuracy on held-out examples: ([\d.]+)%/.exec(await done.innerText())?.[1]);
  expect(accuracy).toBeGreaterThan(40);
  expect(await versions()).toHaveLength(2);
  // The finished run replaced the checkpoint: nothing is offered any more.
  await third.reload();
  await expect(third.getByTestId("train-tab")).toBeVisible();
  await expect(third.getByTestId("checkpoint-offer")).toHaveCount(0);
});

test("the trained intent bot answers in the Playground, in the browser, with a fallback below the threshold", async ({ page }) => {
  const project = await intentProjectWithSample(page.request, "Chatty bot");
  await page.goto(`/projects/${project.id}/train`);
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("train-done")).toBeVisible({ timeout: 180_000 });
  await page.getByRole("link", { name: "Try it" }).click();
  await expect(page.getByTestId("playground")).toBeVisible();
  const input = page.getByPlaceholder("Type a message…");
  await page.getByTestId("threshold").fill("0");
  await input.fill("What time do you open?");
  await input.press("Enter");
  const bot = page.getByTestId("turn-bot").last();
  await expect(bot.getByTestId("confidence-bars")).toBeVisible();
  // The answer is one of the sample dataset's replies, rendered as text.
  const replies = ((await (await page.request.get(`/api/projects/${project.id}/dataset`)).json()).dataset.schema.replies) as Record<string, string>;
  const answer = (await bot.locator("p").first().innerText()).trim();
  expect(Object.values(replies)).toContain(answer);

  // Above every confidence: the fallback offers the likely intents as buttons.
  await page.getByTestId("threshold").fill("1");
  await input.fill("<b>qwertyuiop</b>");
  await input.press("Enter");
  const fallback = page.getByTestId("turn-bot").last();
  await expect(fallback).toContainText("Sorry, I did not understand");
  await expect(page.getByTestId("turn-user").last()).toHaveText("<b>qwertyuiop</b>");
  const suggestion = fallback.getByTestId("suggestion").first();
  const intent = await suggestion.innerText();
  await suggestion.click();
  await expect(page.getByTestId("turn-bot").last()).toHaveText(replies[intent]);

  // The owner edits the reply of the intent that answered the first question, adds quick-reply
  // buttons, and saves them for the share page and widget.
  const firstIntent = Object.entries(replies).find(([, text]) => text === answer)![0];
  const settings = page.getByTestId("bot-settings");
  await settings.locator("summary").click();
  await settings.getByTestId(`reply-${firstIntent}`).fill("We open at 9:00 every day.");
  await settings.getByTestId(`quick-${firstIntent}`).fill("Holidays?, Where are you?");
  await settings.getByTestId("suggestions").fill("What time do you open?, I want a refund");
  await page.getByTestId("threshold").fill("0");
  await settings.getByTestId("save-bot-settings").click();
  await expect(settings).toContainText("Saved.");
  await input.fill("What time do you open?");
  await input.press("Enter");
  const withButtons = page.getByTestId("turn-bot").last();
  await expect(withButtons.locator("p").first()).toHaveText("We open at 9:00 every day.");
  await withButtons.getByTestId("quick-reply").first().click();
  await expect(page.getByTestId("turn-user").last()).toHaveText("Holidays?");
  const saved = await (await page.request.get(`/api/projects/${project.id}/chat-settings`)).json();
  expect(saved.settings).toEqual({
    threshold: 0,
    quickReplies: { [firstIntent]: ["Holidays?", "Where are you?"] },
    suggestions: ["What time do you open?", "I want a refund"],
    entityProjectId: null,
    placeholderDefaults: {},
  });
  const dataset = await (await page.request.get(`/api/projects/${project.id}/dataset`)).json();
  expect(dataset.dataset.schema.replies[firstIntent]).toBe("We open at 9:00 every day.");

  // After a reload the empty chat offers the suggested first messages as buttons.
  await page.reload();
  const suggested = page.getByTestId("suggested-input");
  await expect(suggested).toHaveCount(2);
  await suggested.first().click();
  await expect(page.getByTestId("turn-user").last()).toHaveText("What time do you open?");
  await expect(page.getByTestId("turn-bot").last().locator("p").first()).toHaveText("We open at 9:00 every day.");
  await expect(page.getByTestId("suggested-inputs")).toHaveCount(0);
});
