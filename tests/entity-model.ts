import { expect } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { trainEntityTagger } from "@/lib/ml/entities/train-tagger";
import { entitySentences } from "@/lib/ml/testing";
import { call } from "./route-helpers";

let bundle: Promise<Uint8Array> | null = null;

/**
 * A small entity tagger (CITY, DATE, PERSON; English and Chinese template sentences), trained once
 * per test file on the tfjs backend already set (about 3 s on cpu). It finds the entities of
 * sentences such as "Please call Anna Schmidt on Monday".
 */
export function smallEntityBundle(): Promise<Uint8Array> {
  return (bundle ??= trainEntityTagger(entitySentences(40, 2), { preset: "fast", seed: 1, hyperparams: { epochs: 4 } }).then((t) => t.bundle));
}

/** A project of the user's: an entity-extraction project, or another scene; with the small tagger saved as its model unless `trained: false`. */
export async function entityProject(cookie: string, opts: { trained?: boolean; scene?: string; modelType?: string } = {}): Promise<string> {
  const scene = opts.scene ?? "entity-extraction";
  const created = await call(createProjectRoute, {
    body: { name: `entities-${Math.random()}`, scene, modelType: opts.modelType ?? (scene === "entity-extraction" ? "cnn-tagger" : "ngram-bag"), interfaces: ["api"] },
    cookie,
  });
  expect(created.status).toBe(201);
  const id = created.json.project.id as string;
  if (opts.trained ?? true) {
    const saved = await call(saveModelRoute, { rawBody: new Blob([(await smallEntityBundle()) as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie, params: { id } });
    expect(saved.status).toBe(201);
  }
  return id;
}
