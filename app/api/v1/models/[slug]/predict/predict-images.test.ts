import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeWavClip } from "@/lib/ml/voice/clip";
import { loadPredictor, type ClassifierPredictor } from "@/lib/ml/predictor";
import { nodeBackbone, predictorCacheStats } from "@/lib/server/api-v1/predictor-cache";
import { inferenceThreadInfo } from "@/lib/server/api-v1/inference-pool";
import { centreCropSquare } from "@/lib/server/api-v1/images";
import { trainClassifierHead } from "@/lib/ml/image/train-head";
import { trainSmallCnn } from "@/lib/ml/image/train-small-cnn";
import { encodePng } from "@/lib/ml/image/png-encode";
import { decodePng } from "@/lib/ml/image/png";
import { decodeJpeg } from "@/lib/ml/image/jpeg";
import { encode as encodeJpeg } from "jpeg-js";
import { blobFeatures, stripeImages } from "@/lib/ml/testing";
import type { RawImage } from "@/lib/ml/types";
import { db } from "@/lib/server/db";
import { signUp } from "@/tests/route-helpers";
import { newKey, predict, projectWithModel, type Owner } from "@/tests/api-v1-helpers";

// Pictures and voice through the REST API. This file trains conv models (no conv backprop on
// wasm), so the API runs on "cpu" here; wasm-parity.test.ts checks the default wasm backend.
process.env.STUDIO_API_TF_BACKEND = "cpu";

let alice: Owner;

beforeAll(async () => {
  await tf.setBackend("cpu");
  alice = await signUp();
}, 120_000);

