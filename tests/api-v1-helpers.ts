// Helpers of the REST API route tests: a project with a saved model, a key, a predict call.
import { expect } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { POST as createKeyRoute } from "@/app/api/projects/[id]/api-keys/route";
import { POST as predictRoute } from "@/app/api/v1/models/[slug]/predict/route";
import { call } from "./route-helpers";

export type Owner = { cookie: string };

export async function projectWithModel(owner: Owner, scene: string, modelType: string, bundle: Uint8Array | null) {
  const p = await call(createProjectRoute, { body: { name: `api-${Math.random()}`, scene, modelType, interfaces: ["api"] }, cookie: owner.cookie });
  const id = p.json.project.id as string;
  if (bundle) {
    const saved = await call(saveModelRoute, { rawBody: new Blob([bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie: owner.cookie, params: { id } });
    expect(saved.status).toBe(201);
  }
  return id;
}

export async function newKey(owner: Owner, id: string) {
  const r = await call(createKeyRoute, { body: { name: "test" }, cookie: owner.cookie, params: { id } });
  expect(r.status).toBe(201);
  return r.json as { secret: string; slug: string; key: { id: string } };
}

export function predict(slug: string, key: string | null, body: unknown, headers: Record<string, string> = {}) {
  return call(predictRoute, {
    url: `http://localhost:3000/api/v1/models/${slug}/predict`,
    params: { slug },
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    ...(typeof body === "string" ? { rawBody: body } : { body }),
  });
}

export const until = async (check: () => Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};
