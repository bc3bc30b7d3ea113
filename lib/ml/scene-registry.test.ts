import { describe, expect, it } from "vitest";
import { SCENES } from "../scenes";
import { modelFamily, resolveHyperparams, PRESET_IDS } from "./presets";
import { IMAGE_MODEL_TYPES, SCENE_MODEL_TYPES, TABULAR_MODEL_TYPES, TEXT_MODEL_TYPES } from "./types";

const TRAINABLE: readonly string[] = [...TEXT_MODEL_TYPES, ...TABULAR_MODEL_TYPES, ...IMAGE_MODEL_TYPES, ...SCENE_MODEL_TYPES];

describe("lib/scenes ↔ lib/ml", () => {
  it("every model type a scene declares available has a trainer and presets", () => {
    const available = SCENES.flatMap((s) => s.modelTypes.filter((m) => m.available).map((m) => m.id));
    expect(available).toEqual(expect.arrayContaining(["hybrid-retriever", "bm25", "cnn-tagger", "matrix-factorization", "mobilenet-multilabel", "speech-embedding"]));
    for (const id of available) {
      expect(TRAINABLE, id).toContain(id);
      const family = modelFamily(id as Parameters<typeof modelFamily>[0]);
      for (const preset of PRESET_IDS) expect(resolveHyperparams(family, preset).epochs).toBeGreaterThan(0);
    }
  });

  it("no scene declares a model type unavailable that lib/ml can train", () => {
    for (const s of SCENES) for (const m of s.modelTypes) if (TRAINABLE.includes(m.id)) expect(m.available, `${s.id}/${m.id}`).toBe(true);
  });
});
