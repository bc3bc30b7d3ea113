import type { Localized } from "../scenes/types";
import { type ClassZip, readClassZip } from "./class-zip";
import { type TaggedImageZip, readTaggedImageZip } from "./tagged-zip";
import { type EntityFormatId, type EntitySample, parseEntities } from "./entities";
import type { DataInput } from "./input";
import { type Result, fail, ok } from "./issues";
import { type ColumnMapping, type MappedDataset, applyMapping } from "./mapping";
import { type TableFormatId, parseTable } from "./parse-table";
import type { Table } from "./table";

/**
 * "Load sample dataset": one small, ready-made dataset per scene, served from public/samples.
 * `path` is the URL path (fetch it in the browser; tests read public/<path> from disk).
 */
interface SampleBase {
  sceneId: string;
  /** URL path under /samples, e.g. "/samples/text-classification/product-reviews.csv". */
  path: string;
  description: Localized;
}

/** A table (CSV/XLSX/JSONL) with the mapping to apply without asking. */
export interface TableSampleDataset extends SampleBase {
  kind: "table";
  format: TableFormatId;
  mapping: ColumnMapping;
}

export interface EntitySampleDataset extends SampleBase {
  kind: "entities";
  format: EntityFormatId;
}

/** A ZIP with one folder per class (image-recognition, voice-commands). */
export interface ClassZipSampleDataset extends SampleBase {
  kind: "class-zip";
  format: "image-zip" | "audio-zip";
  accept: "image" | "audio";
}

/** A ZIP of pictures plus a tags table (image-tagging). */
export interface TaggedZipSampleDataset extends SampleBase {
  kind: "tagged-zip";
  format: "image-zip";
}

export type SampleDataset = TableSampleDataset | EntitySampleDataset | ClassZipSampleDataset | TaggedZipSampleDataset;

