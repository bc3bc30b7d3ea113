import http from "node:http";
import type { AddressInfo } from "node:net";
import { BASE_URL } from "../playwright.config";
import { expect, test } from "./fixtures";
import { trainSampleIntentBot } from "./train-helper";

// Trains a real model in the browser first (WebAssembly backend).
test.setTimeout(300_000);

/*
 * Two tiny websites on other origins than the studio (BASE_URL is http://127.0.0.1:PORT):
 *   SHOP    = http://127.0.0.1:PORT+1  the customer's site with the embed.js snippet
 *   FOREIGN = http://127.0.0.1:PORT+2  someone else, who tries to talk to the widget
 * Same host, other ports: different origins, exactly as the browser sees them.
 */
const STUDIO_PORT = Number(new URL(BASE_URL).port);
const SHOP = `http://127.0.0.1:${STUDIO_PORT + 1}`;
const FOREIGN = `http://127.0.0.1:${STUDIO_PORT + 2}`;
let slug = "";
const servers: http.Server[] = [];

function html(body: string) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>${body}</body></html>`;
}

function pages(req: http.IncomingMessage, res: http.ServerResponse) {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const send = (body: string) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html(body));
  };
  if (path === "/") {
    // The bubble snippet, the answer API, and a frame from a foreign origin.
    return send(`<h1>Shop</h1>
<script>
  window.__answers = [];
  window.addEventListener("aimassstudio:load", function () {
    AIMassStudio.on("answer", function (a) { window.__answers.push(a); });
  });
</script>
<script src="${BASE_URL}/embed.js" data-model="${slug}" async></script>
<iframe id="foreign" src="${FOREIGN}/foreign-frame" width="10" height="10"></iframe>`);
  }
  if (path === "/iframe") {
    return send(`<iframe id="chat" src="${BASE_URL}/embed/${slug}" title="chat" width="380" height="560" style="border:0" referrerpolicy="strict-origin-when-cross-origin"></iframe>`);
  }
  if (path === "/foreign-frame") {
    // Forged messages to every frame of the host page and to the host page itself.
    return send(`<script>
