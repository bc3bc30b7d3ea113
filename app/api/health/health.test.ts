import { afterEach, describe, expect, it } from "vitest";
import { GET as liveRoute } from "./route";
import { GET as readyRoute } from "./ready/route";
import { s3Backend, useBlobBackend } from "@/lib/server/blob-backends";
import { closeRedis } from "@/lib/server/redis";

afterEach(async () => {
  useBlobBackend(null);
});

describe("health", () => {
  it("liveness answers 200 without touching anything", async () => {
    const r = await liveRoute();
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ok" });
  });

  it("readiness is 200 when the database, Redis (if configured) and storage answer, and names what is in use", async () => {
    const r = await readyRoute();
    const body = await r.json();
    expect(r.status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.checks.database).toBe("ok");
    expect(body.checks.storage).toBe("ok");
    expect(body.checks.redis).toBe(process.env.REDIS_URL ? "ok" : "not-configured");
    expect(body.using.database).toBe(/^postgres/.test(process.env.DATABASE_URL ?? "") ? "postgresql" : "sqlite");
  });

  it("readiness is 503 and names the part when storage cannot be reached, without its address", async () => {
    useBlobBackend(s3Backend({ bucket: "nowhere", endpoint: "http://127.0.0.1:1", region: "us-east-1", forcePathStyle: true, prefix: "", accessKeyId: "x", secretAccessKey: "y" }));
    const r = await readyRoute();
    const body = await r.json();
    expect(r.status).toBe(503);
    expect(body).toMatchObject({ ready: false, checks: { database: "ok", storage: "down" } });
    expect(JSON.stringify(body)).not.toContain("127.0.0.1");
  });

  it("readiness is 503 when Redis is configured but does not answer", async () => {
    const saved = process.env.REDIS_URL;
    await closeRedis();
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    try {
      const r = await readyRoute();
      expect(r.status).toBe(503);
      expect((await r.json()).checks.redis).toBe("down");
    } finally {
      await closeRedis();
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  }, 30_000);
});