describe("POST /api/v1/models/{slug}/predict with pictures and sound", () => {
  it("image models take a PNG as a data URL or plain base64, centre-cropped as in training", async () => {
    const { images, labels } = stripeImages(8, 16, 4);
    const bundle = (await trainSmallCnn({ images, labels }, { seed: 2, imageSize: 16, architecture: { filters: [4], dropout: 0 }, hyperparams: { epochs: 3, batchSize: 8, learningRate: 0.01, patience: 0 } })).bundle;
    const id = await projectWithModel(alice, "image-recognition", "small-cnn", bundle);
    const key = await newKey(alice, id);
    // A wide picture: the API keeps the centre square, like the Train tab and the Playground.
    const wide: RawImage = { width: 24, height: 16, channels: 3, data: Uint8Array.from({ length: 24 * 16 * 3 }, (_, i) => (i * 37) % 256) };
    const png = encodePng(wide);
    const direct = (await loadPredictor(bundle)) as ClassifierPredictor;
    const [expected] = await direct.predict([centreCropSquare(decodePng(png))]);
    direct.dispose();
    const b64 = Buffer.from(png).toString("base64");
    const r = await predict(key.slug, key.secret, { inputs: [`data:image/png;base64,${b64}`, b64] });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    for (const p of r.json.predictions) {
      expect(p.label).toBe(expected.label);
      expect(Math.abs(p.confidence - expected.confidence)).toBeLessThan(1e-5);
    }
    // A JPEG is decoded in plain JavaScript too: the same answer as the bundle on the decoded pixels.
    const jpegBytes = new Uint8Array(encodeJpeg({ width: 24, height: 16, data: Buffer.from(Array.from({ length: 24 * 16 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256))) }, 95).data);
    const viaJpeg = (await loadPredictor(bundle)) as ClassifierPredictor;
    const [expectedJpeg] = await viaJpeg.predict([centreCropSquare(decodeJpeg(jpegBytes, 1e6))]);
    viaJpeg.dispose();
    const jpeg = await predict(key.slug, key.secret, { input: `data:image/jpeg;base64,${Buffer.from(jpegBytes).toString("base64")}` });
    expect(jpeg.status, JSON.stringify(jpeg.json)).toBe(200);
    expect(jpeg.json.label).toBe(expectedJpeg.label);
    expect(Math.abs(jpeg.json.confidence - expectedJpeg.confidence)).toBeLessThan(1e-5);
    const brokenJpeg = await predict(key.slug, key.secret, { input: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]).toString("base64") });
    expect(brokenJpeg.status).toBe(400);
    expect(brokenJpeg.json.error.message).toMatch(/^input could not be read: the JPEG file is damaged or truncated/);
    const text = await predict(key.slug, key.secret, { input: "a cat" });
    expect(text.status).toBe(400);
    expect(text.json.error.message).toMatch(/^input is not valid base64|^input is not a PNG or JPEG image/);
    const broken = await predict(key.slug, key.secret, { input: Buffer.from(png.slice(0, 30)).toString("base64") });
    expect(broken.json.error.message).toBe("input could not be read: the file is truncated.");
  });


  it("pictures are decoded and scored on an inference thread: phone photos work, pixel floods and bad items are refused per input", async () => {
    const { images, labels } = stripeImages(8, 16, 4);
    const bundle = (await trainSmallCnn({ images, labels }, { seed: 3, imageSize: 16, architecture: { filters: [4], dropout: 0 }, hyperparams: { epochs: 2, batchSize: 8, learningRate: 0.01, patience: 0 } })).bundle;
    const id = await projectWithModel(alice, "image-recognition", "small-cnn", bundle);
    const key = await newKey(alice, id);
    const versionId = (await db.project.findUniqueOrThrow({ where: { id } })).activeModelVersionId!;
    // Phone photos: a 3024×3024 JPEG (an iPhone's square photo) and a 24-megapixel PNG (6000×4000).
    // The API used to refuse anything over 2048×2048. (That decoding gives the bundle's own answer
    // is shown on small pictures above; here: accepted, answered, and off the request thread.)
    const side = 3024;
    const rgba = Buffer.alloc(side * side * 4);
    for (let i = 0; i < side * side; i++) rgba.writeUInt32BE((((((i % side) * 255) / side) << 24) | 0x8080ff) >>> 0, i * 4);
    const photo = new Uint8Array(encodeJpeg({ width: side, height: side, data: rgba }, 70).data);
    const big = encodePng({ width: 6000, height: 4000, channels: 3, data: new Uint8Array(6000 * 4000 * 3).fill(120) });
    // A pixel flood: a valid PNG header that claims 100,000 × 100,000 pixels.
    const flood = encodePng({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) });
    new DataView(flood.buffer, flood.byteOffset).setUint32(16, 100_000);
    new DataView(flood.buffer, flood.byteOffset).setUint32(20, 100_000);
    const r = await predict(key.slug, key.secret, {
      inputs: [Buffer.from(photo).toString("base64"), Buffer.from(flood).toString("base64"), "bm90IGFuIGltYWdl", Buffer.from(big).toString("base64")],
    });
    expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
    const [first, second, third, fourth] = r.json.predictions;
    expect(labels).toContain(first.label);
    expect(labels).toContain(fourth.label);
    expect(second.error).toEqual({ code: "invalid_input", message: "inputs[1] has more than 50 megapixels: make the picture smaller and send it again." });
    expect(third.error.message).toMatch(/^inputs\[2\] is not a PNG or JPEG image/);
    // The model ran on an inference thread, not on the request thread.
    expect(predictorCacheStats().versions).not.toContain(versionId);
    expect((await inferenceThreadInfo()).versions).toContain(versionId);
  }, 120_000);

  it("MobileNetV2 transfer models run the backbone in Node: same answer as the bundle with the backbone", async () => {
    const all = blobFeatures(3, 20, 1280, 3, 2.5);
    const bundle = (
      await trainClassifierHead(all, {
        seed: 1,
        backbone: { id: "mobilenet-v2-1280", package: "nsfwjs", version: "4.4.0" },
        architecture: { hiddenUnits: 8 },
        hyperparams: { epochs: 2, batchSize: 16, learningRate: 0.003, patience: 0 },
      })
    ).bundle;
    const id = await projectWithModel(alice, "image-recognition", "mobilenet-transfer", bundle);
    const key = await newKey(alice, id);
    const img: RawImage = { width: 40, height: 30, channels: 4, data: Uint8Array.from({ length: 40 * 30 * 4 }, (_, i) => (i * 13) % 256) };
    const png = encodePng(img);
    const r = await predict(key.slug, key.secret, { input: `data:image/png;base64,${Buffer.from(png).toString("base64")}` });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const backbone = await nodeBackbone("mobilenet-v2-1280")!;
    const direct = (await loadPredictor(bundle, { backbone })) as ClassifierPredictor;
    const [expected] = await direct.predict([centreCropSquare(decodePng(png))]);
    direct.dispose();
    expect(r.json.label).toBe(expected.label);
    expect(Math.abs(r.json.confidence - expected.confidence)).toBeLessThan(1e-5);
  }, 120_000);

  it("the multi-scale and mid-level MobileNetV2 features (tagging and new image models) and voice models run in Node too", async () => {
    const png = encodePng({ width: 30, height: 30, channels: 3, data: Uint8Array.from({ length: 30 * 30 * 3 }, (_, i) => (i * 29) % 256) });
    for (const [id, dim, featureGroups] of [
      ["mobilenet-v2-ms-2880", 2880, undefined],
      ["mobilenet-v2-ml-3520", 3520, [576, 864, 800, 1280]],
    ] as const) {
      const bundle = (
        await trainClassifierHead(blobFeatures(2, 12, dim, 5, 2.5), {
          seed: 1,
          backbone: { id, package: "nsfwjs", version: "4.4.0" },
          architecture: { hiddenUnits: 8 },
          featureGroups,
          hyperparams: { epochs: 2, batchSize: 16, learningRate: 0.003, patience: 0 },
        })
      ).bundle;
      const imgKey = await newKey(alice, await projectWithModel(alice, "image-recognition", "mobilenet-transfer", bundle));
      const r = await predict(imgKey.slug, imgKey.secret, { input: Buffer.from(png).toString("base64") });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      const direct = (await loadPredictor(bundle, { backbone: await nodeBackbone(id)! })) as ClassifierPredictor;
      const [expected] = await direct.predict([decodePng(png)]);
      direct.dispose();
      expect(r.json.label).toBe(expected.label);
      expect(Math.abs(r.json.confidence - expected.confidence)).toBeLessThan(1e-5);
    }

    // Voice: a WAV clip in base64, through the speech backbone and the head.
    const speech = await nodeBackbone("speech-embedding-192")!;
    const wav = fs.readFileSync(path.join(process.cwd(), "public/samples/voice-commands/test-yes.wav"));
    const clip = decodeWavClip(wav);
    const [f] = await speech.embed([clip]);
    const voiceFeatures = { features: Array.from({ length: 16 }, (_, i) => f.map((x, k) => x + (i % 2 ? 1 : -1) * ((k % 7) * 0.01 + 0.2))), labels: Array.from({ length: 16 }, (_, i) => (i % 2 ? "yes" : "no")) };
    const voiceBundle = (
      await trainClassifierHead(voiceFeatures, {
        seed: 1,
        scene: "voice-commands",
        modelType: "speech-embedding",
        backbone: { id: speech.id, package: speech.package, version: speech.version },
        architecture: { hiddenUnits: 8 },
        hyperparams: { epochs: 2, batchSize: 8, patience: 0 },
      })
    ).bundle;
    const voiceKey = await newKey(alice, await projectWithModel(alice, "voice-commands", "speech-embedding", voiceBundle));
    const v = await predict(voiceKey.slug, voiceKey.secret, { input: `data:audio/wav;base64,${wav.toString("base64")}` });
    expect(v.status, JSON.stringify(v.json)).toBe(200);
    const vDirect = (await loadPredictor(voiceBundle, { backbone: speech })) as ClassifierPredictor;
    const [vExpected] = await vDirect.predict([clip]);
    vDirect.dispose();
    expect(v.json.label).toBe(vExpected.label);
    expect(Math.abs(v.json.confidence - vExpected.confidence)).toBeLessThan(1e-5);
    const notWav = await predict(voiceKey.slug, voiceKey.secret, { input: Buffer.from("hello there").toString("base64") });
    expect(notWav.status).toBe(400);
    expect(notWav.json.error.message).toMatch(/not a WAV file/);
  }, 180_000);

});
