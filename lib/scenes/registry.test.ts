import { describe, expect, it } from "vitest";
import { DATA_FORMAT_IDS, INTERFACE_IDS, INTERFACES, LOCALES, SCENES, getScene, validateSceneChoice, defaultModelType } from "./index";

describe("scene registry", () => {
  it("declares the eight scenes of DESIGN.md plus multi-label tagging, with unique ids", () => {
    const ids = SCENES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      "image-recognition", "text-classification", "intent-chatbot", "faq-retrieval",
      "entity-extraction", "voice-commands", "tabular-prediction", "recommendation", "image-tagging",
    ]) expect(getScene(id), id).toBeDefined();
  });

  it.each(SCENES.map((s) => [s.id, s] as const))("%s is complete in every language", (_id, scene) => {
    for (const locale of LOCALES) {
      expect(scene.name[locale].trim(), `${scene.id} name ${locale}`).not.toBe("");
      expect(scene.description[locale].trim()).not.toBe("");
      expect(scene.example[locale].trim()).not.toBe("");
      for (const m of scene.modelTypes) {
        expect(m.name[locale].trim()).not.toBe("");
        expect(m.whenToChoose[locale].trim()).not.toBe("");
      }
    }
    expect(scene.modelTypes.length).toBeGreaterThan(0);
    expect(scene.interfaces.length).toBeGreaterThan(0);
    expect(scene.dataFormats.length).toBeGreaterThan(0);
    expect(scene.metrics.length).toBeGreaterThan(0);
    for (const i of scene.interfaces) expect(INTERFACE_IDS).toContain(i);
    for (const f of scene.dataFormats) expect(DATA_FORMAT_IDS).toContain(f);
    expect(new Set(scene.modelTypes.map((m) => m.id)).size).toBe(scene.modelTypes.length);
    expect(scene.modelTypes.filter((m) => m.recommended).length).toBeLessThanOrEqual(1);
  });

  it("preselects an available model type wherever the scene has one", () => {
    for (const scene of SCENES) {
      const chosen = scene.modelTypes.find((m) => m.id === defaultModelType(scene))!;
      if (scene.modelTypes.some((m) => m.available)) expect(chosen.available, scene.id).toBe(true);
      const recommended = scene.modelTypes.find((m) => m.recommended);
      if (recommended?.available) expect(chosen.id).toBe(recommended.id);
    }
    expect(defaultModelType(getScene("entity-extraction")!)).toBe("cnn-tagger");
    expect(defaultModelType(getScene("voice-commands")!)).toBe("speech-embedding");
  });

  it("names every interface in both languages", () => {
    for (const id of INTERFACE_IDS) for (const l of LOCALES) expect(INTERFACES[id].name[l]).not.toBe("");
  });

  it("validates a wizard choice against the registry", () => {
    const text = getScene("text-classification")!;
    expect(validateSceneChoice("text-classification", defaultModelType(text), ["chat", "api"])).toBeNull();
    expect(validateSceneChoice("nope", "ngram-bag", ["chat"])).toBe("unknown-scene");
    expect(validateSceneChoice("text-classification", "mobilenet-transfer", ["chat"])).toBe("unknown-model-type");
    expect(validateSceneChoice("text-classification", "ngram-bag", [])).toBe("no-interface");
    expect(validateSceneChoice("image-recognition", "mobilenet-transfer", ["chat"])).toBe("unsupported-interface");
  });
});
