import type { SceneDecl } from "../types";

export const tabularPrediction: SceneDecl = {
  id: "tabular-prediction",
  name: { en: "Tabular prediction", "zh-CN": "表格预测" },
  description: {
    en: "Predict one column of a spreadsheet from the others: a category or a number.",
    "zh-CN": "根据表格中的其他列预测某一列：类别或数值。",
  },
  example: {
    en: "Customer age, plan and usage → will they cancel? House size → price",
    "zh-CN": "客户年龄、套餐、使用量 → 是否流失？房屋面积 → 价格",
  },
  icon: "📊",
  dataKind: "tabular",
  dataFormats: ["csv", "xlsx"],
  modelTypes: [
    {
      id: "mlp",
      available: true,
      name: { en: "Neural network (MLP)", "zh-CN": "神经网络（MLP）" },
      whenToChoose: {
        en: "Recommended: captures interactions between columns; needs a few hundred rows.",
        "zh-CN": "推荐：能捕捉列之间的相互作用；需要几百行数据。",
      },
      recommended: true,
    },
    {
      id: "linear",
      available: true,
      name: { en: "Linear / logistic regression", "zh-CN": "线性 / 逻辑回归" },
      whenToChoose: {
        en: "For small tables or when you want the simplest, most explainable model.",
        "zh-CN": "适合小表格，或需要最简单、最易解释的模型时。",
      },
    },
  ],
  interfaces: ["buttons", "share", "embed", "api"],
  metrics: ["accuracy", "macro-f1", "mae", "rmse", "r2"],
  output: "tabular",
};
