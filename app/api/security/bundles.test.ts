import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { strToU8, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { GET as backboneInfoRoute, POST as backboneRoute } from "@/app/api/projects/[id]/backbone/route";
import { tinyLayersBackbone } from "@/lib/ml/backbones/custom-testing";
import type { UploadedFile } from "@/lib/ml/backbones/custom-package";
import { intentDataset } from "@/lib/ml/testing";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { blobRoot } from "@/lib/server/blob-store";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";

let owner: { cookie: string };
let bundle: Uint8Array;
let folder: UploadedFile[];

async function project(scene: string, modelType: string) {
  const r = await call(createProjectRoute, { body: { name: `bundles-${Math.random()}`, scene, modelType, interfaces: ["api"] }, cookie: owner.cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

const postBundle = (id: string, body: BodyInit) => call(saveModelRoute, { rawBody: body, headers: { "content-type": "application/octet-stream" }, cookie: owner.cookie, params: { id } });

function form(files: UploadedFile[]): FormData {
  const f = new FormData();
  for (const file of files) f.append("files", new Blob([file.bytes as BlobPart]), file.name);
  return f;
}
const postBackbone = (id: string, files: UploadedFile[]) => call(backboneRoute, { rawBody: form(files), cookie: owner.cookie, params: { id } });

/** The bundle with its JSON header replaced (weights kept): `edit` gets the parsed header. */
function withHeader(b: Uint8Array, edit: (h: Record<string, unknown>) => unknown): Uint8Array {
  const len = new DataView(b.buffer, b.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(b.subarray(12, 12 + len)));
  const json = new TextEncoder().encode(typeof edit(header) === "string" ? (edit(header) as string) : JSON.stringify(header));
  const out = new Uint8Array(12 + json.length + (b.length - 12 - len));
  out.set(b.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(b.subarray(12 + len), 12 + json.length);
  return out;
}

const tmpFiles = () => (fs.existsSync(path.join(blobRoot(), "tmp")) ? fs.readdirSync(path.join(blobRoot(), "tmp")).length : 0);

beforeAll(async () => {
  await tf.setBackend("cpu");
  owner = await signUp();
  bundle = (await trainTextClassifier(intentDataset(5, 4), { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 4 })).bundle;
  const tiny = await tinyLayersBackbone({ shards: 1 });
  tiny.model.dispose();
  folder = tiny.files;
}, 60_000);

describe("bad model bundles through POST /api/projects/:id/models", () => {
  it("lying headers, broken JSON, mismatched weights, trailing bytes and other scenes are refused with 422; nothing is stored", async () => {
    const id = await project("intent-chatbot", "ngram-bag");
    const blobs = await db.blob.count();
    const hugeHeader = bundle.slice();
    new DataView(hugeHeader.buffer).setUint32(8, 0xffffffff, true);
    const empty = await postBundle(id, new Blob([]));
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toBe("The file is empty.");
    const cases: [string, Uint8Array][] = [
      ["magic only", new TextEncoder().encode("AIMSBNDL")],
      ["header length 4 GB", hugeHeader],
      ["header not UTF-8", withHeader(bundle, () => "\xff\xfe{")],
      ["header not JSON", withHeader(bundle, () => "{manifest:")],
      ["header an array", withHeader(bundle, () => "[]")],
      ["weights bigger than sent", withHeader(bundle, (h) => void ((h.weights as { byteLength: number }).byteLength *= 4))],
      ["weight specs describe more", withHeader(bundle, (h) => void ((h.model as { weightSpecs: { shape: number[] }[] }).weightSpecs[0].shape[0] *= 1000))],
      ["other scene in the manifest", withHeader(bundle, (h) => void ((h.manifest as { scene: string }).scene = "image-recognition"))],
      ["unknown model type", withHeader(bundle, (h) => void ((h.manifest as { modelType: string }).modelType = "../../etc/passwd"))],
      ["__proto__ in the manifest", withHeader(bundle, () => JSON.stringify({ __proto__: { polluted: true } }))],
      ["trailing bytes", new Uint8Array([...bundle, 1, 2, 3])],
      ["bit flip in the weights", (() => {
        const b = bundle.slice();
        b[b.length - 3] ^= 0xff;
        return b;
      })()],
    ];
    for (const [what, bytes] of cases) {
      const r = await postBundle(id, new Blob([bytes as BlobPart]));
      expect(r.status, `${what}: ${JSON.stringify(r.json)}`).toBe(422);
      expect(r.json.error.message, what).toMatch(/could not be saved|different kind of project/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await db.modelVersion.count({ where: { projectId: id } })).toBe(0);
    expect(await db.blob.count()).toBe(blobs);
    // The real bundle is still accepted afterwards.
    expect((await postBundle(id, new Blob([bundle as BlobPart]))).status).toBe(201);
  });

  it("a body over the bundle limit, sent in chunks without a length, is cut off with 413 and leaves no file behind", async () => {
    const id = await project("intent-chatbot", "ngram-bag");
    const before = tmpFiles();
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        sent++;
        if (sent > 70) c.close();
        else c.enqueue(chunk);
      },
    });
    const r = await postBundle(id, body as unknown as BodyInit);
    expect(r.status).toBe(413);
    expect(sent).toBeLessThan(70);
    expect(tmpFiles()).toBe(before);
    expect(await db.modelVersion.count({ where: { projectId: id } })).toBe(0);
  });
});

describe("bad backbone packages through POST /api/projects/:id/backbone", () => {
  it("path tricks in shard names and ZIP entries, a ZIP bomb, too many files and broken model.json are refused; nothing is stored or read from disk", async () => {
    const id = await project("image-recognition", "custom-backbone");
    const blobs = await db.blob.count();
    const modelJson = folder.find((f) => f.name === "model.json")!;
    const shard = folder.find((f) => f.name !== "model.json")!;
    const manifest = JSON.parse(new TextDecoder().decode(modelJson.bytes));
    const pointing = (p: string) => {
      const m = structuredClone(manifest);
      m.weightsManifest[0].paths = [p];
      return { name: "model.json", bytes: strToU8(JSON.stringify(m)) };
    };
    const cases: [string, UploadedFile[], RegExp][] = [
      ["shard path ../../etc/passwd", [pointing("../../../../etc/passwd")], /passwd.*missing/],
      ["absolute shard path", [pointing("/etc/hostname")], /hostname.*missing/],
      ["shard path to the database", [pointing(`../../${path.basename(process.env.DATABASE_URL ?? "test.db")}`)], /missing/],
      ["zip slip inside the zip", [{ name: "bb.zip", bytes: zipSync({ "../model.json": modelJson.bytes, [`../${shard.name}`]: shard.bytes }) }], /Choose the model files/],
      ["zip bomb", [{ name: "bb.zip", bytes: zipSync({ "model.json": modelJson.bytes, [shard.name]: new Uint8Array(60 * 1024 * 1024) }, { level: 9 }) }], /larger than 48 MB|group1-shard1of1\.bin .*missing/],
      ["1,000 files", Array.from({ length: 1000 }, (_, i) => ({ name: `f${i}.bin`, bytes: new Uint8Array(4) })), /No model found/],
      ["model.json not JSON", [{ name: "model.json", bytes: strToU8("{ not json") }, shard], /model\.json/],
      ["model.json with __proto__", [{ name: "model.json", bytes: strToU8('{"__proto__": {"polluted": true}, "modelTopology": {}, "weightsManifest": []}') }, shard], /model\.json/],
      ["ONNX garbage", [{ name: "m.onnx", bytes: new Uint8Array(4096).fill(0xff) }], /not an ONNX model/],
    ];
    for (const [what, files, message] of cases) {
      const r = await postBackbone(id, files);
      expect(r.status, `${what}: ${JSON.stringify(r.json)}`).toBeGreaterThanOrEqual(400);
      expect(r.status, what).toBeLessThan(500);
      expect(r.json.error.message, what).toMatch(message);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await call(backboneInfoRoute, { method: "GET", cookie: owner.cookie, params: { id } })).json.backbone).toBeNull();
    expect(await db.blob.count()).toBe(blobs);
    expect((await postBackbone(id, folder)).status).toBe(201);
  });
});
