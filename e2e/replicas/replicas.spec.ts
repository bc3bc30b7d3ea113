import { expect, request as newRequest, test, type APIRequestContext } from "@playwright/test";
import { randomUUID } from "node:crypto";

// Two replicas of the app (playwright.replicas.config.ts) sharing PostgreSQL, Redis and S3.
const base = Number(process.env.REPLICAS_PORT ?? 3410);
const A = `http://127.0.0.1:${base}`;
const B = `http://127.0.0.1:${base + 1}`;

async function predict(ctx: APIRequestContext, origin: string, slug: string, key: string, input = "what time do you open") {
  const r = await ctx.post(`${origin}/api/v1/models/${slug}/predict`, { data: { input }, headers: { authorization: `Bearer ${key}` } });
  return { status: r.status(), json: r.status() === 200 ? await r.json() : null };
}

async function newKey(ctx: APIRequestContext, origin: string, projectId: string) {
  const r = await ctx.post(`${origin}/api/projects/${projectId}/api-keys`, { data: { name: `k-${randomUUID().slice(0, 6)}` } });
  expect(r.status(), await r.text()).toBe(201);
  return (await r.json()) as { secret: string; slug: string };
}

test("two replicas share sessions, models, limits and the active version", async ({ page }) => {
  const onA = await newRequest.newContext();
  const user = { email: `replica-${randomUUID().slice(0, 8)}@example.test`, password: "training42data" };

  // Both replicas are ready on the shared services.
  for (const origin of [A, B]) {
    const ready = await (await onA.get(`${origin}/api/health/ready`)).json();
    expect(ready).toMatchObject({ ready: true, using: { database: "postgresql", storage: "s3", redis: true } });
  }

  // A session created on A works on B.
  expect((await onA.post(`${A}/api/auth/signup`, { data: user })).status()).toBe(201);
  const onB = await newRequest.newContext({ storageState: await onA.storageState() });
  const created = await onB.post(`${B}/api/projects`, { data: { name: "Replicated bot", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "api"] } });
  expect(created.status(), await created.text()).toBe(201);
  const projectId = (await created.json()).project.id as string;
  expect((await onA.get(`${A}/api/projects`)).status()).toBe(200);
  expect((await (await onA.get(`${A}/api/projects`)).json()).projects.map((p: { id: string }) => p.id)).toContain(projectId);

  // A model trained in the browser and saved through A answers on B (its bundle is in S3).
  expect((await onB.post(`${B}/api/projects/${projectId}/sample-dataset`)).status()).toBe(201);
  await page.context().addCookies((await onA.storageState()).cookies);
  await page.goto(`${A}/projects/${projectId}/train`);
  await page.getByTestId("advanced").locator("summary").click();
  await page.getByTestId("backend-select").selectOption("wasm");
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("train-done")).toBeVisible({ timeout: 240_000 });
  const key = await newKey(onA, A, projectId);
  const viaB = await predict(onB, B, key.slug, key.secret);
  const viaA = await predict(onA, A, key.slug, key.secret);
  expect(viaB.status).toBe(200);
  expect(viaB.json.modelVersion).toBe(1);
  expect(viaB.json.label).toBe(viaA.json.label);

  // One key's limit (60 per minute) holds across both replicas exactly.
  const limited = await newKey(onB, B, projectId);
  const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => predict(i % 2 ? onA : onB, i % 2 ? A : B, limited.slug, limited.secret)));
  expect(burst.filter((r) => r.status === 200).length).toBe(60);
  expect(burst.filter((r) => r.status === 429).length).toBe(40);

  // A new version saved through B is active on A at once; making v1 active again on A reaches B
  // within a second.
  const versions = (await (await onA.get(`${A}/api/projects/${projectId}/models`)).json()).versions as { id: string; number: number }[];
  const v1 = versions.find((v) => v.number === 1)!;
  const bundle = await (await onA.get(`${A}/api/projects/${projectId}/models/${v1.id}/bundle`)).body();
  const saved = await onB.post(`${B}/api/projects/${projectId}/models`, { data: bundle, headers: { "content-type": "application/octet-stream" } });
  expect(saved.status(), await saved.text()).toBe(201);
  expect((await predict(onA, A, key.slug, key.secret)).json.modelVersion).toBe(2);
  const activated = await onA.patch(`${A}/api/projects/${projectId}/models/${v1.id}`, { data: { active: true } });
  expect(activated.status()).toBe(200);
  const since = Date.now();
  let seen = 0;
  while (Date.now() - since < 5_000) {
    seen = (await predict(onB, B, key.slug, key.secret)).json.modelVersion;
    if (seen === 1) break;
  }
  expect(seen).toBe(1);
  expect(Date.now() - since).toBeLessThan(1_000);

  // A revoked key stops working on both replicas at once.
  const keys = (await (await onB.get(`${B}/api/projects/${projectId}/api-keys`)).json()).keys as { id: string; prefix: string }[];
  const first = keys.find((k) => key.secret.startsWith(k.prefix))!;
  expect((await onB.delete(`${B}/api/projects/${projectId}/api-keys/${first.id}`)).status()).toBe(200);
  expect((await predict(onA, A, key.slug, key.secret)).status).toBe(401);
  expect((await predict(onB, B, key.slug, key.secret)).status).toBe(401);

  await onA.dispose();
  await onB.dispose();
});
