import type { SceneDecl } from "../types";
import { TEXT_MODEL_TYPES } from "../text-classification";

export const intentChatbot: SceneDecl = {
  id: "intent-chatbot",
  name: { en: "Intent chatbot", "zh-CN": "意图对话机器人" },
  description: {
    en: "Recognise what a visitor wants and answer with your reply and quick-reply buttons.",
    "zh-CN": "识别访客的意图，用你设定的回复和快捷按钮作答。",
  },
  example: {
    en: "\"When do you open?\" → opening_hours → \"We open 9am–6pm.\"",
    "zh-CN": "“你们几点开门？” → 营业时间 → “每天 9:00–18:00 营业。”",
  },
  icon: "💬",
  dataKind: "text",
  dataFormats: ["csv", "xlsx", "jsonl", "pasted-lines"],
  modelTypes: TEXT_MODEL_TYPES,
  interfaces: ["chat", "buttons", "share", "embed", "api"],
  metrics: ["accuracy", "macro-f1", "per-class-prf", "confusion-matrix", "fallback-rate"],
  output: "class",
};
