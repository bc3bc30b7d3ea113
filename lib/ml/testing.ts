/**
 * Small seeded datasets for lib/ml tests (hand-written or synthetic; the shared benchmark datasets
 * are never used by unit tests).
 */
import { createRng } from "./random";
import type { RawImage, TabularRow } from "./types";

const INTENTS: Record<string, string[]> = {
  lost_card: [
    "i lost my card", "my card was stolen", "i can't find my card", "my card is missing", "someone stole my card",
    "lost card", "where is my card gone", "my debit card is gone", "我的卡丢了", "银行卡被偷了", "找不到我的卡", "卡不见了",
  ],
  balance: [
    "what is my balance", "how much money do i have", "check my balance", "show my account balance", "balance please",
    "how much is left in my account", "what's my balance today", "我的余额是多少", "查询余额", "账户里还有多少钱", "看看余额", "余额查询",
  ],
  transfer: [
    "send money to a friend", "transfer money to my mom", "how do i transfer funds", "make a transfer", "pay my friend back",
    "send cash to another account", "wire money abroad", "给朋友转账", "我要转账", "怎么转钱给别人", "汇款到另一个账户", "转账给妈妈",
  ],
};

const PREFIXES = ["", "hi ", "hello, ", "please ", "urgent: ", "你好 ", "请问"];
const SUFFIXES = ["", " thanks", "?", " 🙏", " 谢谢", " asap", "!"];

/** Intent utterances in English and Chinese, with random greetings, emoji and punctuation. */
export function intentDataset(perClass: number, seed = 1): { texts: string[]; labels: string[] } {
  const rng = createRng(seed);
  const texts: string[] = [];
  const labels: string[] = [];
  for (const [label, phrases] of Object.entries(INTENTS)) {
    for (let i = 0; i < perClass; i++) {
      const base = phrases[i % phrases.length];
      texts.push(PREFIXES[rng.int(PREFIXES.length)] + base + SUFFIXES[rng.int(SUFFIXES.length)]);
      labels.push(label);
    }
  }
  return { texts, labels };
}

/** New phrasings (not in intentDataset) to check that a model generalises a little. */
export const INTENT_HELD_OUT: { text: string; label: string }[] = [
  { text: "help, my card got stolen", label: "lost_card" },
  { text: "I think I lost my credit card", label: "lost_card" },
  { text: "卡丢了怎么办", label: "lost_card" },
  { text: "how much money is in my account", label: "balance" },
  { text: "tell me my balance", label: "balance" },
  { text: "帮我查一下余额", label: "balance" },
  { text: "I want to send money to my brother", label: "transfer" },
  { text: "transfer 100 to my friend", label: "transfer" },
  { text: "转账给朋友", label: "transfer" },
];

/** Gaussian blobs: class c centred at a seeded random point; returns feature vectors. */
export function blobFeatures(classes: number, perClass: number, dim: number, seed = 1, spread = 1): { features: Float32Array[]; labels: string[] } {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: dim }, () => gauss() * 2));
  const features: Float32Array[] = [];
  const labels: string[] = [];
  for (let i = 0; i < classes * perClass; i++) {
    const c = i % classes;
    features.push(Float32Array.from(centres[c], (m) => m + gauss() * spread));
    labels.push(`class_${c}`);
  }
  return { features, labels };
}

/** Rows with numeric, categorical and text columns; "kind" (classification) and "price" (regression). */
export function tabularDataset(n: number, seed = 1): TabularRow[] {
  const rng = createRng(seed);
  const colours = ["red", "green", "blue"];
  const rows: TabularRow[] = [];
  for (let i = 0; i < n; i++) {
    const size = rng.next() * 10;
    const weight = rng.next() * 5;
    const colour = colours[rng.int(3)];
    const kind = size + (colour === "red" ? 3 : 0) > 6.5 ? "large" : "small";
    rows.push({
      id: `row-${i}`,
      size: i % 17 === 3 ? "" : size.toFixed(3), // a few missing cells
      weight,
      colour,
      note: kind === "large" ? "big sturdy box" : "tiny light parcel",
      kind,
      price: 3 * size + 2 * weight + (colour === "blue" ? 5 : 0) + (rng.next() - 0.5),
    });
  }
  return rows;
}

/** Tiny images: class "horizontal" has bright rows, "vertical" bright columns, "dots" a checkerboard. */
export function stripeImages(perClass: number, size = 16, seed = 1): { images: RawImage[]; labels: string[] } {
  const rng = createRng(seed);
  const images: RawImage[] = [];
  const labels: string[] = [];
  const kinds = ["horizontal", "vertical", "dots"] as const;
  for (let i = 0; i < perClass * kinds.length; i++) {
    const kind = kinds[i % kinds.length];
    const phase = rng.int(2);
    const data = new Uint8Array(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const on = kind === "horizontal" ? (y >> 1) % 2 === phase : kind === "vertical" ? (x >> 1) % 2 === phase : ((x >> 1) + (y >> 1)) % 2 === phase;
        const base = on ? 200 : 40;
        for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, base + Math.round((rng.next() - 0.5) * 60)));
      }
    }
    images.push({ width: size, height: size, channels: 3, data });
    labels.push(kind);
  }
  return { images, labels };
}

