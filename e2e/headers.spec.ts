import http from "node:http";
import type { AddressInfo } from "node:net";
import type { BrowserContext, Page } from "@playwright/test";
import { BASE_URL } from "../playwright.config";
import { expect, test } from "./fixtures";
import { trainSampleIntentBot } from "./train-helper";

/*
 * Security headers on the real server: a strict Content-Security-Policy with a per-request nonce on
 * every page kind, under which training and prediction still run without a single violation; the
 * embed's frame-ancestors from one parser of ?origin=; no HSTS over plain http; no forged host in
 * anything shown to others.
 */

// Trains in the browser on three backends (WebAssembly with threads, WebGL, WebGPU).
test.setTimeout(400_000);

const FORGED = { "X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7" };
const directive = (csp: string, name: string) => csp.split(";").map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? "";

/** A website on another origin (a free port on this machine) that puts the widget on its page. */
async function hostSite(page: (slug: string) => string) {
  let slug = "";
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>${page(slug)}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setSlug: (s: string) => void (slug = s),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Records every CSP violation in a browser context: the securitypolicyviolation event in each
 * document and frame (also cross-origin ones), and the console's "Content Security Policy" errors
 * from pages and their workers.
 */
async function watchViolations(context: BrowserContext, violations: string[]) {
  await context.exposeBinding("__reportCspViolation", ({ frame }, text: string) => void violations.push(`${frame.url()}: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      void (window as unknown as { __reportCspViolation(t: string): Promise<void> }).__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const fromConsole = (where: string, text: string) => {
    if (/Content Security Policy|Content-Security-Policy|securitypolicyviolation/i.test(text)) violations.push(`${where}: ${text}`);
  };
  const watchPage = (page: Page) => {
    page.on("console", (m) => fromConsole(page.url(), m.text()));
    page.on("worker", (w) => w.on("console", (m) => fromConsole(`worker ${w.url()}`, m.text())));
  };
  context.pages().forEach(watchPage);
  context.on("page", watchPage);
}

async function chat(page: Page | ReturnType<Page["frameLocator"]>, text: string) {
  const input = page.getByPlaceholder("Type a message…");
  await input.fill(text);
  await input.press("Enter");
  await expect(page.getByTestId("turn-bot").last().getByTestId("confidence-bars")).toBeVisible({ timeout: 90_000 });
}

async function train(page: Page, projectId: string, backend: "webgl" | "webgpu") {
  await page.goto(`/projects/${projectId}/train`);
  await page.getByTestId("advanced").locator("summary").click();
  await page.getByTestId("backend-select").selectOption(backend);
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("backend-badge")).toHaveAttribute("data-backend", backend, { timeout: 60_000 });
  await expect(page.getByTestId("train-done")).toBeVisible({ timeout: 240_000 });
}

test("every page kind runs under a strict nonce CSP with no violation while training and predicting; HSTS only over https", async ({ page, browser, request }) => {
  const violations: string[] = [];
  await watchViolations(page.context(), violations);
  const shop = await hostSite((slug) => `<script src="${BASE_URL}/embed.js" data-model="${slug}" async></script>`);
  try {
    // Home and the account pages, before signing in.
    for (const path of ["/", "/signin", "/signup"]) {
      await page.goto(path);
      await expect(page.locator("h1").first()).toBeVisible();
    }

    // Training in the Train tab: WebAssembly with threads (the helper), then WebGL and WebGPU.
    const project = await trainSampleIntentBot(page, "CSP bot");
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId("backend-badge")).toHaveAttribute("data-wasm-threads", "true");
    await train(page, project.id, "webgl");
    await train(page, project.id, "webgpu");

    // Predicting in the Playground, and every other tab of the project.
    await page.goto(`/projects/${project.id}/playground`);
    await chat(page, "What time do you open?");
    for (const tab of ["data", "evaluate", "api", "monitor", ""]) {
      await page.goto(`/projects/${project.id}/${tab}`);
      await expect(page.locator("main")).toBeVisible();
    }
    await page.goto("/projects");
    await page.goto("/projects/new");

    // Share & Embed: the link, the embed for the host site, the live preview (a same-origin frame).
    await page.goto(`/projects/${project.id}/share`);
    await page.getByTestId("share-enabled").check();
    await expect(page.getByTestId("share-state")).toHaveAttribute("data-state", "on");
    const shareUrl = await page.getByTestId("share-url").inputValue();
    await page.getByTestId("embed-enabled").check();
    await expect(page.getByTestId("embed-script-snippet")).toBeVisible();
    await page.getByTestId("embed-origin-input").fill(shop.origin);
    await page.getByTestId("embed-origin-add").click();
    await expect(page.getByTestId("embed-origin")).toHaveCount(1);
    await expect(page.frameLocator('[data-testid="embed-preview"]').getByTestId("embed-title")).toBeVisible();
    const slug = /data-model="([A-Za-z0-9_-]+)"/.exec(await page.getByTestId("embed-script-snippet").inputValue())![1];
    shop.setSlug(slug);

    // A visitor: the share page predicts, and the widget on the host site predicts in its frame.
    const visitor = await browser.newContext({ locale: "en-US" });
    try {
      await watchViolations(visitor, violations);
      const v = await visitor.newPage();
      await v.goto(shareUrl);
      await expect(v.getByTestId("shared-model-name")).toHaveText("CSP bot");
      await chat(v, "Do you deliver?");
      await v.goto(`${BASE_URL}/m/AAAAAAAAAAAAAAAAAAAAAA`);
      await expect(v.getByTestId("link-unavailable")).toBeVisible();

      await v.goto(`${shop.origin}/`);
      await v.locator('[data-ams="bubble"]').click();
      const widget = v.frameLocator('iframe[data-ams="frame"]');
      await expect(widget.getByTestId("embed-title")).toBeVisible();
      await chat(widget, "When do you open?");
    } finally {
      await visitor.close();
    }
    expect(violations).toEqual([]);

    // The real headers of each page kind: a fresh nonce that Next put on every one of its scripts.
    const nonces = new Set<string>();
    for (const path of ["/", "/signin", "/projects", `/projects/${project.id}/train`, new URL(shareUrl).pathname, `/embed/${slug}?origin=${encodeURIComponent(shop.origin)}`]) {
      const res = await page.request.get(path, { headers: FORGED });
      expect(res.status(), path).toBe(200);
      const csp = res.headers()["content-security-policy"];
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(directive(csp, "script-src"))?.[1];
      expect(nonce, path).toBeTruthy();
      nonces.add(nonce!);
      expect(directive(csp, "script-src")).toContain("'strict-dynamic'");
      expect(directive(csp, "object-src")).toBe("object-src 'none'");
      expect(directive(csp, "frame-ancestors"), path).toBe(path.startsWith("/embed/") ? `frame-ancestors 'self' ${shop.origin}` : "frame-ancestors 'none'");
      const scripts = [...(await res.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
      // Plain http, and X-Forwarded-Proto from a client that is not a configured proxy: no HSTS.
      expect(res.headers()["strict-transport-security"], path).toBeUndefined();
    }
    expect(nonces.size).toBe(6);
  } finally {
    await shop.close();
  }
});

test("a duplicated ?origin= gets a frame-ancestors naming no other origin and the plain refusal, also from an allowed site", async ({ page, browser }) => {
  const q = (origins: string[]) => origins.map((o) => `origin=${encodeURIComponent(o)}`).join("&");
  let origin = "";
  const shop = await hostSite(
    (slug) => `<iframe id="one" src="${BASE_URL}/embed/${slug}?${q([origin])}"></iframe><iframe id="dup" src="${BASE_URL}/embed/${slug}?${q([origin, origin])}"></iframe>`,
  );
  origin = shop.origin;
  try {
    const project = await trainSampleIntentBot(page, "Duplicate origin bot");
    const res = await page.request.patch(`/api/projects/${project.id}/embed`, { data: { enabled: true, allowedOrigins: [shop.origin] } });
    expect(res.status()).toBe(200);
    const slug = (await res.json()).embed.slug as string;
    shop.setSlug(slug);

    // The real header and page, read directly as the browser would ask for them in a frame.
    const frameHeaders = { referer: `${shop.origin}/`, "sec-fetch-dest": "iframe" };
    for (const origins of [[shop.origin, "https://evil.example"], ["https://evil.example", shop.origin], [shop.origin, shop.origin]]) {
      const r = await page.request.get(`/embed/${slug}?${q(origins)}`, { headers: frameHeaders });
      expect(directive(r.headers()["content-security-policy"], "frame-ancestors"), origins.join(" ")).toBe("frame-ancestors 'self'");
      const html = await r.text();
      expect(html).toContain("Chat not available here");
      expect(html).not.toContain("Duplicate origin bot");
    }
    const single = await page.request.get(`/embed/${slug}?${q([shop.origin])}`, { headers: frameHeaders });
    expect(directive(single.headers()["content-security-policy"], "frame-ancestors")).toBe(`frame-ancestors 'self' ${shop.origin}`);
    expect(await single.text()).toContain("Duplicate origin bot");

    // In a browser on the allowed site: one ?origin= shows the widget; the duplicate is refused.
    const context = await browser.newContext({ locale: "en-US" });
    try {
      const v = await context.newPage();
      const dupResponse = v.waitForResponse((r) => r.url().includes(`/embed/${slug}?`) && r.url().split("origin=").length === 3);
      await v.goto(`${shop.origin}/`);
      expect(directive((await dupResponse).headers()["content-security-policy"], "frame-ancestors")).toBe("frame-ancestors 'self'");
      await expect(v.frameLocator("#one").getByTestId("embed-title")).toHaveText("Duplicate origin bot");
      await expect(v.frameLocator("#dup").getByTestId("embed-title")).toHaveCount(0);
    } finally {
      await context.close();
    }
  } finally {
    await shop.close();
  }
});

test("forged X-Forwarded-Host/Proto reach neither the OpenAPI document nor the links and snippets the studio shows", async ({ page, browser }) => {
  const doc = await page.request.get("/api/v1/openapi.json", { headers: FORGED });
  expect(doc.status()).toBe(200);
  expect((await doc.json()).servers).toEqual([{ url: "/api/v1" }]);
  expect(await doc.text()).not.toContain("attacker");

  const project = await trainSampleIntentBot(page, "Forged host bot");
  expect((await page.request.patch(`/api/projects/${project.id}/share`, { data: { enabled: true } })).status()).toBe(200);
  expect((await page.request.patch(`/api/projects/${project.id}/embed`, { data: { enabled: true } })).status()).toBe(200);
  expect((await page.request.post(`/api/projects/${project.id}/api-keys`, { data: { name: "k" } })).status()).toBe(201);

  // The owner's own pages, requested with forged headers (as a misbehaving proxy or cache would).
  const context = await browser.newContext({ locale: "en-US", storageState: await page.context().storageState(), extraHTTPHeaders: FORGED });
  try {
    const owner = await context.newPage();
    await owner.goto(`${BASE_URL}/projects/${project.id}/share`);
    await expect(owner.getByTestId("share-url")).toHaveValue(new RegExp(`^${BASE_URL}/m/[A-Za-z0-9_-]{22}$`));
    await expect(owner.getByTestId("embed-script-snippet")).toHaveValue(new RegExp(`^<script src="${BASE_URL}/embed.js"`));
    await expect(owner.getByTestId("embed-iframe-snippet")).toHaveValue(new RegExp(`^<iframe src="${BASE_URL}/embed/`));
    await owner.goto(`${BASE_URL}/projects/${project.id}/api`);
    await expect(owner.getByTestId("api-endpoint")).toHaveText(new RegExp(`^POST ${BASE_URL}/api/v1/models/`));
    await expect(owner.getByTestId("api-snippet")).toContainText(`${BASE_URL}/api/v1/models/`);
    const html = await (await owner.request.get(`${BASE_URL}/projects/${project.id}/api`, { headers: FORGED })).text();
    expect(html).not.toContain("attacker.example");
  } finally {
    await context.close();
  }
});
