import type { SceneDecl } from "../types";

export const imageRecognition: SceneDecl = {
  id: "image-recognition",
  name: { en: "Image recognition", "zh-CN": "图像识别" },
  description: {
    en: "Teach the model to tell kinds of pictures apart, from files or your webcam.",
    "zh-CN": "教模型区分不同类别的图片，可上传文件或用摄像头采集。",
  },
  example: {
    en: "Photos of products → \"shoe\", \"bag\", \"hat\"; hand signs → digits",
    "zh-CN": "商品照片 → “鞋”“包”“帽子”；手势 → 数字",
  },
  icon: "🖼️",
  dataKind: "image",
  dataFormats: ["image-files", "image-zip", "webcam"],
  modelTypes: [
    {
      id: "mobilenet-transfer",
      available: true,
      name: { en: "Pretrained MobileNetV2 + new head", "zh-CN": "预训练 MobileNetV2 + 新分类头" },
      whenToChoose: {
        en: "Recommended: accurate with 20–50 pictures per class and trains in seconds.",
        "zh-CN": "推荐：每类 20–50 张图片就很准确，几秒即可训练完成。",
      },
      recommended: true,
    },
    {
      id: "mobilenet-finetune",
      available: true,
      name: { en: "MobileNetV2, fine-tune top blocks", "zh-CN": "MobileNetV2 微调顶层" },
      whenToChoose: {
        en: "When your pictures look unlike everyday photos and you can wait longer for more accuracy.",
        "zh-CN": "当图片与日常照片差别较大，且愿意多等一会儿换取更高准确率时。",
      },
    },
    {
      id: "small-cnn",
      available: true,
      name: { en: "Small CNN from scratch", "zh-CN": "从零训练小型 CNN" },
      whenToChoose: {
        en: "For simple, uniform images (icons, scans) when you want the smallest model.",
        "zh-CN": "适合简单、统一的图像（图标、扫描件），模型最小。",
      },
    },
    {
      id: "custom-backbone",
      available: true,
      name: { en: "Your own backbone (tfjs or ONNX)", "zh-CN": "自带骨干网络（tfjs 或 ONNX）" },
      whenToChoose: {
        en: "If you already have a pretrained image model (a TensorFlow.js folder or an .onnx file): upload it, and a new head learns your classes from what it sees in each picture.",
        "zh-CN": "如果你已有预训练的图像模型（TensorFlow.js 模型文件夹或 .onnx 文件）：上传后，新的分类头会根据它对每张图片的理解学习你的类别。",
      },
    },
  ],
  interfaces: ["buttons", "share", "embed", "api"],
  metrics: ["accuracy", "macro-f1", "per-class-prf", "confusion-matrix"],
  output: "class",
};
