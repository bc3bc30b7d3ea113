import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeBundle } from "../bundle";
import { loadPredictor, type ClassifierPredictor } from "../predictor";
import { intentDataset } from "../testing";
import { trainTextClassifier } from "../text/train-text";
import { lightTextBagPredictor } from "./text-bag";

const TEXTS = ["i lost my card", "what is my balance", "send money to my mom please", "我的卡丢了", "", "zzz qqq unseen words", "<b>hello</b> 🙂", "a".repeat(3000)];

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("the light n-gram bag runtime (no tfjs)", () => {
  for (const [name, architecture] of [
    ["no hidden layer, sqrtn", {}],
    ["a hidden relu layer, mean", { hiddenUnits: 16, combiner: "mean" as const }],
  ] as const) {
    it(`gives tfjs's probabilities within 1e-5: ${name}`, async () => {
      const data = intentDataset(10, 4);
      const { bundle } = await trainTextClassifier(data, { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 3, architecture });
      const reference = (await loadPredictor(bundle)) as ClassifierPredictor;
      const { manifest, artifacts } = decodeBundle(bundle);
      const light = lightTextBagPredictor(manifest, artifacts as never);
      expect(light).not.toBeNull();
      const expected = await reference.predictProbabilities(TEXTS);
      const got = await light!.predictProbabilities(TEXTS);
      for (let i = 0; i < TEXTS.length; i++) {
        expect(got[i].length).toBe(expected[i].length);
        for (let j = 0; j < got[i].length; j++) expect(Math.abs(got[i][j] - expected[i][j])).toBeLessThan(1e-5);
      }
      expect((await light!.predict(TEXTS, { topK: 3 })).map((p) => p.label)).toEqual((await reference.predict(TEXTS, { topK: 3 })).map((p) => p.label));
      reference.dispose();
      light!.dispose();
      await expect(light!.predict(["x"])).rejects.toMatchObject({ code: "disposed" });
    });
  }

  it("refuses a non-string input like the tfjs predictor, and declines bundles it does not know", async () => {
    const data = intentDataset(6, 2);
    const { bundle } = await trainTextClassifier(data, { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed: 1 });
    const { manifest, artifacts } = decodeBundle(bundle);
    const light = lightTextBagPredictor(manifest, artifacts as never)!;
    await expect(light.predict([42 as unknown as string])).rejects.toMatchObject({ code: "bad-input" });
    // A layer it does not know (a text CNN's Conv1D), or a sequence model: left to tfjs.
    const topology = structuredClone(artifacts.modelTopology) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    topology.config.layers.splice(1, 0, { class_name: "Conv1D", config: { name: "conv", filters: 8, kernel_size: [3] } });
    expect(lightTextBagPredictor(manifest, { ...artifacts, modelTopology: topology } as never)).toBeNull();
    expect(lightTextBagPredictor({ ...manifest, preprocessing: { ...manifest.preprocessing, kind: "text-sequence" } } as never, artifacts as never)).toBeNull();
  });
});
