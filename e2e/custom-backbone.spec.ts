import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BASE_URL } from "../playwright.config";
import { tinyLayersBackbone, tinyOnnxBackbone } from "../lib/ml/backbones/custom-testing";
import { createProjectApi, createUser, expect, test } from "./fixtures";

// Trains in the browser (WebAssembly backend); the backbone is tiny, so this takes seconds.
test.setTimeout(240_000);

/** A tiny tfjs layers model folder (model.json + 1 shard, any input size), written for the file pickers. */
async function tinyModelFolder(): Promise<string> {
  const { files, model } = await tinyLayersBackbone({ inputSize: null, seed: 3 });
  model.dispose();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tiny-backbone-"));
  for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.bytes);
  return dir;
}

test("your own backbone: upload a tfjs model folder, test it, train on the sample pictures, predict in the Playground, on the share page and through the API", async ({ page, browser }) => {
  await createUser(page.request);
  const project = await createProjectApi(page.request, { name: "Own backbone", scene: "image-recognition", modelType: "custom-backbone", interfaces: ["buttons", "share", "api"] });
  expect((await page.request.post(`/api/projects/${project.id}/sample-dataset`)).status()).toBe(201);
  const folder = await tinyModelFolder();

  await page.goto(`/projects/${project.id}/train`);
  const panel = page.getByTestId("backbone-panel");
  await expect(panel).toBeVisible();
  await expect(page.getByTestId("start-training")).toBeDisabled();

  // model.json without its weights: refused by the server with the file's name.
  await page.getByTestId("backbone-files-input").setInputFiles(path.join(folder, "model.json"));
  await expect(page.getByTestId("backbone-error")).toHaveText("The weight file group1-shard1of1.bin named in model.json is missing. Choose it together with model.json.");

  // The whole folder: checked, loaded in the browser, input size chosen, tested.
  await page.getByTestId("backbone-folder-input").setInputFiles(folder);
  await expect(page.getByTestId("backbone-current")).toContainText("TensorFlow.js layers model");
  await expect(page.getByTestId("backbone-inspection")).toContainText("Input: [?, ?, ?, 3] (height × width × colour)");
  await expect(panel).toContainText("The model takes pictures of any size");
  await page.getByTestId("backbone-inputHeight").fill("64");
  await page.getByTestId("backbone-inputWidth").fill("64");
  await page.getByTestId("backbone-normalization").selectOption("minus-one-one");
  await page.getByTestId("backbone-test").click();
  const ready = page.getByTestId("backbone-ready");
  await expect(ready).toContainText(/Ready: 12 features per picture, one picture in [\d.]+ ms in this browser\. 64 × 64/);
  await expect(panel).toHaveAttribute("data-ready", "true");

  await page.getByRole("radio", { name: /Fast/ }).check({ force: true });
  await page.getByTestId("advanced").locator("summary").click();
  await page.getByTestId("backend-select").selectOption("wasm");
  await page.getByTestId("start-training").click();
  await expect(page.getByTestId("train-done")).toBeVisible({ timeout: 180_000 });
  const version = (await (await page.request.get(`/api/projects/${project.id}/models`)).json()).versions[0];
  const detail = await (await page.request.get(`/api/projects/${project.id}/models/${version.id}`)).json();
  expect(detail.version.manifest.modelType).toBe("custom-backbone");
  expect(detail.version.manifest.backbone.custom).toMatchObject({ format: "tfjs-layers", inputHeight: 64, inputWidth: 64, normalization: "minus-one-one", featureDim: 12, pooling: "none" });

  // The Playground runs the saved version in the project's worker.
  await page.goto(`/projects/${project.id}/playground`);
  await page.getByTestId("playground-image").setInputFiles("public/samples/image-recognition/triangle/triangle-01.png");
  await expect(page.getByTestId("image-result")).toContainText(/circle|square|triangle/, { timeout: 60_000 });

  // A visitor's browser loads the backbone from the bundle alone.
  const share = await page.request.patch(`/api/projects/${project.id}/share`, { data: { enabled: true } });
  expect(share.status()).toBe(200);
  const slug = (await share.json()).share.slug as string;
  const visitor = await browser.newContext({ baseURL: BASE_URL, locale: "en-US" });
  try {
    const v = await visitor.newPage();
    await v.goto(`/m/${slug}`);
    await v.getByTestId("playground-image").setInputFiles("public/samples/image-recognition/circle/circle-01.png");
    await expect(v.getByTestId("image-result")).toContainText(/circle|square|triangle/, { timeout: 60_000 });
  } finally {
    await visitor.close();
  }

  // The REST API runs the same bundle in Node.
  const key = await (await page.request.post(`/api/projects/${project.id}/api-keys`, { data: { name: "e2e" } })).json();
  const png = fs.readFileSync("public/samples/image-recognition/square/square-01.png").toString("base64");
  const api = await page.request.post(`/api/v1/models/${key.slug}/predict`, { headers: { authorization: `Bearer ${key.secret}` }, data: { input: png } });
  expect(api.status(), await api.text()).toBe(200);
  expect(["circle", "square", "triangle"]).toContain((await api.json()).label);
});

test("an ONNX backbone runs on onnxruntime-web in the browser: its NCHW input is read, its 4-D output averaged", async ({ page }) => {
  await createUser(page.request);
  const project = await createProjectApi(page.request, { name: "ONNX backbone", scene: "image-recognition", modelType: "custom-backbone", interfaces: ["buttons"] });
  expect((await page.request.post(`/api/projects/${project.id}/sample-dataset`)).status()).toBe(201);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tiny-onnx-")), "tiny-backbone.onnx");
  fs.writeFileSync(file, tinyOnnxBackbone({ size: 48, pooled: false }).bytes);

  await page.goto(`/projects/${project.id}/train`);
  await page.getByTestId("backbone-files-input").setInputFiles(file);
  await expect(page.getByTestId("backbone-current")).toContainText("ONNX model");
  await expect(page.getByTestId("backbone-inspection")).toContainText("Input: [?, 3, 48, 48] (colour × height × width)");
  await expect(page.getByTestId("backbone-panel")).toContainText("The model takes pictures of 48 × 48 pixels.");
  await expect(page.getByTestId("backbone-inputHeight")).toBeDisabled();
  await expect(page.getByTestId("backbone-normalization")).toHaveValue("imagenet");
  await page.getByTestId("backbone-test").click();
  await expect(page.getByTestId("backbone-ready")).toContainText("Ready: 8 features per picture");
  await expect(page.getByTestId("backbone-ready")).toContainText("The model gives a map of features; it is averaged over the picture.");
  await expect(page.getByTestId("start-training")).toBeEnabled();
});
