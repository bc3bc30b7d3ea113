import fs from "node:fs";
import path from "node:path";
import { attackInParallel, sendOversizedBody, type BodyTarget } from "../bench/support/body-attack.mjs";
import { createProjectApi, createUser, expect, test } from "./fixtures";

// Issue 11, failure 1: chunked bodies with no Content-Length were read whole before the size limit
// was checked; four parallel 450 MB bodies took the server from 0.9 to 3.9 GB. Here the real
// server (production build) gets five parallel ~200 MB bodies; each must be refused with 413 while
// it is still being sent, the connection closed, and the server's memory must hardly move.
const BODY_BYTES = 200 * 1024 * 1024;
const MAX_GROWTH_KIB = 50 * 1024;

function serverPid(): number {
  const file = path.join(process.env.E2E_DATA_DIR!, "server.pid");
  return Number(fs.readFileSync(file, "utf8").trim());
}

test("five parallel 200 MB chunked bodies get 413 at once, the connections close, and the server's memory stays flat", async ({ request, baseURL }) => {
  test.setTimeout(180_000);
  const base = baseURL!;
  const pid = serverPid();

  // The REST API needs a key of a project (no trained model: the body is read before the model).
  await createUser(request);
  const project = await createProjectApi(request, { name: "Body limits", scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "api"] });
  const keyRes = await request.post(`/api/projects/${project.id}/api-keys`, { data: { name: "limits" } });
  expect(keyRes.status(), await keyRes.text()).toBe(201);
  const { secret, slug } = (await keyRes.json()) as { secret: string; slug: string };

  const targets: BodyTarget[] = [
    { path: "/api/auth/signin" },
    // One body full of non-Latin-1 characters, from a Chinese-speaking client.
    { path: "/api/auth/signup", headers: { "accept-language": "zh-CN,zh;q=0.9" }, fill: "密码é" },
    { path: "/api/locale" },
    { path: "/api/public/events" },
    { path: `/api/v1/models/${slug}/predict`, headers: { authorization: `Bearer ${secret}` } },
  ];

  // Warm-up: each route and its refusal once (loading route code grows the process on its own).
  // 32 MB: past every route's limit, the REST API's 24 MB included.
  for (const t of targets) {
    const r = await sendOversizedBody({ base, totalBytes: 32 * 1024 * 1024, ...t });
    expect(r.status, `${t.path}: ${r.error ?? r.body}`).toBe(413);
  }
  await new Promise((r) => setTimeout(r, 1000));

  const run = await attackInParallel({ base, pid, targets, totalBytes: BODY_BYTES });
  const growthKiB = run.rssPeakKiB - run.rssBeforeKiB!;
  console.log(
    `RSS before ${Math.round(run.rssBeforeKiB! / 1024)} MiB, peak ${Math.round(run.rssPeakKiB / 1024)} MiB (+${Math.round(growthKiB / 1024)}), after ${Math.round(run.rssAfterKiB! / 1024)} MiB;`,
    run.results.map((r) => `${r.path}: ${r.status} after ${r.msToResponse} ms, ${Math.round(r.bytesSent / 1024)} KiB sent`).join("; "),
  );

  for (const r of run.results) {
    expect(r.error, r.path).toBeNull();
    expect(r.status, `${r.path}: ${r.body}`).toBe(413);
    // Answered while the body was still being sent, not after reading it.
    expect(r.bytesSent, r.path).toBeLessThan(r.totalBytes);
    // The server closes the connection instead of swallowing the rest.
    expect(r.headers.connection, r.path).toBe("close");
    expect(r.serverClosedAfterMs, `${r.path}: the server kept the connection open`).not.toBeNull();
    expect(JSON.parse(r.body).error.code, r.path).toBe("payload_too_large");
  }
  const [signin, signup, , , predict] = run.results;
  expect(JSON.parse(signin.body).error.message).toBe("This request is too large: at most 64 KB is accepted here. Send less data.");
  expect(JSON.parse(signup.body).error.message).toBe("请求过大：这里最多接受 64 KB。请减少发送的数据。");
  expect(JSON.parse(predict.body).error.message).toMatch(/^The request body is larger than 24 MB\./);

  expect(growthKiB, `the server grew by ${Math.round(growthKiB / 1024)} MiB`).toBeLessThan(MAX_GROWTH_KIB);

  // And it still answers normally.
  expect((await request.post("/api/locale", { data: { locale: "en" } })).status()).toBe(200);
});

test("pages take no body, and a route that reads none does not swallow one: both answer at once and close the connection", async ({ request, baseURL }) => {
  test.setTimeout(120_000);
  const base = baseURL!;
  const pid = serverPid();
  const targets: BodyTarget[] = [{ path: "/signin" }, { path: "/projects" }, { path: "/m/no-such-link" }, { path: "/api/auth/signout" }];
  for (const t of targets) await sendOversizedBody({ base, totalBytes: 16 * 1024 * 1024, ...t });
  await new Promise((r) => setTimeout(r, 1000));

  const run = await attackInParallel({ base, pid, targets, totalBytes: BODY_BYTES });
  const growthKiB = run.rssPeakKiB - run.rssBeforeKiB!;
  console.log(`RSS +${Math.round(growthKiB / 1024)} MiB;`, run.results.map((r) => `${r.path}: ${r.status} after ${r.msToResponse} ms`).join("; "));
  const [signinPage, projectsPage, sharePage, signout] = run.results;
  for (const r of [signinPage, projectsPage, sharePage]) expect(r.status, r.path).toBe(413);
  expect(signout.status).toBe(200);
  for (const r of run.results) {
    expect(r.error, r.path).toBeNull();
    expect(r.bytesSent, r.path).toBeLessThan(r.totalBytes);
    expect(r.headers.connection, r.path).toBe("close");
    expect(r.serverClosedAfterMs, `${r.path}: the server kept the connection open`).not.toBeNull();
  }
  expect(growthKiB, `the server grew by ${Math.round(growthKiB / 1024)} MiB`).toBeLessThan(MAX_GROWTH_KIB);

  // Pages without a body are served as before.
  expect((await request.get("/signin")).status()).toBe(200);
});
