/**
 * Generates the synthetic sample datasets for tabular prediction and recommendation. Deterministic
 * (seeded PRNG), so the committed CSVs can be regenerated and checked by lib/data/samples.test.ts.
 *
 *   npx tsx scripts/generate-samples.ts
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { toCsv } from "../lib/data/export";

/** mulberry32: small, fast, and the same numbers on every platform. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of items) {
    if ((x -= w) < 0) return v;
  }
  return items[items.length - 1][0];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * Telecom customer churn, 200 rows. Churn follows a logistic model: month-to-month contracts, many
 * support calls, short tenure, high fees and paper checks raise it; two-year contracts and the app lower it.
 */
export function churnCsv(): string {
  const r = rng(20240611);
  const header = [
    "customer_id",
    "signup_date",
    "age",
    "tenure_months",
    "contract",
    "internet",
    "monthly_fee",
    "support_calls",
    "payment_method",
    "has_app",
    "churned",
  ];
  const rows: (string | number)[][] = [header];
  const end = Date.UTC(2024, 11, 31);
  for (let i = 0; i < 200; i++) {
    const tenure = 1 + Math.floor(r() * r() * 72);
    const signup = new Date(end - tenure * 30.4 * 86_400_000);
    const contract = pick(r, [["month-to-month", 55], ["one-year", 25], ["two-year", 20]] as const);
    const internet = pick(r, [["fiber", 45], ["dsl", 35], ["none", 20]] as const);
    const base = internet === "fiber" ? 75 : internet === "dsl" ? 50 : 22;
    const fee = Math.round((base + r() * 30) * 100) / 100;
    const calls = Math.min(8, Math.floor(-Math.log(1 - r()) * 1.6));
    const payment = pick(r, [["credit card", 35], ["bank transfer", 30], ["e-check", 25], ["mailed check", 10]] as const);
    const app = r() < 0.55 ? "yes" : "no";
    const age = r() < 0.04 ? "NA" : 18 + Math.floor(r() * 58);
    const z =
      -0.9 +
      (contract === "month-to-month" ? 1.8 : contract === "two-year" ? -1.6 : 0) +
      0.45 * calls -
      0.045 * tenure +
      0.02 * (fee - 60) +
      (payment === "e-check" ? 0.6 : 0) +
      (app === "yes" ? -0.7 : 0);
    const churned = r() < sigmoid(z) ? "yes" : "no";
    const date = `${signup.getUTCFullYear()}-${pad2(signup.getUTCMonth() + 1)}-${pad2(signup.getUTCDate())}`;
    rows.push([`C${1001 + i}`, date, age, tenure, contract, internet, fee, calls, payment, app, churned]);
  }
  return toCsv(rows, { bom: false });
}

const GENRES = ["mystery", "science fiction", "romance", "cooking", "history"] as const;
export const BOOKS: readonly (readonly [string, (typeof GENRES)[number]])[] = [
  ["The Silent Harbor", "mystery"],
  ["Death at Willow Lane", "mystery"],
  ["The Ninth Key", "mystery"],
  ["A Quiet Poison", "mystery"],
  ["Stars Beyond Kepler", "science fiction"],
  ["The Last Colony", "science fiction"],
  ["Machine Dreams", "science fiction"],
  ["Orbit of Ash", "science fiction"],
  ["Summer in Provence", "romance"],
  ["Letters to Clara", "romance"],
  ["The Bookshop Proposal", "romance"],
  ["Two Tickets to Lisbon", "romance"],
  ["Simple Noodles", "cooking"],
  ["The Sourdough Year", "cooking"],
  ["Weeknight Vegetables", "cooking"],
  ["Spice Route Kitchen", "cooking"],
  ["Empires of Silk", "history"],
  ["The Forgotten War", "history"],
  ["Cities of the Nile", "history"],
  ["Map Makers", "history"],
];

/**
 * 30 readers rating some of 20 books (1–5). Each reader loves one genre, likes a second and dislikes
 * a third, so a matrix-factorisation model can learn the genre structure.
 */
export function ratingsCsv(): string {
  const r = rng(7);
  const rows: (string | number)[][] = [["user", "item", "rating"]];
  for (let u = 1; u <= 30; u++) {
    const order = [...GENRES].sort(() => r() - 0.5);
    const [love, like, dislike] = order;
    for (const [title, genre] of BOOKS) {
      // readers mostly pick books from genres they care about
      const seen = genre === love ? 0.85 : genre === like ? 0.65 : genre === dislike ? 0.25 : 0.45;
      if (r() > seen) continue;
      const mean = genre === love ? 4.6 : genre === like ? 3.8 : genre === dislike ? 1.7 : 2.9;
      const rating = Math.max(1, Math.min(5, Math.round(mean + (r() - 0.5) * 1.4)));
      rows.push([`user${pad2(u)}`, title, rating]);
    }
  }
  return toCsv(rows, { bom: false });
}

export const GENERATED_SAMPLES = {
  "tabular-prediction/customer-churn.csv": churnCsv,
  "recommendation/book-ratings.csv": ratingsCsv,
} as const;

function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "public", "samples");
  for (const [rel, make] of Object.entries(GENERATED_SAMPLES)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, make());
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
