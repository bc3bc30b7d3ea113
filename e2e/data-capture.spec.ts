import { decodeWav } from "../lib/data/audio";
import { createProjectApi, createUser, expect, test } from "./fixtures";

// Chromium runs with a fake camera (a moving test pattern) and, as the microphone, the file
// public/samples/voice-commands/test-yes.wav played in a loop (see playwright.config.ts).

test.beforeEach(async ({ page }) => {
  await createUser(page.request);
});

test("webcam: hold the button to capture a burst into a class; the new pictures show in that class", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Hand signs", scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["buttons"] });
  await page.goto(`/projects/${project.id}/data`);
  await expect(page.getByText("No examples yet.").first()).toBeVisible();

  // A new class becomes the class captures go into.
  await page.getByLabel("New class").fill("thumbs up");
  await page.getByRole("button", { name: "Add class" }).click();
  await expect(page.getByTestId("data-notice")).toHaveText("Class “thumbs up” added.");
  await expect(page.getByTestId("drop-class")).toHaveValue("thumbs up");

  const webcam = page.getByTestId("webcam");
  await webcam.getByRole("button", { name: "Turn camera on" }).click();
  const record = webcam.getByRole("button", { name: "Hold to record “thumbs up”" });
  await expect(record).toBeVisible();
  await expect.poll(() => webcam.locator("video").evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);

  await record.hover();
  await page.mouse.down();
  await page.waitForTimeout(700);
  await page.mouse.up();
  await expect(webcam).toContainText(/\d+ pictures captured/);
  const captured = Number((await webcam.textContent())!.match(/(\d+) pictures captured/)![1]);
  expect(captured).toBeGreaterThanOrEqual(3);

  const group = page.getByTestId("class-group").filter({ has: page.getByRole("heading", { name: /^thumbs up/ }) });
  await expect(group.getByTestId("thumbnail")).toHaveCount(captured);
  const thumb = group.getByTestId("thumbnail").first();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(224);

  // Stored on the server as JPEGs in that class, and still there after a reload.
  const samples = await (await page.request.get(`/api/projects/${project.id}/samples`)).json();
  expect(samples.total).toBe(captured);
  expect(samples.samples.every((s: { label: string; fileName: string }) => s.label === "thumbs up" && /^webcam-\d+\.jpg$/.test(s.fileName))).toBe(true);
  await webcam.getByRole("button", { name: "Turn camera off" }).click();
  await page.reload();
  await expect(group.getByTestId("thumbnail")).toHaveCount(captured);
});

test("microphone: record a clip into “yes”, see its waveform, play it, keep it; it is listed as a WAV clip", async ({ page }) => {
  const project = await createProjectApi(page.request, { name: "Voice", scene: "voice-commands", modelType: "speech-embedding", interfaces: ["buttons"] });
  await page.goto(`/projects/${project.id}/data`);
  await page.getByLabel("New class").fill("yes");
  await page.getByRole("button", { name: "Add class" }).click();
  await expect(page.getByTestId("drop-class")).toHaveValue("yes");

  const mic = page.getByTestId("mic-recorder");
  await mic.getByRole("button", { name: "Turn microphone on" }).click();
  await expect(mic.getByLabel("1 second")).toBeChecked();

  // A 2-second take, discarded: nothing is stored.
  await mic.getByLabel("2 seconds").check();
  await mic.getByRole("button", { name: "Record “yes”" }).click();
  await expect(mic.getByTestId("clip-review")).toBeVisible({ timeout: 10_000 });
  await expect.poll(() => mic.getByTestId("clip-playback").evaluate((a: HTMLAudioElement) => (a.readyState >= 1 ? Math.round(a.duration) : 0))).toBe(2);
  await mic.getByRole("button", { name: "Discard" }).click();
  await expect(mic.getByTestId("clip-review")).toHaveCount(0);

  // A 1-second take, kept.
  await mic.getByLabel("1 second").check();
  await mic.getByRole("button", { name: "Record “yes”" }).click();
  await expect(mic.getByRole("button", { name: "Recording…" })).toBeVisible();
  const review = mic.getByTestId("clip-review");
  await expect(review).toBeVisible({ timeout: 10_000 });
  // The waveform preview is drawn on a canvas: many coloured pixels, not an empty box.
  const preview = review.getByRole("img", { name: "Waveform of the recording" });
  await expect(preview).toBeVisible();
  const inked = await preview.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] > 150 && d[i] < 150) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(200);
  await expect(review).not.toContainText("Nothing was heard");
  // Playback before keeping it.
  const playback = review.getByTestId("clip-playback");
  await expect.poll(() => playback.evaluate((a: HTMLAudioElement) => (a.readyState >= 1 ? Math.round(a.duration * 10) / 10 : 0))).toBe(1);
  await playback.evaluate((a: HTMLAudioElement) => {
    a.muted = true;
    return a.play();
  });
  await expect.poll(() => playback.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThan(0);

  await review.getByRole("button", { name: "Keep" }).click();
  await expect(page.getByTestId("data-notice")).toHaveText("1 example added.");
  await expect(mic).toContainText("1 clip kept");
  const group = page.getByTestId("class-group").filter({ has: page.getByRole("heading", { name: /^yes/ }) });
  await expect(group.getByTestId("clip")).toHaveCount(1);
  // The thumbnail waveform is decoded once it scrolls into view.
  await group.getByTestId("clip-waveform").scrollIntoViewIfNeeded();
  await expect(group.getByTestId("clip-waveform")).toHaveAttribute("data-drawn", "true");
  await expect(page.getByTestId("label-bar").filter({ hasText: "yes" }).getByTestId("label-count")).toHaveText("1");

  // On the server: one 16-bit, 16 kHz, 1-second WAV in "yes" that holds the spoken word.
  const samples = await (await page.request.get(`/api/projects/${project.id}/samples`)).json();
  expect(samples.total).toBe(1);
  const s = samples.samples[0];
  expect(s.label).toBe("yes");
  expect(s.fileName).toMatch(/^yes-\d{8}-\d{6}-1\.wav$/);
  expect(s.data).toMatchObject({ format: "wav", durationSec: 1 });
  const wav = await (await page.request.get(`/api/projects/${project.id}/blobs/${s.blobId}`)).body();
  const decoded = decodeWav(new Uint8Array(wav));
  expect(decoded.ok).toBe(true);
  if (decoded.ok) {
    expect(decoded.value.sampleRate).toBe(16_000);
    const x = decoded.value.samples;
    const rms = Math.sqrt(x.reduce((n, v) => n + v * v, 0) / x.length);
    expect(rms).toBeGreaterThan(0.005);
  }

  // Turning the microphone off and leaving the page releases it.
  await mic.getByRole("button", { name: "Turn microphone off" }).click();
  await expect(mic.getByRole("button", { name: "Turn microphone on" })).toBeVisible();
});
