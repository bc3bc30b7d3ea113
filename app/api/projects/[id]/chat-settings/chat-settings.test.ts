import { describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";
import { GET, PUT } from "./route";

async function bot(cookie: string) {
  const r = await call(createProjectRoute, { body: { name: `bot-${Math.random()}`, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat"] }, cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

describe("chat settings (threshold and quick replies)", () => {
  it("saves and reads them back, keeps other settings, and drops empty button lists", async () => {
    const { cookie } = await signUp();
    const id = await bot(cookie);
    await db.project.update({ where: { id }, data: { settings: JSON.stringify({ preset: "best" }) } });
    expect((await call(GET, { method: "GET", cookie, params: { id } })).json.settings).toEqual({ threshold: 0.5, quickReplies: {}, suggestions: [] });
    const put = await call(PUT, { method: "PUT", cookie, params: { id }, body: { threshold: 0.7, quickReplies: { hours: ["Open today?", "Holidays"], refund: [] }, suggestions: ["When are you open?"] } });
    expect(put.status).toBe(200);
    expect((await call(GET, { method: "GET", cookie, params: { id } })).json.settings).toEqual({ threshold: 0.7, quickReplies: { hours: ["Open today?", "Holidays"] }, suggestions: ["When are you open?"] });
    const row = await db.project.findUniqueOrThrow({ where: { id } });
    expect(JSON.parse(row.settings)).toMatchObject({ preset: "best", threshold: 0.7 });
  });

  it("refuses a threshold outside 0–1, more than four buttons, and another user's project", async () => {
    const { cookie } = await signUp();
    const id = await bot(cookie);
    expect((await call(PUT, { method: "PUT", cookie, params: { id }, body: { threshold: 1.5, quickReplies: {} } })).status).toBe(422);
    expect((await call(PUT, { method: "PUT", cookie, params: { id }, body: { threshold: 0.5, quickReplies: { a: ["1", "2", "3", "4", "5"] } } })).status).toBe(422);
    expect((await call(PUT, { method: "PUT", cookie, params: { id }, body: { threshold: 0.5, quickReplies: {}, suggestions: ["a", "b", "c", "d", "e"] } })).status).toBe(422);
    const other = await signUp();
    expect((await call(PUT, { method: "PUT", cookie: other.cookie, params: { id }, body: { threshold: 0.2, quickReplies: {} } })).status).toBe(404);
    expect((await call(GET, { method: "GET", cookie: other.cookie, params: { id } })).status).toBe(404);
  });
});