/** A small bilingual FAQ whose paraphrases often share few words with the question. */
export const FAQ_ENTRIES: { id: string; question: string; answer: string; paraphrases: string[] }[] = [
  { id: "returns", question: "How do I return an item?", answer: "Send it back within 30 days with the receipt.", paraphrases: ["can i send something back", "I want a refund for my order", "return policy", "退货怎么办理", "我想退款", "how to get my money back"] },
  { id: "shipping", question: "How long does delivery take?", answer: "Orders arrive in 3 to 5 working days.", paraphrases: ["when will my parcel arrive", "shipping time", "多久能到货", "发货要几天", "how fast is shipping", "when do i get my package"] },
  { id: "password", question: "I forgot my password", answer: "Use the 'reset password' link on the sign-in page.", paraphrases: ["can't log in", "reset my login", "忘记密码了", "登录不了怎么办", "lost my password", "how to change password"] },
  { id: "payment", question: "Which payment methods do you accept?", answer: "Cards, PayPal and Alipay.", paraphrases: ["can i pay with paypal", "do you take credit cards", "支持支付宝吗", "怎么付款", "pay by card", "payment options"] },
  { id: "hours", question: "When is customer service open?", answer: "Every day from 8:00 to 20:00.", paraphrases: ["opening hours", "what time can i call you", "客服几点上班", "客服工作时间", "are you open on sunday", "support hours"] },
  { id: "cancel", question: "Can I cancel my order?", answer: "Yes, until it has been shipped.", paraphrases: ["stop my order", "i changed my mind about the purchase", "取消订单", "订单能撤销吗", "cancel purchase", "undo my order"] },
];

const NER_FILL: Record<string, string[]> = {
  CITY: ["Paris", "Tokyo", "Berlin", "New York", "Lyon", "Shanghai", "Madrid", "北京", "上海", "广州", "成都"],
  PERSON: ["Anna Schmidt", "David Chen", "Maria", "John Smith", "Li Wei", "张伟", "王芳", "李娜"],
  DATE: ["Monday", "March 3", "tomorrow", "next Friday", "June 12", "明天", "周五", "三月三日"],
};
const NER_TEMPLATES = [
  "I'm flying from {CITY} to {CITY} on {DATE}.",
  "{PERSON} will meet you in {CITY}.",
  "Please call {PERSON} on {DATE}",
  "Is it raining in {CITY} today?",
  "book a hotel in {CITY} for {PERSON}",
  "{PERSON} arrives {DATE}",
  "我{DATE}去{CITY}出差",
  "{PERSON}在{CITY}等你",
  "请在{DATE}提醒{PERSON}",
  "从{CITY}到{CITY}的火车",
];

/** Annotated sentences (English and Chinese) built from templates; spans are exact character offsets. */
export function entitySentences(n: number, seed = 1): { text: string; spans: { start: number; end: number; label: string }[] }[] {
  const rng = createRng(seed);
  const out: { text: string; spans: { start: number; end: number; label: string }[] }[] = [];
  for (let i = 0; i < n; i++) {
    const template = NER_TEMPLATES[i % NER_TEMPLATES.length];
    let text = "";
    const spans: { start: number; end: number; label: string }[] = [];
    for (const part of template.split(/(\{[A-Z]+\})/)) {
      const m = /^\{([A-Z]+)\}$/.exec(part);
      if (!m) {
        text += part;
        continue;
      }
      const chinese = /[\u4e00-\u9fff]/.test(template);
      const pool = NER_FILL[m[1]].filter((v) => /[\u4e00-\u9fff]/.test(v) === chinese);
      const value = pool[rng.int(pool.length)];
      spans.push({ start: text.length, end: text.length + value.length, label: m[1] });
      text += value;
    }
    out.push({ text, spans });
  }
  return out;
}

/**
 * Multi-label feature vectors: each tag has a seeded random direction; a sample holds 1–3 tags and
 * its vector is the sum of their directions plus noise. Tag "rare" appears in about 1 sample of 8.
 */
export function multiLabelFeatures(n: number, dim: number, seed = 1, noise = 0.8): { features: Float32Array[]; tags: string[][] } {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const names = ["outdoor", "people", "night", "car", "rare"];
  const dirs = names.map(() => Float32Array.from({ length: dim }, () => gauss()));
  const features: Float32Array[] = [];
  const tags: string[][] = [];
  for (let i = 0; i < n; i++) {
    const t = names.filter((name) => rng.next() < (name === "rare" ? 0.125 : 0.4));
    if (t.length === 0) t.push(names[rng.int(4)]);
    const v = Float32Array.from({ length: dim }, () => gauss() * noise);
    for (const name of t) dirs[names.indexOf(name)].forEach((d, j) => (v[j] += d));
    features.push(v);
    tags.push(t);
  }
  return { features, tags };
}
