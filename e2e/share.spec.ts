import { BASE_URL } from "../playwright.config";
import { expect, test } from "./fixtures";
import { trainSampleIntentBot } from "./train-helper";
import { chromium, type Browser, type Page } from "@playwright/test";

// Trains a real model in the browser first (WebAssembly backend, a few seconds to a minute here).
test.setTimeout(300_000);

async function anonymousPage(browser: Browser) {
  const context = await browser.newContext({ baseURL: BASE_URL, locale: "en-US" });
  return { context, page: await context.newPage() };
}

/** Turns the link on or off and waits until the server has saved it. */
async function toggle(page: Page, action: "check" | "uncheck") {
  const box = page.getByTestId("share-enabled");
  await box[action]();
  await expect(box).toBeEnabled();
  await expect(page.getByTestId("share-state")).toHaveAttribute("data-state", action === "check" ? "on" : "off");
}

async function chat(page: Page, text: string) {
  const input = page.getByPlaceholder("Type a message…");
  await input.fill(text);
  await input.press("Enter");
  const bot = page.getByTestId("turn-bot").last();
  await expect(bot.getByTestId("confidence-bars")).toBeVisible({ timeout: 60_000 });
  return (await bot.locator("p").first().innerText()).trim();
}

test("a share link works for an anonymous visitor; turned off or replaced, the old link shows a clear page", async ({ page, browser }) => {
  const project = await trainSampleIntentBot(page, "Shop bot");
  await page.goto(`/projects/${project.id}/share`);
  await expect(page.getByTestId("share-state")).toHaveAttribute("data-state", "off");
  await toggle(page, "check");
  const url = await page.getByTestId("share-url").inputValue();
  expect(url).toMatch(new RegExp(`^${BASE_URL}/m/[A-Za-z0-9_-]{22}$`));

  // A visitor with no account, in a fresh browser context.
  const visitor = await anonymousPage(browser);
  let fresh = "";
  try {
    const v = visitor.page;
    await v.goto(url);
    await expect(v.getByTestId("shared-model-name")).toHaveText("Shop bot");
    await expect(v).toHaveTitle(/Shop bot/);
    await expect(v.locator('meta[property="og:title"]')).toHaveAttribute("content", "Shop bot");
    await expect(v.getByTestId("privacy-note")).toContainText("not sent to the server");
    const answer = await chat(v, "What time do you open?");
    expect([...Object.values(project.replies), "Sorry, I did not understand — did you mean:"]).toContain(answer);
    // Visitor text is shown as text, never as markup.
    await v.getByPlaceholder("Type a message…").fill("<img src=x onerror=alert(1)>");
    await v.getByPlaceholder("Type a message…").press("Enter");
    await expect(v.getByTestId("turn-user").last()).toHaveText("<img src=x onerror=alert(1)>");

    // Turned off: the same URL shows a calm page and nothing of the model.
    await toggle(page, "uncheck");
    await v.reload();
    await expect(v.getByTestId("link-unavailable")).toContainText("This link is not available");
    await expect(v.getByText("Shop bot")).toHaveCount(0);
    expect((await v.request.get(url.replace("/m/", "/api/public/share/") + "/bundle")).status()).toBe(404);

    // On again, then replaced: the old URL stops working, the new one works.
    await toggle(page, "check");
    await v.reload();
    await expect(v.getByTestId("shared-model-name")).toHaveText("Shop bot");
    await page.getByTestId("share-rotate").click();
    await expect(page.getByRole("dialog")).toContainText("the current one stops working at once");
    await page.getByTestId("share-rotate-confirm").click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByTestId("share-url")).not.toHaveValue(url);
    fresh = await page.getByTestId("share-url").inputValue();
    await v.goto(url);
    await expect(v.getByTestId("link-unavailable")).toBeVisible();
    await v.goto(fresh);
    await expect(v.getByTestId("shared-model-name")).toHaveText("Shop bot");
    await chat(v, "Do you deliver on weekends?");
  } finally {
    await visitor.context.close();
  }

  // A visitor whose browser has neither WebGPU nor WebGL still gets answers: an n-gram bag bot runs
  // on the page itself without tfjs (lib/ml/light/visitor.ts), so no tfjs backend is needed at all.
  const plain = await chromium.launch({
    executablePath: test.info().project.use.launchOptions?.executablePath,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-3d-apis", "--disable-gpu", "--disable-software-rasterizer"],
  });
  try {
    const p = await (await plain.newContext({ baseURL: BASE_URL, locale: "en-US" })).newPage();
    await p.goto(fresh);
    expect(await p.evaluate(() => crossOriginIsolated)).toBe(true);
    await chat(p, "What time do you open?");
    await expect(p.getByTestId("visitor-model")).toHaveAttribute("data-backend", "light");
  } finally {
    await plain.close();
  }
});

test("a dead link speaks the visitor's language", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: BASE_URL, locale: "zh-CN", extraHTTPHeaders: { "accept-language": "zh-CN,zh;q=0.9" } });
  try {
    const v = await context.newPage();
    await v.goto("/m/AAAAAAAAAAAAAAAAAAAAAA");
    await expect(v.getByTestId("link-unavailable")).toContainText("此链接不可用");
  } finally {
    await context.close();
  }
});
