import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";

export interface TestUser {
  email: string;
  password: string;
}

/** A fresh account per test, created through the real sign-up route. */
export async function createUser(request: APIRequestContext): Promise<TestUser> {
  const user = { email: `user-${randomUUID().slice(0, 8)}@example.test`, password: "training42data" };
  const res = await request.post("/api/auth/signup", { data: user });
  expect(res.status(), await res.text()).toBe(201);
  return user;
}

export async function signInUi(page: Page, user: TestUser) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).last().click();
  await expect(page).toHaveURL(/\/projects$/);
}

/** Creates a project through the API as the user whose cookies `request` holds. */
export async function createProjectApi(
  request: APIRequestContext,
  data: { name: string; scene?: string; modelType?: string; interfaces?: string[] },
): Promise<{ id: string }> {
  const res = await request.post("/api/projects", {
    data: {
      scene: "text-classification",
      modelType: "ngram-bag",
      interfaces: ["chat", "api"],
      ...data,
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).project;
}

export const test = base;

export { expect };
