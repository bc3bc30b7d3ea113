import type { SceneDecl } from "../types";

export const entityExtraction: SceneDecl = {
  id: "entity-extraction",
  name: { en: "Entity extraction", "zh-CN": "实体抽取" },
  description: {
    en: "Find names, places, dates, amounts and your own types inside sentences.",
    "zh-CN": "从句子中找出人名、地点、日期、金额以及你自定义的类型。",
  },
  example: {
    en: "\"Book a table in [Paris](CITY) at [7pm](TIME)\"",
    "zh-CN": "“帮我订[北京](CITY)[明天下午](TIME)的会议室”",
  },
  icon: "🏷️",
  dataKind: "entities",
  dataFormats: ["conll", "jsonl-spans", "inline-markup"],
  modelTypes: [
    {
      id: "bigru-tagger",
      available: false,
      name: { en: "Bidirectional GRU tagger", "zh-CN": "双向 GRU 序列标注" },
      whenToChoose: {
        en: "Most accurate on longer sentences; trains a little slower.",
        "zh-CN": "长句子上最准确；训练稍慢。",
      },
    },
    {
      id: "cnn-tagger",
      available: true,
      name: { en: "Dilated CNN tagger", "zh-CN": "空洞卷积序列标注" },
      whenToChoose: {
        en: "Faster to train and to run; good for short commands.",
        "zh-CN": "训练和运行更快；适合短指令。",
      },
      recommended: true,
    },
  ],
  interfaces: ["chat", "buttons", "share", "embed", "api"],
  metrics: ["entity-prf"],
  output: "entities",
};
