import http from "node:http";
import type { Page } from "@playwright/test";
import { createUser, expect, test, type TestUser } from "./fixtures";

// Issue 11, failures 3 and 4, against the real server (scripts/server.mjs in front of the
// production build) and Chromium.

/** Sign-in through the form on whatever sign-in URL the page is at. */
async function submitSignIn(page: Page, user: TestUser) {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).last().click();
}

test("signing in from a link whose ?next= points at another site stays on this site", async ({ browser, baseURL }) => {
  const setup = await browser.newContext();
  const owner = await createUser(setup.request);
  await setup.close();
  const origin = new URL(baseURL!).origin;

  const attacks = [
    "%2F%5Cevil.example%2Fx", // /\evil.example/x
    "%2F%09%2Fevil.example%2Fx", // /<tab>/evil.example/x
    "%2F%2Fevil.example%2Fx",
    "%2F.%2F%2Fevil.example%2Fx",
    "https%3A%2F%2Fevil.example%2Fx",
    "javascript%3Aalert(document.domain)",
  ];
  for (const next of attacks) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const foreign: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(origin) && !/^(data|blob):/.test(r.url())) foreign.push(r.url());
    });
    page.on("dialog", (d) => {
      foreign.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`/signin?next=${next}`);
    await submitSignIn(page, owner);
    await expect(page, next).toHaveURL(`${origin}/projects`);
    expect(foreign, next).toEqual([]);

    // Signed in, the same link is answered by the server, which follows ?next= the same way.
    const response = await page.goto(`/signin?next=${next}`);
    expect(response?.ok(), next).toBe(true);
    expect(page.url(), next).toBe(`${origin}/projects`);
    expect(foreign, next).toEqual([]);
    await context.close();
  }

  // A path on this site is still followed, on both sides.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/signin?next=%2Fprojects%2Fnew");
  await submitSignIn(page, owner);
  await expect(page).toHaveURL(`${origin}/projects/new`);
  await page.goto("/signin?next=%2Fprojects%2Fnew");
  await expect(page).toHaveURL(`${origin}/projects/new`);
  await context.close();
});

/** A sign-in POST sent from a given loopback address, so the server sees that TCP peer. */
function signInFrom(localAddress: string, baseURL: string, body: unknown, headers: Record<string, string>): Promise<number> {
  const url = new URL("/api/auth/signin", baseURL);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data), ...headers },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

test("a client cannot choose its identity with x-studio-peer or X-Forwarded-For", async ({ baseURL }) => {
  test.setTimeout(120_000);
  // Two addresses of our own on the loopback network, unused by the other specs (they use 127.0.0.1).
  const block = 2 + Math.floor(Math.random() * 200);
  const attacker = `127.0.${block}.10`;
  const other = `127.0.${block}.11`;
  const statuses: number[] = [];
  for (let i = 0; i < 32; i++) {
    // A new email each time, so only the per-client limit (30 per 15 minutes) can stop them.
    const spoofed = `198.51.100.${i + 1}`;
    const status = await signInFrom(
      attacker,
      baseURL!,
      { email: `nobody-${block}-${i}@example.test`, password: "wrong-pass-1" },
      { "x-studio-peer": spoofed, "x-forwarded-for": spoofed, "x-real-ip": spoofed, forwarded: `for=${spoofed}` },
    );
    statuses.push(status);
  }
  expect(statuses.slice(0, 29)).toEqual(new Array(29).fill(401));
  expect(statuses.slice(29)).toEqual([429, 429, 429]);
  // The TCP peer is the identity: another address is another client.
  expect(await signInFrom(other, baseURL!, { email: `nobody-${block}-x@example.test`, password: "wrong-pass-1" }, {})).toBe(401);
});
