import type { Page } from "@playwright/test";
import { createProjectApi, createUser, expect } from "./fixtures";

/** The sample intent bot, trained through the Train tab on the fast WebAssembly backend. */
export async function trainSampleIntentBot(page: Page, name: string) {
  await createUser(page.request);
  const project = await createProjectApi(page.request, { name, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "share", "embed"] });
  expect((await page.request.post(`/api/projects/${project.id}/sample-dataset`)).status()).toBe(201);
  await page.goto(`/projects/${project.id}/train`);
  await page.getByTestId("advanced").locator("summary").click();
  await page.getByTestId("backend-select").selectOption("wasm");
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("train-done")).toBeVisible({ timeout: 240_000 });
  const replies = (await (await page.request.get(`/api/projects/${project.id}/dataset`)).json()).dataset.schema.replies as Record<string, string>;
  return { id: project.id, replies };
}