export const SAMPLE_DATASETS: readonly SampleDataset[] = [
  {
    sceneId: "text-classification",
    kind: "table",
    path: "/samples/text-classification/product-reviews.csv",
    format: "csv",
    mapping: { kind: "text", text: "text", label: "label" },
    description: {
      en: "90 product reviews in English and Chinese, labelled positive, negative or neutral.",
      "zh-CN": "90 条中英文商品评价，标注为正面（positive）、负面（negative）或中性（neutral）。",
    },
  },
  {
    sceneId: "intent-chatbot",
    kind: "table",
    path: "/samples/intent-chatbot/shop-assistant.csv",
    format: "csv",
    mapping: { kind: "text", text: "utterance", label: "intent", reply: "reply" },
    description: {
      en: "A shop assistant: 9 intents (greeting, opening hours, order status, refund, shipping cost, payment, human agent, thanks, goodbye), 10 or more English and Chinese phrasings each, with a reply per intent.",
      "zh-CN": "网店客服助手：9 个意图（问候、营业时间、订单状态、退款、运费、付款方式、转人工、感谢、告别），每个意图 10 条以上中英文说法，并附有回复。",
    },
  },
  {
    sceneId: "faq-retrieval",
    kind: "table",
    path: "/samples/faq-retrieval/library-faq.csv",
    format: "csv",
    mapping: {
      kind: "faq",
      question: "question",
      answer: "answer",
      paraphrases: ["paraphrase 1", "paraphrase 2", "paraphrase 3"],
    },
    description: {
      en: "15 questions and answers of a city library, in English and Chinese, with other ways to ask each one.",
      "zh-CN": "某市图书馆的 15 组中英文常见问题与答案，每个问题附有几种相似问法。",
    },
  },
  {
    sceneId: "entity-extraction",
    kind: "entities",
    path: "/samples/entity-extraction/travel-sentences.txt",
    format: "inline-markup",
    description: {
      en: "40 travel and shopping sentences in English and Chinese with CITY, DATE, TIME, PERSON and PRODUCT marked like [Paris](CITY).",
      "zh-CN": "40 句中英文出行与购物语句，用 [北京](CITY) 的形式标注了城市、日期、时间、人名和产品。",
    },
  },
  {
    sceneId: "tabular-prediction",
    kind: "table",
    path: "/samples/tabular-prediction/customer-churn.csv",
    format: "csv",
    mapping: {
      kind: "tabular",
      target: "churned",
      features: [
        "signup_date",
        "age",
        "tenure_months",
        "contract",
        "internet",
        "monthly_fee",
        "support_calls",
        "payment_method",
        "has_app",
      ],
    },
    description: {
      en: "200 customers of a phone and internet company: contract, fees, support calls and more. Predict who will leave (churned: yes/no).",
      "zh-CN": "某通信公司的 200 位客户：合约类型、月费、客服来电次数等。预测哪些客户会流失（churned：yes/no）。",
    },
  },
  {
    sceneId: "recommendation",
    kind: "table",
    path: "/samples/recommendation/book-ratings.csv",
    format: "ratings-csv",
    mapping: { kind: "ratings", user: "user", item: "item", rating: "rating" },
    description: {
      en: "30 readers rating 20 books from 1 to 5; each reader has favourite genres to discover.",
      "zh-CN": "30 位读者给 20 本书打分（1–5 分）；每位读者都有偏爱的类型等待模型发现。",
    },
  },
  {
    sceneId: "image-recognition",
    kind: "class-zip",
    path: "/samples/image-recognition/sample.zip",
    format: "image-zip",
    accept: "image",
    description: {
      en: "60 pictures of circles, squares and triangles in many colours, sizes and positions (20 per class).",
      "zh-CN": "60 张不同颜色、大小和位置的圆形、正方形和三角形图片（每类 20 张）。",
    },
  },
  {
    sceneId: "voice-commands",
    kind: "class-zip",
    path: "/samples/voice-commands/sample.zip",
    format: "audio-zip",
    accept: "audio",
    description: {
      en: "Spoken “yes”, “no” and “stop” in 12 synthetic voices each, plus background noise: 44 one-second clips.",
      "zh-CN": "用 12 种合成嗓音说出的“yes”“no”“stop”，外加背景噪声：共 44 段一秒钟的录音。",
    },
  },
  {
    sceneId: "image-tagging",
    kind: "tagged-zip",
    path: "/samples/image-tagging/sample.zip",
    format: "image-zip",
    description: {
      en: "30 pictures of shapes, each with several tags (colour, shape, size) listed in tags.csv.",
      "zh-CN": "30 张形状图片，每张有多个标签（颜色、形状、大小），列在 tags.csv 中。",
    },
  },
];

export function getSampleDataset(sceneId: string): SampleDataset | undefined {
  return SAMPLE_DATASETS.find((s) => s.sceneId === sceneId);
}

export type ParsedSample =
  | { kind: "table"; table: Table; dataset: MappedDataset }
  | { kind: "entities"; samples: EntitySample[] }
  | { kind: "class-zip"; zip: ClassZip }
  | { kind: "tagged-zip"; zip: TaggedImageZip };

/** Parses a sample's bytes (fetched from `sample.path`) the way the UI's import would. */
export async function parseSampleDataset(sample: SampleDataset, input: DataInput): Promise<Result<ParsedSample>> {
  const fileName = sample.path.split("/").pop();
  if (sample.kind === "table") {
    const table = await parseTable(input, { format: sample.format, fileName });
    if (!table.ok) return table;
    const mapped = applyMapping(table.value, sample.mapping);
    const issues = [...table.issues, ...mapped.issues];
    return mapped.ok ? ok({ kind: "table", table: table.value, dataset: mapped.value }, issues) : fail(issues);
  }
  if (sample.kind === "entities") {
    const r = parseEntities(input, sample.format, { fileName });
    return r.ok ? ok({ kind: "entities", samples: r.value }, r.issues) : r;
  }
  if (sample.kind === "tagged-zip") {
    const t = await readTaggedImageZip(input, { fileName });
    return t.ok ? ok({ kind: "tagged-zip", zip: t.value }, t.issues) : t;
  }
  const z = readClassZip(input, { accept: sample.accept, fileName });
  return z.ok ? ok({ kind: "class-zip", zip: z.value }, z.issues) : z;
}
