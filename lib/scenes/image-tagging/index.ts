import type { SceneDecl } from "../types";

export const imageTagging: SceneDecl = {
  id: "image-tagging",
  name: { en: "Scene understanding (multi-tag images)", "zh-CN": "场景理解（多标签图片）" },
  description: {
    en: "Give each picture every tag that applies: \"outdoor\", \"people\", \"night\".",
    "zh-CN": "为每张图片打上所有适用的标签：“户外”“人物”“夜晚”。",
  },
  example: {
    en: "A street photo → outdoor, people, cars",
    "zh-CN": "一张街景照片 → 户外、人物、汽车",
  },
  icon: "🏞️",
  dataKind: "image",
  dataFormats: ["image-files", "image-zip", "csv"],
  modelTypes: [
    {
      id: "mobilenet-multilabel",
      available: true,
      name: { en: "Pretrained MobileNetV2 + tag head", "zh-CN": "预训练 MobileNetV2 + 多标签头" },
      whenToChoose: {
        en: "Recommended: one threshold per tag, tuned automatically on held-out pictures.",
        "zh-CN": "推荐：每个标签一个阈值，在验证图片上自动调优。",
      },
      recommended: true,
    },
  ],
  interfaces: ["buttons", "share", "embed", "api"],
  metrics: ["micro-f1", "macro-f1", "per-class-prf"],
  output: "multi-label",
};
