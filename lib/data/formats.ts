import type { DataFormatId, Localized } from "../scenes/types";

/** What a format's parser produces, so the UI knows which import flow to run. */
export type FormatOutput = "table" | "entities" | "image-files" | "audio-files" | "class-zip" | "capture";

export interface DataFormatInfo {
  id: DataFormatId;
  output: FormatOutput;
  /** Value for <input type="file" accept>; empty for capture and pasted text. */
  accept: string;
  name: Localized;
  /** One line telling the user what the file must look like. */
  hint: Localized;
}

/** Every accepted data format, keyed by the ids the scene registry uses. */
export const DATA_FORMATS: Readonly<Record<DataFormatId, DataFormatInfo>> = {
  csv: {
    id: "csv",
    output: "table",
    accept: ".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain",
    name: { en: "CSV / TSV", "zh-CN": "CSV / TSV" },
    hint: {
      en: "A table saved as CSV: one row per example, the first row naming the columns. Commas, tabs, semicolons and Chinese (GBK) files all work.",
      "zh-CN": "保存为 CSV 的表格：每行一个样本，第一行是列名。逗号、制表符、分号分隔以及中文（GBK）编码的文件都可以。",
    },
  },
  xlsx: {
    id: "xlsx",
    output: "table",
    accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    name: { en: "Excel (.xlsx)", "zh-CN": "Excel（.xlsx）" },
    hint: {
      en: "An Excel workbook; the first sheet with data is used, its first row naming the columns.",
      "zh-CN": "Excel 工作簿；使用第一个有数据的工作表，第一行是列名。",
    },
  },
  jsonl: {
    id: "jsonl",
    output: "table",
    accept: ".jsonl,.json,.ndjson,application/json,application/x-ndjson",
    name: { en: "JSON Lines", "zh-CN": "JSON Lines" },
    hint: {
      en: 'One JSON object per line, e.g. {"text": "Great phone", "label": "positive"}.',
      "zh-CN": '每行一个 JSON 对象，例如 {"text": "手机很好用", "label": "positive"}。',
    },
  },
  "pasted-lines": {
    id: "pasted-lines",
    output: "table",
    accept: "",
    name: { en: "Paste text", "zh-CN": "粘贴文本" },
    hint: {
      en: "One example per line as “label: text” (e.g. “refund: I want my money back”), or two columns copied from a spreadsheet.",
      "zh-CN": "每行一个样本，格式为“标签：文本”（例如“退款：我要退钱”），或直接粘贴从表格复制的两列。",
    },
  },
  conll: {
    id: "conll",
    output: "entities",
    accept: ".conll,.bio,.iob,.txt,.tsv,text/plain",
    name: { en: "CoNLL / BIO", "zh-CN": "CoNLL / BIO" },
    hint: {
      en: "One word per line followed by a tab and its tag (O, B-CITY, I-CITY…); a blank line between sentences.",
      "zh-CN": "每行一个词，后跟制表符和标注（O、B-CITY、I-CITY…）；句子之间空一行。",
    },
  },
  "jsonl-spans": {
    id: "jsonl-spans",
    output: "entities",
    accept: ".jsonl,.json,.ndjson,application/json",
    name: { en: "JSONL with entity positions", "zh-CN": "带实体位置的 JSONL" },
    hint: {
      en: 'One sentence per line: {"text": "...", "entities": [{"start": 0, "end": 5, "label": "CITY"}]}.',
      "zh-CN": '每行一句：{"text": "...", "entities": [{"start": 0, "end": 2, "label": "CITY"}]}。',
    },
  },
  "inline-markup": {
    id: "inline-markup",
    output: "entities",
    accept: ".txt,.md,text/plain",
    name: { en: "Marked-up sentences", "zh-CN": "标注句子" },
    hint: {
      en: "One sentence per line with entities marked like [Paris](CITY).",
      "zh-CN": "每行一句，实体写成 [北京](CITY) 的形式。",
    },
  },
  "image-files": {
    id: "image-files",
    output: "image-files",
    accept: "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp",
    name: { en: "Pictures", "zh-CN": "图片" },
    hint: {
      en: "JPEG, PNG or WebP pictures, dropped onto the class they belong to.",
      "zh-CN": "JPEG、PNG 或 WebP 图片，拖到对应的类别中。",
    },
  },
  "image-zip": {
    id: "image-zip",
    output: "class-zip",
    accept: ".zip,application/zip",
    name: { en: "ZIP of picture folders", "zh-CN": "图片文件夹压缩包" },
    hint: {
      en: "A ZIP with one folder per class, named after the class, holding its pictures.",
      "zh-CN": "ZIP 压缩包，每个类别一个文件夹，文件夹名就是类别名，里面放该类的图片。",
    },
  },
  webcam: {
    id: "webcam",
    output: "capture",
    accept: "",
    name: { en: "Webcam", "zh-CN": "摄像头" },
    hint: { en: "Take pictures for each class with your camera.", "zh-CN": "用摄像头为每个类别拍照。" },
  },
  "audio-files": {
    id: "audio-files",
    output: "audio-files",
    accept: "audio/wav,audio/webm,audio/mpeg,audio/ogg,.wav,.webm,.mp3,.ogg,.oga,.opus",
    name: { en: "Sound clips", "zh-CN": "音频片段" },
    hint: {
      en: "Short WAV, MP3, OGG or WebM clips (a few seconds each), dropped onto their command.",
      "zh-CN": "简短的 WAV、MP3、OGG 或 WebM 音频（每段几秒），拖到对应的指令中。",
    },
  },
  "audio-zip": {
    id: "audio-zip",
    output: "class-zip",
    accept: ".zip,application/zip",
    name: { en: "ZIP of sound folders", "zh-CN": "音频文件夹压缩包" },
    hint: {
      en: "A ZIP with one folder per command, named after it, holding its clips.",
      "zh-CN": "ZIP 压缩包，每个指令一个文件夹，文件夹名就是指令名，里面放该指令的录音。",
    },
  },
  microphone: {
    id: "microphone",
    output: "capture",
    accept: "",
    name: { en: "Microphone", "zh-CN": "麦克风" },
    hint: { en: "Record each command a few times with your microphone.", "zh-CN": "用麦克风把每个指令录几遍。" },
  },
  "ratings-csv": {
    id: "ratings-csv",
    output: "table",
    accept: ".csv,.tsv,.txt,text/csv",
    name: { en: "Ratings CSV", "zh-CN": "评分 CSV" },
    hint: {
      en: "Columns user, item and (optionally) rating; without a rating every row counts as “liked”.",
      "zh-CN": "包含用户、物品和（可选的）评分三列；没有评分时每一行都算作“喜欢”。",
    },
  },
};
