import type { SceneDecl } from "../types";

export const voiceCommands: SceneDecl = {
  id: "voice-commands",
  name: { en: "Voice commands", "zh-CN": "语音指令" },
  description: {
    en: "Recognise a handful of spoken words or sounds from short recordings.",
    "zh-CN": "从短录音中识别少量口令或声音。",
  },
  example: {
    en: "\"start\", \"stop\", \"next\" → control a game or a machine",
    "zh-CN": "“开始”“停止”“下一个” → 控制游戏或设备",
  },
  icon: "🎙️",
  dataKind: "audio",
  dataFormats: ["audio-files", "audio-zip", "microphone"],
  modelTypes: [
    {
      id: "speech-embedding",
      available: true,
      name: { en: "Pretrained speech embedding + head", "zh-CN": "预训练语音嵌入 + 分类头" },
      whenToChoose: {
        en: "Recommended: works with 10–30 clips per word and tolerates different voices.",
        "zh-CN": "推荐：每个词 10–30 段录音即可，对不同说话人较稳健。",
      },
      recommended: true,
    },
  ],
  interfaces: ["buttons", "share", "embed", "api"],
  metrics: ["accuracy", "macro-f1", "confusion-matrix"],
  output: "class",
};
