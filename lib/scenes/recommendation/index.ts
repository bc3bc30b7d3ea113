import type { SceneDecl } from "../types";

export const recommendation: SceneDecl = {
  id: "recommendation",
  name: { en: "Recommendation", "zh-CN": "个性化推荐" },
  description: {
    en: "Suggest items a person is likely to like, from past ratings or clicks.",
    "zh-CN": "根据历史评分或点击，推荐用户可能喜欢的物品。",
  },
  example: {
    en: "Ratings of books → \"readers like you also enjoyed…\"",
    "zh-CN": "图书评分 → “和你相似的读者还喜欢……”",
  },
  icon: "⭐",
  dataKind: "ratings",
  dataFormats: ["ratings-csv", "csv"],
  modelTypes: [
    {
      id: "matrix-factorization",
      available: true,
      name: { en: "Matrix factorisation", "zh-CN": "矩阵分解" },
      whenToChoose: {
        en: "Recommended: learns tastes from ratings; new users get popular items until they rate a few.",
        "zh-CN": "推荐：从评分中学习偏好；新用户在评分前先看到热门物品。",
      },
      recommended: true,
    },
  ],
  interfaces: ["buttons", "share", "embed", "api"],
  metrics: ["rmse", "hit-rate-10"],
  output: "ranking",
};
