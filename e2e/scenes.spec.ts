import { createProjectApi, createUser, expect, test } from "./fixtures";

// Each scene: load its sample dataset, train in the browser (the automatic backend: WebAssembly on
// this machine), then use the widget in the Playground, where the model runs in the browser.
test.setTimeout(420_000);

test.beforeEach(async ({ page }) => {
  await createUser(page.request);
});

async function trainSample(page: import("@playwright/test").Page, scene: string, modelType: string, interfaces: string[], epochs: number) {
  page.on("pageerror", (e) => console.log(`[${scene}] page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && console.log(`[${scene}] console: ${m.text()}`));
  const project = await createProjectApi(page.request, { name: `${scene} sample`, scene, modelType, interfaces });
  const r = await page.request.post(`/api/projects/${project.id}/sample-dataset`);
  expect(r.status(), await r.text()).toBe(201);
  await page.goto(`/projects/${project.id}/train`);
  await page.getByRole("radio", { name: /Fast/ }).check({ force: true });
  // Fewer epochs than the preset keep the suite short; the widgets are what these tests check.
  await page.getByTestId("advanced").locator("summary").click();
  await page.getByLabel("Epochs (passes over the data)").fill(String(epochs));
  await page.getByTestId("start-training").click();
  const done = page.getByTestId("train-done");
  await expect(done).toBeVisible({ timeout: 240_000 });
  await expect(done).toContainText("Saved as version v1.");
  await page.getByRole("link", { name: "Try it" }).click();
  await expect(page.getByTestId("playground")).toBeVisible();
  return { project };
}

test("FAQ: a paraphrased question gets the right answer, with related questions as buttons", async ({ page }) => {
  const { project } = await trainSample(page, "faq-retrieval", "hybrid-retriever", ["chat"], 10);
  const evaluate = await (await page.request.get(`/api/projects/${project.id}/models`)).json();
  expect(evaluate.versions[0].headline.top1).toBeGreaterThan(0.3);
  const chat = page.getByTestId("faq-chat");
  await chat.getByPlaceholder("Ask a question…").fill("how much is the fine for late books");
  await chat.getByPlaceholder("Ask a question…").press("Enter");
  const answer = chat.getByTestId("turn-bot").last();
  await expect(answer).toContainText(/late fee|0\.20/i);
  const related = answer.getByTestId("related-question");
  await expect(related.first()).toBeVisible();
  const question = await related.first().innerText();
  await related.first().click();
  await expect(chat.getByTestId("turn-user").last()).toHaveText(question);
  await expect(chat.getByTestId("turn-bot")).toHaveCount(2);
});

test("entities: the tagger highlights typed entities and returns them as JSON slots; an intent bot fills its reply templates with it", async ({ page }) => {
  await trainSample(page, "entity-extraction", "cnn-tagger", ["chat", "api"], 20);
  const widget = page.getByTestId("entity-widget");
  // A sentence from the sample data: its entities were seen in training.
  const sentence = "I'm flying from Paris to Tokyo on March 3.";
  await widget.getByPlaceholder("Type a sentence…").fill(sentence);
  await widget.getByRole("button", { name: "Find entities" }).click();
  await expect(widget.getByTestId("highlighted")).toBeVisible();
  const entities = widget.getByTestId("entity");
  expect(await entities.count()).toBeGreaterThan(0);
  const slots = JSON.parse(await widget.getByTestId("slots-json").innerText()) as Record<string, string[]>;
  expect(Object.values(slots).flat().length).toBe(await entities.count());
  // The highlighted text is exactly the input, rendered as text.
  await expect(widget.getByTestId("highlighted")).toContainText("Paris");

  // An intent bot (the shop sample, Fast preset) links this entity model in its bot settings. The
  // template names a type the tagger found in the sentence (in lower case), a type it did not find
  // (with a fallback text) and one it does not know (kept as typed).
  const [foundType, foundValues] = Object.entries(slots)[0];
  const { project: bot } = await trainSample(page, "intent-chatbot", "ngram-bag", ["chat", "share"], 10);
  const chatSettings = await (await page.request.get(`/api/projects/${bot.id}/chat-settings`)).json();
  expect(chatSettings.entityModels).toHaveLength(1);
  const types = chatSettings.entityModels[0].types as string[];
  expect(types).toEqual(["CITY", "DATE", "PERSON", "PRODUCT", "TIME"]);
  const missingType = types.find((type) => !(type in slots))!;
  const template = `Got it: {${foundType.toLowerCase()}} ({${missingType}}) {NOPE}`;
  const filled = `Got it: ${foundValues[0]} (soon) {NOPE}`;
  const intents = Object.keys((await (await page.request.get(`/api/projects/${bot.id}/dataset`)).json()).dataset.schema.replies);
  expect(intents.length).toBeGreaterThan(3);

  const settings = page.getByTestId("bot-settings");
  await settings.locator("summary").click();
  await settings.getByTestId("entity-model-select").selectOption({ label: "entity-extraction sample (v1)" });
  await expect(settings.getByTestId("placeholder-chip")).toHaveText(types.map((type) => `{${type}}`));
  await settings.getByTestId(`placeholder-default-${missingType}`).fill("soon");
  // Every intent answers with the template, so the check does not depend on which intent wins.
  for (const intent of intents) await settings.getByTestId(`reply-${intent}`).fill(template);
  await expect(settings.getByTestId("template-unknown")).toContainText("{NOPE}");
  // Preview: with no entity found, then with the sentence, run by the linked model in this browser.
  await expect(settings.getByTestId("template-preview-reply").first()).toContainText("Got it: (soon) {NOPE}");
  await settings.getByTestId("template-preview-text").fill(sentence);
  await settings.getByTestId("template-preview-run").click();
  await expect(settings.getByTestId("template-preview-reply").first()).toContainText(filled);
  await page.getByTestId("threshold").fill("0");
  await settings.getByTestId("save-bot-settings").click();
  await expect(settings).toContainText("Saved.");

  // The Playground's chat runs both models and answers with the filled template, as text.
  const input = page.getByPlaceholder("Type a message…");
  await input.fill(sentence);
  await input.press("Enter");
  const answer = page.getByTestId("turn-bot").last();
  await expect(answer.locator("p").first()).toHaveText(filled);
  await expect(answer.getByTestId("turn-entity").first()).toBeVisible();

  // The share page gets the entity model through the link's ?part=entities and answers the same.
  const shared = await page.request.patch(`/api/projects/${bot.id}/share`, { data: { enabled: true } });
  expect(shared.status(), await shared.text()).toBe(200);
  await page.goto(`/m/${(await shared.json()).share.slug}`);
  const visitorInput = page.getByPlaceholder("Type a message…");
  await visitorInput.fill(sentence);
  await visitorInput.press("Enter");
  await expect(page.getByTestId("turn-bot").last().locator("p").first()).toHaveText(filled, { timeout: 60_000 });
});

test("recommendation: a known user gets ten items as buttons; a new visitor gets some too", async ({ page }) => {
  await trainSample(page, "recommendation", "matrix-factorization", ["buttons", "api"], 10);
  const widget = page.getByTestId("recommend-widget");
  await widget.getByTestId("recommend").click();
  await expect(widget.getByTestId("rec-item")).toHaveCount(10);
  await expect(widget).toContainText("Based on this user's ratings.");
  await widget.getByLabel("A new visitor").check();
  await widget.getByRole("checkbox").first().check();
  await widget.getByTestId("recommend").click();
  await expect(widget).toContainText("Based on the items picked above.");
  expect(await widget.getByTestId("rec-item").count()).toBeGreaterThan(0);
});

test("multi-label tagging: a picture gets its tags above the tuned thresholds", async ({ page }) => {
  const { project } = await trainSample(page, "image-tagging", "mobilenet-multilabel", ["buttons"], 20);
  const detail = await (await page.request.get(`/api/projects/${project.id}/models`)).json();
  expect(detail.versions[0].headline.microF1).toBeGreaterThan(0.5);
  await page.getByTestId("playground-image").setInputFiles("public/samples/image-tagging/img-01.png");
  await expect(page.getByTestId("tag-result")).toBeVisible({ timeout: 60_000 });
  expect(await page.getByTestId("tag-result").locator("li").count()).toBeGreaterThan(1);
});

test("tabular prediction: a form with one field per column answers with the predicted class", async ({ page }) => {
  await trainSample(page, "tabular-prediction", "mlp", ["api"], 15);
  const form = page.getByTestId("tabular-form");
  await expect(form).toBeVisible();
  const fields = form.locator("[data-testid^='field-']");
  expect(await fields.count()).toBeGreaterThan(1);
  await form.getByTestId("tabular-predict").click();
  await expect(form.getByTestId("tabular-result")).toBeVisible();
  await expect(form.getByTestId("tabular-result")).toContainText(/:/);
});
