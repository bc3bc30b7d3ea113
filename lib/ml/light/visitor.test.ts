import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPredictor, type ClassifierPredictor } from "../predictor";
import { intentDataset } from "../testing";
import { trainTextClassifier } from "../text/train-text";
import { lightVisitorModel } from "./visitor";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** The packages a module loads at run time, following its relative and "@/" imports (type-only imports skipped). */
function runtimePackages(file: string, seen = new Set<string>(), packages = new Set<string>()): Set<string> {
  if (seen.has(file)) return packages;
  seen.add(file);
  const source = fs.readFileSync(file, "utf8");
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)) {
    const spec = m[1];
    const local = spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : spec.startsWith("@/") ? path.resolve(spec.slice(2)) : null;
    if (!local) {
      packages.add(spec);
      continue;
    }
    const found = [`${local}.ts`, `${local}.tsx`, path.join(local, "index.ts"), local].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    if (!found) throw new Error(`cannot resolve ${spec} from ${file}`);
    runtimePackages(found, seen, packages);
  }
  return packages;
}

describe("models a visitor's page runs without tfjs", () => {
  it("a published n-gram bag bot runs on the page, with the probabilities of the tfjs predictor", async () => {
    const data = intentDataset(10, 4);
    const { bundle } = await trainTextClassifier(data, { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 4 });
    const light = lightVisitorModel(bundle);
    expect(light).not.toBeNull();
    const reference = (await loadPredictor(bundle)) as ClassifierPredictor;
    const texts = ["i lost my card", "what is my balance", "完全没见过", ""];
    const expected = await reference.predictProbabilities(texts);
    const got = await light!.predictor.predictProbabilities(texts);
    for (let i = 0; i < texts.length; i++) for (let c = 0; c < expected[i].length; c++) expect(Math.abs(got[i][c] - expected[i][c])).toBeLessThan(1e-5);
    expect((await light!.predictor.predict(["i lost my card"], { topK: 3 }))[0].topK).toHaveLength(3);
    expect(light!.manifest.labels).toEqual(reference.labels);
    reference.dispose();
  });

  it("any other model goes to the worker (null)", async () => {
    const data = intentDataset(10, 4);
    const { bundle } = await trainTextClassifier(data, {
      modelType: "text-cnn",
      scene: "intent-chatbot",
      preset: "fast",
      seed: 4,
      hyperparams: { epochs: 1 },
      architecture: { embeddingDim: 4, filters: 4 },
      tokenizer: { buckets: 1024, maxLength: 8 },
    });
    expect(lightVisitorModel(bundle)).toBeNull();
  });

  it("loads no tfjs, onnxruntime or other model runtime", () => {
    const packages = [...runtimePackages(path.resolve("lib/ml/light/visitor.ts"))];
    expect(packages.filter((p) => /tensorflow|onnxruntime/.test(p))).toEqual([]);
    // and the walker does see a runtime package where there is one
    expect([...runtimePackages(path.resolve("lib/ml/bundle-tf.ts"))]).toContain("@tensorflow/tfjs");
  });
});
