/**
 * Writes an image model bundle for the REST API benchmark (bench/api.bench.mjs) and PNG inputs:
 * a MobileNetV2-transfer head (the product's default image model type) trained on synthetic
 * 1280-d features. Prediction cost (PNG decode, MobileNetV2 forward pass, head) does not depend on
 * the head's weights, so no real pictures are needed (sign-digits is JPEG, which the API does not
 * decode).
 *
 *   npx tsx bench/support/train-image-bundle.ts OUT_BUNDLE OUT_INPUTS_JSON [size]   # prints one JSON line
 */
import fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { trainClassifierHead } from "../../lib/ml/image/train-head";
import { encodePng } from "../../lib/ml/image/png-encode";
import { blobFeatures } from "../../lib/ml/testing";

async function main() {
  const [bundleFile, inputsFile, sizeArg = "224"] = process.argv.slice(2);
  if (!bundleFile || !inputsFile) throw new Error("usage: train-image-bundle.ts OUT_BUNDLE OUT_INPUTS_JSON [size]");
  await tf.setBackend("cpu");
  tf.env().set("PROD", true);
  const data = blobFeatures(10, 30, 1280, 5, 2.5);
  const trained = await trainClassifierHead(data, {
    seed: 1,
    backbone: { id: "mobilenet-v2-1280", package: "nsfwjs", version: JSON.parse(fs.readFileSync("node_modules/nsfwjs/package.json", "utf8")).version },
    hyperparams: { epochs: 3, batchSize: 32, learningRate: 0.003, patience: 0 },
  });
  fs.writeFileSync(bundleFile, trained.bundle);
  const size = Number(sizeArg);
  const inputs: string[] = [];
  for (let k = 0; k < 8; k++) {
    // Smooth gradients plus stripes: compresses like a photo more than noise would.
    const pixels = new Uint8Array(size * size * 3);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < 3; c++) pixels[(y * size + x) * 3 + c] = (x * (c + 1) + y * (k + 1) + (((x >> 3) + (y >> 3) + k) % 2) * 60) % 256;
    inputs.push(`data:image/png;base64,${Buffer.from(encodePng({ width: size, height: size, channels: 3, data: pixels })).toString("base64")}`);
  }
  fs.writeFileSync(inputsFile, JSON.stringify(inputs));
  console.log(JSON.stringify({ bundleBytes: trained.bundle.length, imageSize: size, pngBytes: Math.round(inputs.reduce((n, s) => n + s.length * 0.75, 0) / inputs.length) }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
