import type { SceneDecl } from "../types";

export const faqRetrieval: SceneDecl = {
  id: "faq-retrieval",
  name: { en: "Knowledge retrieval (FAQ)", "zh-CN": "知识问答（FAQ）" },
  description: {
    en: "Answer questions from your list of questions and answers, even when people phrase them differently.",
    "zh-CN": "根据你的问答列表回答问题，即使提问方式不同也能找到答案。",
  },
  example: {
    en: "\"can I get my money back?\" → the answer to \"What is the refund policy?\"",
    "zh-CN": "“钱能退吗？” → “退款政策是什么？”的答案",
  },
  icon: "📚",
  dataKind: "faq",
  dataFormats: ["csv", "xlsx", "jsonl"],
  modelTypes: [
    {
      id: "hybrid-retriever",
      available: true,
      name: { en: "Hybrid retriever (keywords + learned meaning)", "zh-CN": "混合检索（关键词 + 语义学习）" },
      whenToChoose: {
        en: "Recommended: matches exact words and learns your paraphrases; works for Chinese without spaces.",
        "zh-CN": "推荐：既匹配关键词又学习同义问法；中文无需分词。",
      },
      recommended: true,
    },
    {
      id: "bm25",
      available: true,
      name: { en: "Keyword search (BM25)", "zh-CN": "关键词检索（BM25）" },
      whenToChoose: {
        en: "When you have very few questions and no paraphrases; nothing to train.",
        "zh-CN": "问题很少且没有同义问法时；无需训练。",
      },
    },
  ],
  interfaces: ["chat", "buttons", "share", "embed", "api"],
  metrics: ["top1", "top3"],
  output: "retrieval",
};
