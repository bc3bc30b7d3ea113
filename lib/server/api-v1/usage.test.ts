import { describe, expect, it } from "vitest";
import { db } from "../db";
import { flushApiUsage, recordApiUse } from "./usage";

async function projectWithKey(email: string) {
  const user = await db.user.create({ data: { email, passwordHash: "x" } });
  const project = await db.project.create({ data: { ownerId: user.id, name: "usage", scene: "intent-chatbot", modelType: "ngram-bag" } });
  const key = await db.apiKey.create({ data: { projectId: project.id, name: "k", prefix: "ams_x", keyHash: `${Math.random()}` } });
  return { project, key };
}

const event = (projectId: string, i: number) => ({ projectId, modelVersionId: null, label: `l${i}`, confidence: 0.5, latencyMs: 1 });

// Runs on the in-process queue, and on the Redis list when REDIS_URL is set (the PostgreSQL + Redis run).
describe(`API use, written behind the answers (${process.env.REDIS_URL ? "Redis" : "in-process"} queue)`, () => {
  it("writes every queued event exactly once and the key's last use", async () => {
    const { project, key } = await projectWithKey(`usage-${Math.random()}@example.test`);
    for (let i = 0; i < 30; i++) recordApiUse(key.id, [event(project.id, i), event(project.id, i + 100)]);
    await flushApiUsage();
    await flushApiUsage();
    const rows = await db.predictionEvent.findMany({ where: { projectId: project.id }, select: { label: true, channel: true, input: true, confidence: true, latencyMs: true, fallback: true, createdAt: true } });
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.label)).size).toBe(60);
    expect(rows.every((r) => r.channel === "api" && r.input === null && r.confidence === 0.5 && r.latencyMs === 1 && r.fallback === false)).toBe(true);
    // the time each answer was given, readable as a date like any row Prisma wrote
    expect(rows.every((r) => Math.abs(r.createdAt.getTime() - Date.now()) < 60_000)).toBe(true);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).not.toBeNull();
  });

  it("a project deleted before the flush loses only its own events", async () => {
    const gone = await projectWithKey(`usage-gone-${Math.random()}@example.test`);
    const kept = await projectWithKey(`usage-kept-${Math.random()}@example.test`);
    recordApiUse(gone.key.id, [event(gone.project.id, 1)]);
    recordApiUse(kept.key.id, [event(kept.project.id, 1), event(kept.project.id, 2)]);
    await db.project.delete({ where: { id: gone.project.id } });
    await flushApiUsage();
    expect(await db.predictionEvent.count({ where: { projectId: kept.project.id } })).toBe(2);
  });
});
