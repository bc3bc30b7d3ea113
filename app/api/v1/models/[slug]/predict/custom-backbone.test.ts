import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as uploadBackboneRoute, PATCH as backboneSpecRoute } from "@/app/api/projects/[id]/backbone/route";
import { GET as backbonePackageRoute } from "@/app/api/projects/[id]/backbone/package/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { POST as createKeyRoute } from "@/app/api/projects/[id]/api-keys/route";
import { POST as predictRoute } from "./route";
import { customBackboneId, type UploadedFile } from "@/lib/ml/backbones/custom-package";
import { tinyGraphBackbone, tinyOnnxBackbone } from "@/lib/ml/backbones/custom-testing";
import { ortDistDir } from "@/lib/ml/backbones/node";
import { decodePng } from "@/lib/ml/image/png";
import { encodePng } from "@/lib/ml/image/png-encode";
import { loadPredictor, type ClassifierPredictor } from "@/lib/ml/predictor";
import { createRng } from "@/lib/ml/random";
import type { RawImage } from "@/lib/ml/types";
import { TrainerClient } from "@/lib/ml/worker/client";
import { inProcessWorker } from "@/lib/ml/worker/testing";
import { centreCropSquare } from "@/lib/server/api-v1/images";
import { inferenceThreadInfo } from "@/lib/server/api-v1/inference-pool";
import { call, signUp } from "@/tests/route-helpers";

function pictures(perClass: number): { images: RawImage[]; labels: string[] } {
  const rng = createRng(9);
  const images: RawImage[] = [];
  const labels: string[] = [];
  ["warm", "cool"].forEach((label, c) => {
    for (let i = 0; i < perClass; i++) {
      const data = Uint8Array.from({ length: 32 * 32 * 3 }, (_, k) => (k % 3 === (c ? 2 : 0) ? 150 : 40) + rng.int(100));
      images.push({ width: 32, height: 32, channels: 3, data });
      labels.push(label);
    }
  });
  return { images, labels };
}

/** The studio's flow in Node: upload → settings measured by the worker → train → save the version. */
async function trainedProject(cookie: string, files: UploadedFile[]) {
  const p = await call(createProjectRoute, { body: { name: `cb-${Math.random()}`, scene: "image-recognition", modelType: "custom-backbone", interfaces: ["api"] }, cookie });
  const id = p.json.project.id as string;
  const form = new FormData();
  for (const f of files) form.append("files", new Blob([f.bytes as BlobPart]), f.name);
  const up = await call(uploadBackboneRoute, { rawBody: form, cookie, params: { id } });
  expect(up.status).toBe(201);
  const hash = up.json.backbone.contentHash as string;
  const pkg = new Uint8Array(await (await call(backbonePackageRoute, { method: "GET", cookie, params: { id } })).res.arrayBuffer());
  const client = new TrainerClient({ worker: inProcessWorker({ ortWasmPaths: ortDistDir() }) });
  // The in-process worker shares this process's tfjs: give the API its own backend back afterwards.
  const apiTfBackend = tf.getBackend();
  try {
    await client.checkBackend({ forced: "cpu" });
    const probe = await client.probeBackbone(pkg, hash, { inputHeight: 32, inputWidth: 32, normalization: "zero-one" });
    expect(probe.problem).toBeNull();
    const spec = probe.spec!;
    expect((await call(backboneSpecRoute, { method: "PATCH", body: { spec, testMs: probe.runMs }, cookie, params: { id } })).status).toBe(200);
    const backboneId = customBackboneId(spec);
    await client.loadBackbone(backboneId, undefined, { package: pkg, spec });
    const { images, labels } = pictures(10);
    const run = await client.train({ kind: "backbone-head", modelType: "custom-backbone", scene: "image-recognition", backboneId, images, labels, seed: 2, hyperparams: { epochs: 3, patience: 0 } });
    const saved = await call(saveModelRoute, { rawBody: new Blob([run.bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie, params: { id } });
    expect(saved.status).toBe(201);
    const key = await call(createKeyRoute, { body: { name: "k" }, cookie, params: { id } });
    return { bundle: run.bundle, key: key.json as { secret: string; slug: string } };
  } finally {
    client.dispose();
    await tf.setBackend(apiTfBackend);
  }
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("REST API: models on a user-supplied backbone run in Node from the bundle alone", () => {
  const png = encodePng({ width: 48, height: 40, channels: 3, data: Uint8Array.from({ length: 48 * 40 * 3 }, (_, i) => (i * 37) % 256) });

  for (const kind of ["onnx", "tfjs-graph"] as const) {
    it(`${kind}: the answer equals the bundle run directly`, async () => {
      const alice = await signUp();
      const files = kind === "onnx" ? [{ name: "tiny.onnx", bytes: tinyOnnxBackbone().bytes }] : tinyGraphBackbone().files;
      const { bundle, key } = await trainedProject(alice.cookie, files);
      const r = await call(predictRoute, {
        url: `http://localhost:3000/api/v1/models/${key.slug}/predict`,
        params: { slug: key.slug },
        headers: { authorization: `Bearer ${key.secret}` },
        body: { input: `data:image/png;base64,${Buffer.from(png).toString("base64")}`, topK: 2 },
      });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      // The API's own backend (tfjs-backend-wasm in Node), on the inference thread that answered.
      expect((await inferenceThreadInfo()).backend).toBe("wasm");
      const direct = (await loadPredictor(bundle, { ortWasmPaths: ortDistDir() })) as ClassifierPredictor;
      const [expected] = await direct.predict([centreCropSquare(decodePng(png))], { topK: 2 });
      direct.dispose();
      expect(r.json.label).toBe(expected.label);
      expect(Math.abs(r.json.confidence - expected.confidence)).toBeLessThan(1e-4);
    }, 120_000);
  }
});