window.attack = function () {
  for (var i = 0; i < parent.frames.length; i++) {
    try { parent.frames[i].postMessage({ type: "ams:send", text: "forged message" }, "*"); } catch (e) {}
  }
  parent.postMessage({ type: "ams:answer", answer: { input: "x", text: "forged answer", label: "x", confidence: 1, fallback: false } }, "*");
  parent.postMessage({ type: "ams:close" }, "*");
  return true;
};
</script>`);
  }
  if (path === "/liar") {
    // Claims to be the shop in ?origin=, but the browser knows the real parent: frame-ancestors blocks it.
    return send(`<iframe id="liar" src="${BASE_URL}/embed/${slug}?origin=${encodeURIComponent(SHOP)}" width="380" height="400"></iframe>`);
  }
  res.writeHead(404).end();
}

test.beforeAll(async () => {
  for (const port of [STUDIO_PORT + 1, STUDIO_PORT + 2]) {
    const server = http.createServer(pages);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    expect((server.address() as AddressInfo).port).toBe(port);
    servers.push(server);
  }
});

test.afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

test("the embed answers on an allowed website, ignores foreign messages, and refuses once the website is removed", async ({ page, browser }) => {
  const project = await trainSampleIntentBot(page, "Widget bot");
  await page.goto(`/projects/${project.id}/share`);
  const embedSection = page.getByTestId("embed-section");
  await page.getByTestId("embed-enabled").check();
  await expect(page.getByTestId("embed-enabled")).toBeEnabled();
  await expect(page.getByTestId("embed-script-snippet")).toBeVisible();

  // Wildcards and paths are refused with a plain message; the exact origin is accepted.
  await page.getByTestId("embed-origin-input").fill("http://*.example.com");
  await page.getByTestId("embed-origin-add").click();
  await expect(page.getByTestId("embed-origin-error")).toContainText("Enter an exact origin");
  await page.getByTestId("embed-origin-input").fill(`${SHOP}/`);
  await page.getByTestId("embed-origin-add").click();
  await expect(page.getByTestId("embed-origin")).toHaveText([new RegExp(SHOP.replace(/\./g, "\\."))]);

  await embedSection.getByLabel("Title").fill("Shop helper");
  await embedSection.getByLabel("Avatar").fill("🛍️");
  await embedSection.getByLabel("Colour").fill("#aa3300");
  await embedSection.getByLabel("Welcome message").fill("Hello from the shop!");
  await page.getByTestId("embed-theme-save").click();
  await expect(embedSection.getByText("Saved.")).toBeVisible();

  const snippet = await page.getByTestId("embed-script-snippet").inputValue();
  slug = /data-model="([A-Za-z0-9_-]+)"/.exec(snippet)![1];
  expect(snippet).toBe(`<script src="${BASE_URL}/embed.js" data-model="${slug}" async></script>`);
  // The live preview in the studio shows the widget (frame-ancestors includes 'self').
  await expect(page.frameLocator('[data-testid="embed-preview"]').getByTestId("embed-title")).toHaveText("Shop helper");

  const context = await browser.newContext({ locale: "en-US" });
  try {
    const shop = await context.newPage();
    await shop.goto(`${SHOP}/`);
    const bubble = shop.locator('[data-ams="bubble"]');
    await expect(bubble).toBeVisible();
    await expect(bubble).toHaveText("🛍️");
    await expect(bubble).toHaveCSS("background-color", "rgb(170, 51, 0)");
    // Lazy: no iframe (and no model download) until the visitor opens the chat.
    await expect(shop.locator('iframe[data-ams="frame"]')).toHaveCount(0);
    await bubble.click();
    const widget = shop.frameLocator('iframe[data-ams="frame"]');
    await expect(widget.getByTestId("embed-title")).toHaveText("Shop helper");
    await expect(widget.getByTestId("turn-bot").first()).toHaveText("Hello from the shop!");
    const input = widget.getByPlaceholder("Type a message…");
    await input.fill("What time do you open?");
    await input.press("Enter");
    await expect(widget.getByTestId("turn-bot").nth(1).getByTestId("confidence-bars")).toBeVisible({ timeout: 60_000 });

    // The documented API: send() types for the visitor, on("answer") hears every answer.
    await shop.evaluate(() => (window as unknown as { AIMassStudio: { send(t: string): void } }).AIMassStudio.send("Do you deliver on weekends?"));
    await expect(widget.getByTestId("turn-user").last()).toHaveText("Do you deliver on weekends?");
    await expect.poll(() => shop.evaluate(() => (window as unknown as { __answers: unknown[] }).__answers.length), { timeout: 60_000 }).toBe(2);
    const answers = await shop.evaluate(() => (window as unknown as { __answers: { input: string; text: string }[] }).__answers);
    expect(answers.map((a) => a.input)).toEqual(["What time do you open?", "Do you deliver on weekends?"]);

    // Messages from a foreign origin are ignored by both the widget and the loader.
    const foreign = shop.frame({ url: `${FOREIGN}/foreign-frame` })!;
    expect(await foreign.evaluate(() => (window as unknown as { attack(): boolean }).attack())).toBe(true);
    await input.fill("still here?");
    await input.press("Enter");
    await expect(widget.getByTestId("turn-user").last()).toHaveText("still here?");
    await expect(widget.getByTestId("chat-log")).not.toContainText("forged message");
    await expect(shop.locator('[data-ams="panel"]')).toBeVisible(); // the forged "close" was ignored
    await expect.poll(() => shop.evaluate(() => (window as unknown as { __answers: unknown[] }).__answers.length), { timeout: 60_000 }).toBe(3);
    expect(JSON.stringify(await shop.evaluate(() => (window as unknown as { __answers: unknown[] }).__answers))).not.toContain("forged answer");

    // The iframe-only snippet works on the allowed site (the Referer names it).
    await shop.goto(`${SHOP}/iframe`);
    await expect(shop.frameLocator("#chat").getByTestId("embed-title")).toHaveText("Shop helper");

    // Opened on its own (not in a frame), the widget shows nothing either.
    await shop.goto(`${BASE_URL}/embed/${slug}?origin=${encodeURIComponent(SHOP)}`);
    await expect(shop.getByTestId("link-unavailable")).toBeVisible();
    await expect(shop.getByText("Shop helper")).toHaveCount(0);

    // A page on another origin that claims to be the shop: the browser refuses to frame the widget.
    const csp = (await shop.request.get(`${BASE_URL}/embed/${slug}?origin=${encodeURIComponent(SHOP)}`)).headers()["content-security-policy"];
    expect(csp.split(";").map((d) => d.trim())).toContain(`frame-ancestors 'self' ${SHOP}`);
    await shop.goto(`${FOREIGN}/liar`, { waitUntil: "load" });
    await expect(shop.frameLocator("#liar").getByTestId("embed-title")).toHaveCount(0);

    // The owner removes the shop: the loader shows nothing and the frame shows nothing of the model.
    await page.getByRole("button", { name: `Remove ${SHOP}` }).click();
    await expect(page.getByTestId("embed-origin")).toHaveCount(0);
    const refused = shop.waitForEvent("console", { predicate: (m) => m.text().includes("not on its list of allowed websites") });
    await shop.goto(`${SHOP}/`);
    await refused;
    await expect(shop.locator('[data-ams="bubble"]')).toHaveCount(0);
    await shop.goto(`${SHOP}/iframe`);
    const frame = shop.frameLocator("#chat");
    await expect(frame.getByTestId("link-unavailable")).toContainText("Chat not available here");
    await expect(frame.locator("body")).not.toContainText("Shop helper");
    await expect(frame.locator("body")).not.toContainText("Widget bot");
  } finally {
    await context.close();
  }
});
