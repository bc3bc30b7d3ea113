import { createHash } from "node:crypto";
import * as tf from "@tensorflow/tfjs";
import { zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { GET as infoRoute, PATCH as specRoute, POST as uploadRoute } from "./route";
import { GET as packageRoute } from "./package/route";
import { buildBackbonePackage, type UploadedFile } from "@/lib/ml/backbones/custom-package";
import { tinyLayersBackbone, tinyOnnxBackbone } from "@/lib/ml/backbones/custom-testing";
import { readBlob } from "@/lib/server/blob-store";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function form(files: UploadedFile[]): FormData {
  const f = new FormData();
  for (const file of files) f.append("files", new Blob([file.bytes as BlobPart]), file.name);
  return f;
}

async function newProject(cookie: string, modelType = "custom-backbone") {
  const r = await call(createProjectRoute, { body: { name: `bb-${Math.random()}`, scene: "image-recognition", modelType, interfaces: ["buttons", "api"] }, cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

const upload = (cookie: string, id: string, files: UploadedFile[], headers: Record<string, string> = {}) => call(uploadRoute, { rawBody: form(files), cookie, params: { id }, headers });

let alice: { cookie: string };
let projectId: string;
let folder: UploadedFile[];

beforeAll(async () => {
  await tf.setBackend("cpu");
  alice = await signUp();
  projectId = await newProject(alice.cookie);
  const tiny = await tinyLayersBackbone({ shards: 2 });
  tiny.model.dispose();
  folder = tiny.files;
});

describe("uploading a backbone (custom-backbone projects)", () => {
  it("stores a tfjs model folder as one checked package, served back to the owner", async () => {
    const none = await call(infoRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } });
    expect(none.json).toEqual({ backbone: null });
    const r = await upload(alice.cookie, projectId, folder);
    expect(r.status).toBe(201);
    const expected = buildBackbonePackage(folder).package;
    expect(r.json.backbone).toMatchObject({
      format: "tfjs-layers",
      contentHash: sha256(expected),
      byteLength: expected.byteLength,
      files: [{ name: "model.json" }, { name: "group1-shard1of2.bin" }, { name: "group1-shard2of2.bin" }],
      spec: null,
    });
    expect(Buffer.from(await readBlob(sha256(expected))).equals(Buffer.from(expected))).toBe(true);
    const info = await call(infoRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } });
    expect(info.json.backbone.contentHash).toBe(sha256(expected));
    const pkg = await call(packageRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId }, url: `http://localhost:3000/x?v=${sha256(expected)}` });
    expect(Buffer.from(await pkg.res.arrayBuffer()).equals(Buffer.from(expected))).toBe(true);
    expect(pkg.res.headers.get("cache-control")).toContain("immutable");
  });

  it("refuses a missing shard, a wrong length and a non-ONNX file with the specific message, in the user's language, writing nothing", async () => {
    const blobs = await db.blob.count();
    const before = (await call(infoRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } })).json.backbone;

    const missing = await upload(alice.cookie, projectId, folder.filter((f) => f.name !== "group1-shard2of2.bin"));
    expect(missing.status).toBe(422);
    expect(missing.json.error.message).toBe("The weight file group1-shard2of2.bin named in model.json is missing. Choose it together with model.json.");
    const zh = await upload(alice.cookie, projectId, folder.filter((f) => f.name !== "group1-shard2of2.bin"), { "accept-language": "zh-CN" });
    expect(zh.json.error.message).toBe("缺少 model.json 中列出的权重文件 group1-shard2of2.bin。请与 model.json 一起选择它。");

    const cut = folder.map((f) => (f.name === "group1-shard2of2.bin" ? { ...f, bytes: f.bytes.slice(0, f.bytes.length - 8) } : f));
    const wrong = await upload(alice.cookie, projectId, cut);
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.message).toMatch(/^The weight files group1-shard1of2\.bin, group1-shard2of2\.bin hold .+, but model\.json needs .+\. They may be from another model or cut off\.$/);

    const text = await upload(alice.cookie, projectId, [{ name: "model.onnx", bytes: new TextEncoder().encode("hello, this is not a neural network at all") }]);
    expect(text.status).toBe(422);
    expect(text.json.error.message).toMatch(/^model\.onnx is not an ONNX model \(/);

    const nothing = await upload(alice.cookie, projectId, [{ name: "readme.txt", bytes: new TextEncoder().encode("hi") }]);
    expect(nothing.json.error.message).toBe("No model found: upload model.json with its .bin files, a .zip of them, or an .onnx file.");
    const notMultipart = await call(uploadRoute, { rawBody: new Blob([new Uint8Array(10)]), headers: { "content-type": "application/octet-stream" }, cookie: alice.cookie, params: { id: projectId } });
    expect(notMultipart.status).toBe(415);
    const huge = await call(uploadRoute, { rawBody: form(folder), headers: { "content-length": String(60 * 1024 * 1024) }, cookie: alice.cookie, params: { id: projectId } });
    expect(huge.status).toBe(413);
    expect(huge.json.error.message).toBe("The backbone is larger than 48 MB. Upload a smaller model.");

    expect(await db.blob.count()).toBe(blobs);
    expect((await call(infoRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } })).json.backbone).toEqual(before);
  });

  it("records the settings measured in the browser for the stored package only; a new upload replaces both", async () => {
    const info = (await call(infoRoute, { method: "GET", cookie: alice.cookie, params: { id: projectId } })).json.backbone;
    const spec = { format: "tfjs-layers", contentHash: info.contentHash, byteLength: info.byteLength, inputHeight: 32, inputWidth: 32, normalization: "zero-one", layout: "nhwc", pooling: "none", featureDim: 12 };
    const stale = await call(specRoute, { method: "PATCH", body: { spec: { ...spec, contentHash: "a".repeat(64) } }, cookie: alice.cookie, params: { id: projectId } });
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toBe("The backbone was replaced meanwhile. Test the new one again.");
    const bad = await call(specRoute, { method: "PATCH", body: { spec: { ...spec, inputHeight: 4 } }, cookie: alice.cookie, params: { id: projectId } });
    expect(bad.status).toBe(422);
    const ok = await call(specRoute, { method: "PATCH", body: { spec, testMs: 3.5 }, cookie: alice.cookie, params: { id: projectId } });
    expect(ok.status).toBe(200);
    expect(ok.json.backbone).toMatchObject({ spec, testMs: 3.5 });

    const onnx = tinyOnnxBackbone().bytes;
    const replaced = await upload(alice.cookie, projectId, [{ name: "tiny.onnx", bytes: onnx }]);
    expect(replaced.status).toBe(201);
    expect(replaced.json.backbone).toMatchObject({ format: "onnx", spec: null, files: [{ name: "tiny.onnx", bytes: onnx.byteLength }] });
    expect(await db.customBackbone.count({ where: { projectId } })).toBe(1);
  });

  it("takes a .zip of the model folder as the same package", async () => {
    const id = await newProject(alice.cookie);
    const zip = zipSync(Object.fromEntries(folder.map((f) => [`exported/${f.name}`, f.bytes])));
    const r = await upload(alice.cookie, id, [{ name: "exported.zip", bytes: zip }]);
    expect(r.status).toBe(201);
    expect(r.json.backbone.contentHash).toBe(sha256(buildBackbonePackage(folder).package));
  });

  it("only the owner, and only on a custom-backbone project", async () => {
    const bob = await signUp();
    expect((await upload(bob.cookie, projectId, folder)).status).toBe(404);
    expect((await call(infoRoute, { method: "GET", cookie: bob.cookie, params: { id: projectId } })).status).toBe(404);
    expect((await call(packageRoute, { method: "GET", cookie: bob.cookie, params: { id: projectId } })).status).toBe(404);
    const mobilenet = await newProject(alice.cookie, "mobilenet-transfer");
    const refused = await upload(alice.cookie, mobilenet, folder);
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toBe('Only projects with the "your own backbone" model type take an uploaded backbone.');
    expect((await call(uploadRoute, { rawBody: form(folder), cookie: "" , params: { id: projectId } })).status).toBe(401);
  });
});
