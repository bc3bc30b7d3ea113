import type { ModelTypeDecl, SceneDecl } from "../types";

/** Text model types are shared by the text and intent scenes. */
export const TEXT_MODEL_TYPES: readonly ModelTypeDecl[] = [
  {
    id: "ngram-bag",
    available: true,
    name: { en: "Fast n-gram model", "zh-CN": "快速 n-gram 模型" },
    whenToChoose: {
      en: "The best start: trains in seconds, works for Chinese and English, good with a few hundred examples.",
      "zh-CN": "最佳起点：几秒钟即可训练完成，中英文都适用，几百条样本就有不错的效果。",
    },
    recommended: true,
  },
  {
    id: "text-cnn",
    available: true,
    name: { en: "1-D convolutional network", "zh-CN": "一维卷积网络" },
    whenToChoose: {
      en: "When word order matters (\"not good\" vs \"good\") and you have a few thousand examples.",
      "zh-CN": "当词序很重要（如“不好”与“好”），且有几千条样本时选择。",
    },
  },
  {
    id: "onnx-encoder",
    available: false,
    name: { en: "Your own ONNX text encoder", "zh-CN": "自带 ONNX 文本编码器" },
    whenToChoose: {
      en: "If you already have a pretrained sentence encoder as an .onnx file; a small head is trained on top.",
      "zh-CN": "如果你已有预训练的句子编码器（.onnx 文件），在其上训练一个小分类头。",
    },
  },
];

export const textClassification: SceneDecl = {
  id: "text-classification",
  name: { en: "Text understanding", "zh-CN": "文本理解" },
  description: {
    en: "Sort short texts into categories: sentiment, topic, urgency, spam.",
    "zh-CN": "把短文本分到不同类别：情感、主题、紧急程度、垃圾信息等。",
  },
  example: {
    en: "\"The parcel arrived broken\" → complaint",
    "zh-CN": "“快递到了但是盒子破了” → 投诉",
  },
  icon: "📝",
  dataKind: "text",
  dataFormats: ["csv", "xlsx", "jsonl", "pasted-lines"],
  modelTypes: TEXT_MODEL_TYPES,
  interfaces: ["chat", "buttons", "share", "embed", "api"],
  metrics: ["accuracy", "macro-f1", "per-class-prf", "confusion-matrix"],
  output: "class",
};
