/** Pure declarations shared by the browser, the server and the tests. No imports from app code. */

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];

/** A string in every UI language. */
export type Localized = Record<Locale, string>;

/** Ways a trained model is used. The wizard offers the subset a scene supports. */
export const INTERFACE_IDS = ["chat", "buttons", "share", "embed", "api"] as const;
export type InterfaceId = (typeof INTERFACE_IDS)[number];

/** Data formats a scene can accept; parsers in lib/data are keyed by these ids. */
export const DATA_FORMAT_IDS = [
  "csv", // CSV/TSV, delimiter detected, UTF-8 (BOM) or GBK/GB18030
  "xlsx",
  "jsonl",
  "pasted-lines",
  "conll", // CoNLL / BIO token-per-line
  "jsonl-spans", // {"text": ..., "entities": [{start,end,label}]}
  "inline-markup", // "[Paris](CITY)"
  "image-files", // JPEG, PNG, WebP dropped per class
  "image-zip", // ZIP with one folder per class
  "webcam",
  "audio-files", // WAV, WebM/Opus, MP3, OGG
  "audio-zip",
  "microphone",
  "ratings-csv", // user,item,rating
] as const;
export type DataFormatId = (typeof DATA_FORMAT_IDS)[number];

/** What one prediction returns; widgets and the API render by this shape. */
export type OutputShape = "class" | "multi-label" | "retrieval" | "entities" | "tabular" | "ranking";

/** What kind of samples a scene's dataset holds. */
export type DataKind = "text" | "faq" | "entities" | "image" | "audio" | "tabular" | "ratings";

export type MetricId =
  | "accuracy"
  | "macro-f1"
  | "per-class-prf"
  | "confusion-matrix"
  | "fallback-rate"
  | "top1"
  | "top3"
  | "entity-prf"
  | "mae"
  | "rmse"
  | "r2"
  | "hit-rate-10"
  | "micro-f1";

export interface ModelTypeDecl {
  id: string;
  name: Localized;
  /** Plain-language advice shown in the wizard. */
  whenToChoose: Localized;
  /** The model type preselected in the wizard. */
  recommended?: boolean;
  /** True when lib/ml trains it in the browser today (a worker job kind exists); false = planned. */
  available: boolean;
}

export interface SceneDecl {
  id: string;
  name: Localized;
  description: Localized;
  /** A concrete example of a problem this scene solves. */
  example: Localized;
  /** An emoji used as the card's icon (no icon font is downloaded). */
  icon: string;
  dataKind: DataKind;
  dataFormats: readonly DataFormatId[];
  modelTypes: readonly ModelTypeDecl[];
  interfaces: readonly InterfaceId[];
  metrics: readonly MetricId[];
  output: OutputShape;
}
