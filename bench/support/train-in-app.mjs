// Training one project through the real app: its Train tab opened in a fresh headless Chromium
// with the backend forced in the Advanced settings, "Start training" clicked and the saved version
// awaited. Used by bench/train.bench.mjs (banking77) and bench/scenes.bench.mjs (every scene).
import { launch, memorySampler } from "./chromium.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const s1 = (ms) => (ms === null || ms === undefined ? null : (ms / 1000).toFixed(1));

/**
 * Trains project `projectId` on `backend` through its Train tab and returns what was seen:
 * {status: "ok" | "error" | "over-budget" | "not-supported", reason?, chromium, clickToSavedMs,
 * statusSeenMs, backendUsed, wasmThreads, fallbackReason, pageErrors?, doneText?, memory}.
 *
 * - preset: the Train tab preset ("fast", "balanced", "best"); "balanced" is the tab's default.
 * - budgetS: click → saved version must take at most this long, else "over-budget" (not counted).
 * - stopOnFallback: when the badge shows another backend than the one forced (the Train tab then
 *   shows why), stop training there and report "not-supported" with the tab's reason instead of
 *   timing the fallback backend.
 * - label: prefix of the progress lines logged every 30 s.
 */
export async function trainInApp({ server, projectId, backend, preset = "balanced", budgetS, stopOnFallback = false, label, log }) {
  const out = { status: "ok" };
  const { browser, marker } = await launch(backend);
  const mem = memorySampler(marker);
  try {
    out.chromium = browser.version();
    const context = await browser.newContext({ baseURL: server.base });
    const [name, ...rest] = server.cookie().split("=");
    await context.addCookies([{ name, value: rest.join("="), url: server.base }]);
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`/projects/${projectId}/train`);
    await page.waitForSelector('[data-testid="start-training"]:not([disabled])', { timeout: 60_000 });
    if (preset !== "balanced") await page.locator(`input[name="preset"][value="${preset}"]`).check({ force: true });
    await page.locator('[data-testid="advanced"] summary').click();
    await page.getByTestId("backend-select").selectOption(backend);
    const started = performance.now();
    await page.getByTestId("start-training").click();
    let lastEta = "";
    let lastLog = started;
    const deadline = started + budgetS * 1000;
    // When each status text ("Preparing your data…", "Training…", "Saving the model…") was first seen.
    const statusSeen = {};
    const badge = page.getByTestId("backend-badge");
    const fallback = page.getByTestId("fallback-reason");
    for (;;) {
      const status = await page.getByTestId("train-status").innerText({ timeout: 1000 }).catch(() => null);
      if (status && statusSeen[status] === undefined) statusSeen[status] = performance.now() - started;
      if (await page.getByTestId("train-done").isVisible()) break;
      if (await page.getByTestId("train-error").isVisible()) {
        out.status = "error";
        out.reason = `the Train tab showed an error: ${(await page.getByTestId("train-error").innerText()).replace(/\s+/g, " ").trim()}`;
        break;
      }
      if (stopOnFallback && (await badge.count())) {
        const used = await badge.getAttribute("data-backend").catch(() => null);
        if (used && used !== backend) {
          const why = (await fallback.count()) ? (await fallback.innerText()).trim() : "no reason shown";
          out.status = "not-supported";
          out.reason = `the Train tab used ${used} instead: "${why}"`;
          await page.getByTestId("stop-training").click({ timeout: 5000 }).catch(() => {});
          break;
        }
      }
      // Short timeouts: the ETA line disappears when training ends, and a read that waited for it
      // (Playwright's default: 30 s) would add those seconds to the measured time.
      const eta = page.getByTestId("train-eta");
      if (await eta.isVisible().catch(() => false)) lastEta = (await eta.innerText({ timeout: 1000 }).catch(() => lastEta)) || lastEta;
      if (performance.now() > deadline) {
        out.status = "over-budget";
        out.reason = `no saved version within the ${budgetS} s budget (last progress: ${lastEta || "none"}); not counted`;
        break;
      }
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(`  ${label}: ${s1(lastLog - started)} s, ${lastEta || (await page.getByTestId("train-status").innerText({ timeout: 1000 }).catch(() => "?"))}`);
      }
      await sleep(250);
    }
    out.clickToSavedMs = out.status === "ok" ? performance.now() - started : null;
    out.statusSeenMs = statusSeen;
    out.backendUsed = (await badge.count()) ? await badge.getAttribute("data-backend") : null;
    out.wasmThreads = (await badge.count()) ? await badge.getAttribute("data-wasm-threads") : null;
    out.fallbackReason = (await fallback.count()) ? (await fallback.innerText()).trim() : null;
    if (pageErrors.length) out.pageErrors = pageErrors.slice(0, 5);
    if (out.status === "ok") out.doneText = (await page.getByTestId("train-done").innerText()).replace(/\s+/g, " ").trim();
  } finally {
    out.memory = mem.stop();
    await browser.close();
  }
  return out;
}

/**
 * The newest saved version of a project: its summary from the version list (number, backend,
 * trainingMs, headline metrics) and the training record of its manifest.
 */
export async function latestVersion(client, projectId) {
  const versions = (await client("GET", `/api/projects/${projectId}/models`)).json.versions;
  const summary = versions[0];
  if (!summary) throw new Error(`project ${projectId} has no saved version`);
  const detail = (await client("GET", `/api/projects/${projectId}/models/${summary.id}`)).json.version;
  const training = detail.manifest.training ?? {};
  // What both benches record per saved version.
  const fields = {
    version: summary.number,
    versionBackend: summary.backend,
    trainingMs: summary.trainingMs,
    epochsRun: training.history?.length ?? null,
    epochsPlanned: training.hyperparams?.epochs ?? null,
    bestEpoch: training.bestEpoch ?? null,
    stoppedReason: training.stoppedReason ?? null,
    trainSamples: training.trainSamples ?? null,
    validationSamples: training.validationSamples ?? null,
    preset: training.preset ?? null,
    hyperparams: training.hyperparams ?? null,
  };
  return { summary, training, fields };
}
