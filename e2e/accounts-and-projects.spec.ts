import { createProjectApi, createUser, expect, signInUi, test } from "./fixtures";

test("sign up, create a project through the wizard, rename it and sign out", async ({ page }) => {
  const email = `new-${Date.now()}@example.test`;
  await page.goto("/");
  await page.getByRole("link", { name: "Sign up" }).first().click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("The password must have at least 8 characters.")).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill("my-model-2026");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByText("You have no projects yet")).toBeVisible();

  await page.getByRole("link", { name: "Create your first project" }).click();
  await expect(page).toHaveURL(/\/projects\/new$/);
  const next = page.getByRole("button", { name: "Next" });
  await expect(next).toBeDisabled();
  await page.getByTestId("scene-intent-chatbot").click();
  await next.click();
  // The recommended model type is preselected; pick the other one deliberately.
  await expect(page.getByTestId("model-ngram-bag").getByRole("radio")).toBeChecked();
  await page.getByTestId("model-text-cnn").click();
  await next.click();
  await page.getByTestId("interface-embed").click(); // untick one
  await expect(page.getByTestId("interface-embed").getByRole("checkbox")).not.toBeChecked();
  await next.click();
  await page.getByLabel("Project name").fill("Shop helper");
  await page.getByLabel("Description (optional)").fill("Answers questions about orders");
  await page.getByRole("button", { name: "Create project" }).click();

  await expect(page).toHaveURL(/\/projects\/[^/]+\/data$/);
  await expect(page.getByTestId("project-title")).toHaveText("Shop helper");
  await expect(page.getByText("1-D convolutional network")).toBeVisible();
  await expect(page.getByText(/Chat dialog/)).toBeVisible();
  // A locked tab explains itself and links to the step that unlocks it.
  await page.getByRole("link", { name: "Playground" }).click();
  await expect(page.getByText("Train a model first.")).toBeVisible();
  await page.getByRole("link", { name: "Go to Train" }).click();
  await expect(page).toHaveURL(/\/train$/);

  await page.getByRole("link", { name: "All projects" }).click();
  const row = page.getByTestId("project-row").filter({ hasText: "Shop helper" });
  await expect(row).toBeVisible();
  await expect(row.getByText("Intent chatbot")).toBeVisible();
  await expect(row.getByTestId("project-status")).toHaveText(/No data/);

  await row.getByRole("button", { name: /Rename/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("New name").fill("Shop assistant");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("project-row").filter({ hasText: "Shop assistant" })).toBeVisible();
  await expect(page.getByText("Shop helper")).toHaveCount(0);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/projects");
  await expect(page).toHaveURL(/\/signin\?next=%2Fprojects/);
});

test("a duplicate project name and deleting with confirmation", async ({ page }) => {
  await createUser(page.request);
  await createProjectApi(page.request, { name: "Reviews" });
  await page.goto("/projects/new");
  await page.getByTestId("scene-text-classification").click();
  for (let i = 0; i < 2; i++) await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Project name").fill("Reviews");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByText("You already have a project called “Reviews”. Choose another name.")).toBeVisible();

  await page.goto("/projects");
  const row = page.getByTestId("project-row").filter({ hasText: "Reviews" });
  await row.getByRole("button", { name: /Delete/ }).click();
  await expect(page.getByRole("dialog")).toContainText("It cannot be undone.");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: /Delete/ }).click();
  await page.getByRole("button", { name: "Delete project" }).click();
  await expect(page.getByText("Project deleted.")).toBeVisible();
  await expect(page.getByTestId("project-row")).toHaveCount(0);
});

test("wrong password and duplicate email give clear messages", async ({ page, browser }) => {
  const ctx = await browser.newContext();
  const owner = await createUser(ctx.request);
  await ctx.close();

  await page.goto("/signin");
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password", { exact: true }).fill("not-the-password-1");
  await page.getByRole("button", { name: "Sign in" }).last().click();
  await expect(page.getByText(/The email or password is not correct\. 4 attempts left/)).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);

  await page.goto("/signup");
  await page.getByLabel("Email").fill(owner.email.toUpperCase());
  await page.getByLabel("Password", { exact: true }).fill("another-pass-9");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists.")).toBeVisible();

  await signInUi(page, owner);
});

test("another user cannot open someone else's project (404)", async ({ browser }) => {
  const aliceCtx = await browser.newContext();
  await createUser(aliceCtx.request);
  const project = await createProjectApi(aliceCtx.request, { name: "Alice private" });
  const alicePage = await aliceCtx.newPage();
  const own = await alicePage.goto(`/projects/${project.id}/data`);
  expect(own?.status()).toBe(200);
  await expect(alicePage.getByTestId("project-title")).toHaveText("Alice private");

  const bobCtx = await browser.newContext();
  await createUser(bobCtx.request);
  const bobPage = await bobCtx.newPage();
  const res = await bobPage.goto(`/projects/${project.id}/data`);
  expect(res?.status()).toBe(404);
  await expect(bobPage.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(bobPage.getByText("Alice private")).toHaveCount(0);
  for (const [method, url] of [
    ["get", `/api/projects/${project.id}`],
    ["patch", `/api/projects/${project.id}`],
    ["delete", `/api/projects/${project.id}`],
  ] as const) {
    const r = await bobCtx.request[method](url, method === "patch" ? { data: { name: "stolen" } } : undefined);
    expect(r.status(), `${method} ${url}`).toBe(404);
  }
  // Alice's project is untouched.
  await alicePage.reload();
  await expect(alicePage.getByTestId("project-title")).toHaveText("Alice private");
  await aliceCtx.close();
  await bobCtx.close();
});

test("switching the language changes the UI and is remembered", async ({ page }) => {
  await createUser(page.request);
  await page.goto("/projects");
  await expect(page.getByRole("heading", { name: "Your projects" })).toBeVisible();
  await page.getByTestId("language-switcher").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "我的项目" })).toBeVisible();
  await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "我的项目" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await page.goto("/projects/new");
  await expect(page.getByText("你的模型要做什么？")).toBeVisible();
  await expect(page.getByTestId("scene-image-recognition")).toContainText("图像识别");
  await page.getByTestId("language-switcher").selectOption("en");
  await expect(page.getByText("What should your model do?")).toBeVisible();
});
