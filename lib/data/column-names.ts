/** Column-name synonyms (English and Chinese) used to guess mappings and to recognise header rows. */

export type ColumnRole =
  | "text"
  | "label"
  | "reply"
  | "question"
  | "answer"
  | "paraphrase"
  | "user"
  | "item"
  | "rating"
  | "target"
  | "file"
  | "tags";

/** Normalised exact names per role; a paraphrase column may also just start with one of them. */
export const COLUMN_SYNONYMS: Readonly<Record<ColumnRole, readonly string[]>> = {
  text: [
    "text", "sentence", "content", "review", "comment", "message", "utterance", "utterances", "query", "input",
    "example", "examples", "body", "phrase", "saying", "usersays", "feedback",
    "文本", "内容", "评论", "评价", "句子", "语句", "消息", "用户说", "用户输入", "话术", "样本", "说法", "问句", "输入",
  ],
  label: [
    "label", "labels", "class", "category", "tag", "sentiment", "intent", "intents", "target", "type", "topic",
    "标签", "类别", "分类", "意图", "情感", "类型", "情绪", "主题", "类",
  ],
  reply: ["reply", "replies", "response", "responses", "answer", "botreply", "botsays", "回复", "答复", "回答", "应答", "机器人回复"],
  question: [
    "question", "questions", "q", "query", "standardquestion", "faq",
    "问题", "问", "标准问", "标准问题", "提问", "常见问题",
  ],
  answer: ["answer", "answers", "a", "reply", "response", "solution", "答案", "回答", "答", "回复", "答复", "解答"],
  paraphrase: [
    "paraphrase", "paraphrases", "similar", "similarquestion", "similarquestions", "alias", "aliases", "variant",
    "variants", "alternative", "alternatives", "otherquestion", "相似问法", "相似问", "相似问题", "同义问", "同义问法",
    "扩展问", "扩展问法", "其他问法", "其它问法", "近义问法",
  ],
  user: ["user", "userid", "users", "customer", "customerid", "uid", "member", "用户", "用户id", "用户名", "顾客", "客户", "会员"],
  item: [
    "item", "itemid", "items", "product", "productid", "movie", "book", "sku", "song", "course", "article",
    "物品", "商品", "产品", "电影", "书", "书名", "课程", "歌曲", "物品id", "商品id",
  ],
  rating: ["rating", "ratings", "score", "stars", "star", "rate", "value", "评分", "分数", "打分", "星级", "评级", "得分"],
  target: [
    "target", "label", "y", "outcome", "churn", "churned", "class", "result", "prediction", "output",
    "目标", "标签", "结果", "是否流失", "流失", "预测目标",
  ],
  file: ["file", "filename", "image", "imagefile", "path", "picture", "photo", "文件", "文件名", "图片", "图片名", "照片"],
  tags: ["tags", "labels", "tag", "label", "keywords", "标签", "多标签", "关键词"],
};

/** Lower case, without spaces, underscores, dashes, dots or a trailing number ("Paraphrase_2" → "paraphrase"). */
export function normalizeColumnName(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_\-.:：()（）#]+/g, "")
    .replace(/\d+$/, "");
}

/** How well a header names a role: 3 exact synonym, 2 starts with one (paraphrase columns), 0 none. */
export function nameScore(header: string, role: ColumnRole): number {
  const n = normalizeColumnName(header);
  if (!n) return 0;
  const synonyms = COLUMN_SYNONYMS[role];
  if (synonyms.includes(n)) return 3;
  // single-letter synonyms ("q", "a", "y") only match exactly
  if (synonyms.some((s) => s.length > 1 && n.startsWith(s))) return 2;
  return 0;
}

const ALL_NAMES = new Set(Object.values(COLUMN_SYNONYMS).flat());

/** True when a cell reads like a known column name (used to recognise a header row). */
export function isKnownColumnName(cell: string): boolean {
  const n = normalizeColumnName(cell);
  return n.length > 1 && ALL_NAMES.has(n);
}
