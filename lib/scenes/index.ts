import type { InterfaceId, Localized, SceneDecl } from "./types";
import { textClassification } from "./text-classification";
import { intentChatbot } from "./intent-chatbot";
import { faqRetrieval } from "./faq-retrieval";
import { entityExtraction } from "./entity-extraction";
import { imageRecognition } from "./image-recognition";
import { imageTagging } from "./image-tagging";
import { voiceCommands } from "./voice-commands";
import { tabularPrediction } from "./tabular-prediction";
import { recommendation } from "./recommendation";

export * from "./types";

/** Every scene, in the order the wizard shows them. Add a scene here and nowhere else. */
export const SCENES: readonly SceneDecl[] = [
  imageRecognition,
  textClassification,
  intentChatbot,
  faqRetrieval,
  entityExtraction,
  voiceCommands,
  tabularPrediction,
  recommendation,
  imageTagging,
];

const BY_ID = new Map(SCENES.map((s) => [s.id, s]));

export const SCENE_IDS = SCENES.map((s) => s.id) as readonly string[];

export function getScene(id: string): SceneDecl | undefined {
  return BY_ID.get(id);
}

/** The recommended model type if it is available, else the first available one, else the first. */
export function defaultModelType(scene: SceneDecl): string {
  const available = scene.modelTypes.filter((m) => m.available);
  return (available.find((m) => m.recommended) ?? available[0] ?? scene.modelTypes[0]).id;
}

/** Names of the interfaces, shown in the wizard and the workspace. */
export const INTERFACES: Record<InterfaceId, { name: Localized; description: Localized }> = {
  chat: {
    name: { en: "Chat dialog", "zh-CN": "聊天对话" },
    description: { en: "People type and the model answers.", "zh-CN": "用户输入文字，模型作答。" },
  },
  buttons: {
    name: { en: "Buttons and widgets", "zh-CN": "按钮与小组件" },
    description: {
      en: "Suggested inputs, quick replies, image drop, forms and feedback buttons.",
      "zh-CN": "推荐输入、快捷回复、图片拖放、表单和反馈按钮。",
    },
  },
  share: {
    name: { en: "Public share link", "zh-CN": "公开分享链接" },
    description: { en: "A page anyone with the link can use, no account needed.", "zh-CN": "任何拿到链接的人都能使用，无需账号。" },
  },
  embed: {
    name: { en: "Embeddable chat widget", "zh-CN": "可嵌入聊天组件" },
    description: { en: "A chat bubble for your own website, one snippet to paste.", "zh-CN": "粘贴一段代码，为你的网站加上聊天气泡。" },
  },
  api: {
    name: { en: "REST API", "zh-CN": "REST API" },
    description: { en: "Call the model from your own code with an API key.", "zh-CN": "用 API 密钥在你自己的代码中调用模型。" },
  },
};

/** Checks a wizard choice against the registry; returns an error code or null. */
export function validateSceneChoice(
  sceneId: string,
  modelType: string,
  interfaces: readonly string[],
): "unknown-scene" | "unknown-model-type" | "no-interface" | "unsupported-interface" | null {
  const scene = getScene(sceneId);
  if (!scene) return "unknown-scene";
  if (!scene.modelTypes.some((m) => m.id === modelType)) return "unknown-model-type";
  if (interfaces.length === 0) return "no-interface";
  if (interfaces.some((i) => !(scene.interfaces as readonly string[]).includes(i))) return "unsupported-interface";
  return null;
}
