import { createProjectApi, createUser, expect, test } from "./fixtures";

// Training runs real TensorFlow.js in the browser (WebAssembly here, the fast backend on these CPUs).
test.setTimeout(240_000);

test("a key made in the API tab predicts what the Playground shows; once revoked it gets 401", async ({ page, request }) => {
  await createUser(page.request);
  const project = await createProjectApi(page.request, { name: "API bot", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "api"] });
  expect((await page.request.post(`/api/projects/${project.id}/sample-dataset`)).status()).toBe(201);

  await page.goto(`/projects/${project.id}/train`);
  await page.getByTestId("advanced").locator("summary").click();
  await page.getByTestId("backend-select").selectOption("wasm");
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("train-done")).toBeVisible({ timeout: 180_000 });

  // What the browser answers, with the exact confidence the page computed.
  const text = "What time do you open on Sunday?";
  await page.goto(`/projects/${project.id}/playground`);
  await page.getByTestId("threshold").fill("0");
  const input = page.getByPlaceholder("Type a message…");
  await input.fill(text);
  await input.press("Enter");
  const bars = page.getByTestId("turn-bot").last().getByTestId("confidence-bars");
  await expect(bars).toBeVisible();
  const browserLabel = await bars.getAttribute("data-label");
  const browserConfidence = Number(await bars.getAttribute("data-confidence"));
  expect(browserLabel).toBeTruthy();

  // Create a key: shown once in a dialog, with a warning.
  await page.goto(`/projects/${project.id}/api`);
  await expect(page.getByTestId("api-tab")).toBeVisible();
  await page.getByLabel("Key name").fill("E2E backend");
  await page.getByTestId("create-key").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("It will not be shown again");
  const key = (await dialog.getByTestId("new-api-key").innerText()).trim();
  expect(key).toMatch(/^ams_[0-9A-Za-z]{40}$/);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("api-key-row")).toContainText(key.slice(0, 12));
  await expect(page.getByTestId("api-key-row")).not.toContainText(key.slice(12));

  const endpoint = (await page.getByTestId("api-endpoint").innerText()).replace(/^POST\s+/, "").trim();
  expect(endpoint).toMatch(/\/api\/v1\/models\/[A-Za-z0-9_-]+\/predict$/);
  await expect(page.getByTestId("api-snippet")).toContainText(endpoint);
  await page.getByRole("button", { name: "Python" }).click();
  await expect(page.getByTestId("api-snippet")).toContainText("requests.post(");

  // The server runs the same bundle: same label, same confidence (1e-5). No cookies: `request` is a fresh context.
  const res = await request.post(endpoint, { headers: { Authorization: `Bearer ${key}` }, data: { input: text } });
  expect(res.status(), await res.text()).toBe(200);
  const answer = await res.json();
  expect(answer.label).toBe(browserLabel);
  expect(Math.abs(answer.confidence - browserConfidence)).toBeLessThan(1e-5);
  expect(answer.modelVersion).toBe(1);
  // Predict calls take the server's direct lane (scripts/direct-lane.mjs), not Next's router: the
  // answer still carries every header a Next route's answer does.
  const h = res.headers();
  expect(h["x-ratelimit-limit"]).toBeTruthy();
  expect(h).toMatchObject({
    "access-control-allow-origin": "*",
    "cache-control": "no-store",
    "content-type": "application/json",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
  });

  // The list shows when the key was last used.
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByTestId("api-key-row").locator("td").nth(3).innerText();
    })
    .not.toBe("Never");

  // Revoke with confirmation; the key stops working at once.
  await page.getByTestId("revoke-key").click();
  await expect(page.getByRole("dialog")).toContainText("will get 401 errors");
  await page.getByTestId("confirm-revoke").click();
  await expect(page.getByTestId("api-key-status")).toContainText("Revoked");
  const after = await request.post(endpoint, { headers: { Authorization: `Bearer ${key}` }, data: { input: text } });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("revoked_api_key");
});
