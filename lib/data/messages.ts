import type { Locale, Localized } from "../scenes/types";
import type { DataIssue, IssueCode } from "./issues";

/**
 * Plain-language messages for every issue code, in English and Simplified Chinese. A template is the
 * message body; formatIssue adds the location ("Row 7: " / "第 7 行："). Placeholders are {name};
 * params ending in "Bytes" are shown as sizes ("100 MB"), numbers with digit grouping.
 */
export const MESSAGES: Readonly<Record<IssueCode, Localized>> = {
  "file-empty": {
    en: "the file is empty — choose a file that contains your data.",
    "zh-CN": "文件是空的——请选择包含数据的文件。",
  },
  "file-too-large": {
    en: "the file is {sizeBytes}, more than the {limitBytes} limit — split it into smaller files.",
    "zh-CN": "文件大小为 {sizeBytes}，超过了 {limitBytes} 的上限——请拆分成较小的文件。",
  },
  "file-not-text": {
    en: "this is not a text file ({kind}) — save your data as CSV, Excel (.xlsx) or plain text.",
    "zh-CN": "这不是文本文件（{kind}）——请把数据保存为 CSV、Excel（.xlsx）或纯文本。",
  },
  "file-old-excel": {
    en: "this is an old Excel file (.xls) — open it in Excel and save it as .xlsx or CSV.",
    "zh-CN": "这是旧版 Excel 文件（.xls）——请在 Excel 中打开并另存为 .xlsx 或 CSV。",
  },
  "file-unreadable-xlsx": {
    en: "this Excel file could not be read — open it in Excel and save it again as .xlsx, or save it as CSV.",
    "zh-CN": "无法读取这个 Excel 文件——请在 Excel 中打开后重新保存为 .xlsx，或另存为 CSV。",
  },
  "file-encoding-guessed": {
    en: "the text encoding was not recognised, so some special characters may look wrong — if they do, save the file as “CSV UTF-8”.",
    "zh-CN": "无法识别文件的文字编码，部分特殊字符可能显示错误——如有问题，请另存为“CSV UTF-8”格式。",
  },
  "table-no-rows": {
    en: "the file has a header row but no data rows below it.",
    "zh-CN": "文件只有表头，没有数据行。",
  },
  "table-too-many-rows": {
    en: "only the first {limit} rows are used; this row and the ones after it were left out.",
    "zh-CN": "只使用前 {limit} 行；从这一行开始的数据未被使用。",
  },
  "table-too-many-columns": {
    en: "the table has {count} columns, more than the {limit} limit — remove the columns you do not need.",
    "zh-CN": "表格有 {count} 列，超过了 {limit} 列的上限——请删除不需要的列。",
  },
  "table-too-many-cells": {
    en: "only the first {limit} rows are used: with {columns} columns, at most {cells} cells (rows × columns) are read from one table. This row and the ones after it were left out — remove the columns you do not need to keep more rows.",
    "zh-CN": "只使用前 {limit} 行：表格有 {columns} 列，每个表格最多读取 {cells} 个单元格（行数 × 列数）。从这一行开始的数据未被使用——删除不需要的列即可保留更多行。",
  },
  "more-issues": {
    en: "{count} more rows had problems and were left out; they are not listed one by one — fix the rows listed above and upload the file again to see them.",
    "zh-CN": "另有 {count} 行有问题，已被跳过，这里不再逐一列出——请先修正上面列出的行，再重新上传查看其余问题。",
  },
  "file-too-complex": {
    en: "reading this file needed more memory or time than the server allows for one file ({limit}) — split it into smaller files or remove what you do not need.",
    "zh-CN": "读取这个文件所需的内存或时间超过了服务器对单个文件的上限（{limit}）——请拆分成较小的文件，或删除不需要的内容。",
  },
  "xlsx-too-large": {
    en: "the workbook's sheets hold {sizeBytes} of data once unpacked, more than the {limitBytes} limit — save the sheet you need as CSV, or split the workbook.",
    "zh-CN": "这个工作簿的工作表解压后有 {sizeBytes} 的数据，超过了 {limitBytes} 的上限——请把需要的工作表另存为 CSV，或拆分工作簿。",
  },
  "xlsx-too-many-strings": {
    en: "the workbook has {count} different texts, more than the {limit} limit — save the sheet you need as CSV, or split the workbook.",
    "zh-CN": "这个工作簿有 {count} 个不同的文本，超过了 {limit} 的上限——请把需要的工作表另存为 CSV，或拆分工作簿。",
  },
  "row-extra-cells": {
    en: "this row has {cells} cells but the header has {columns} — a comma in the text is probably not inside double quotes. Put the text in quotes or fix the row.",
    "zh-CN": "这一行有 {cells} 个单元格，而表头只有 {columns} 列——文本中的逗号可能没有用英文双引号括起来。请给文本加上引号或修正该行。",
  },
  "csv-unclosed-quote": {
    en: "a double quote (\") opened here is never closed, so the rest of the file would become one cell — add the missing quote.",
    "zh-CN": "这里的英文双引号（\"）没有闭合，后面的内容会全部并入一个单元格——请补上缺失的引号。",
  },
  "jsonl-invalid-json": {
    en: "this line is not valid JSON — check the brackets, quotes and commas.",
    "zh-CN": "这一行不是有效的 JSON——请检查括号、引号和逗号。",
  },
  "jsonl-not-object": {
    en: "this line is not a JSON object — each line must look like {\"text\": \"…\", \"label\": \"…\"}.",
    "zh-CN": "这一行不是 JSON 对象——每行应形如 {\"text\": \"…\", \"label\": \"…\"}。",
  },
  "jsonl-too-deep": {
    en: "this line nests brackets more than {limit} levels deep, so it was not read — each line must be one plain JSON object such as {\"text\": \"…\", \"label\": \"…\"}.",
    "zh-CN": "这一行的括号嵌套超过 {limit} 层，因此没有读取——每行应是一个简单的 JSON 对象，如 {\"text\": \"…\", \"label\": \"…\"}。",
  },
  "pasted-no-label": {
    en: "no label found — write each line as “label: text”, or paste two columns separated by a tab.",
    "zh-CN": "没有找到标签——请按“标签：文本”的格式书写每一行，或粘贴用制表符分隔的两列。",
  },
  "mapping-unknown-column": {
    en: "the column “{column}” chosen for {role} is not in the file — choose one of the file's columns.",
    "zh-CN": "为{role}选择的列“{column}”在文件中不存在——请从文件的列中选择。",
  },
  "mapping-missing-column": {
    en: "choose which column holds {role}.",
    "zh-CN": "请选择哪一列是{role}。",
  },
  "mapping-same-column": {
    en: "the column “{column}” is chosen both for {otherRole} and for {role} — choose a different column for one of them.",
    "zh-CN": "列“{column}”同时被选作{otherRole}和{role}——请为其中一个选择其他列。",
  },
  "text-empty": {
    en: "the text is empty — fill it in or delete the row.",
    "zh-CN": "文本为空——请填写或删除该行。",
  },
  "label-empty": {
    en: "the label is empty — fill it in or delete the row.",
    "zh-CN": "标签为空——请填写或删除该行。",
  },
  "text-too-long": {
    en: "the text has {length} characters, more than the {limit} limit — shorten it (a row this long is often two rows stuck together).",
    "zh-CN": "文本有 {length} 个字符，超过了 {limit} 的上限——请缩短（这么长的一行常常是两行粘在了一起）。",
  },
  "label-too-long": {
    en: "the label has {length} characters, more than the {limit} limit — use a short name for the category.",
    "zh-CN": "标签有 {length} 个字符，超过了 {limit} 的上限——请给类别起一个简短的名字。",
  },
  "label-spelling-merged": {
    en: "“{variant}” is treated as the same label as “{label}” (they differ only in capitals or spaces).",
    "zh-CN": "“{variant}”与“{label}”只在大小写或空格上不同，已视为同一个标签。",
  },
  "too-many-classes": {
    en: "there are {count} different labels, more than the {limit} limit — check that the right column is chosen as the label.",
    "zh-CN": "共有 {count} 个不同的标签，超过了 {limit} 的上限——请检查是否选对了标签列。",
  },
  "question-empty": {
    en: "the question is empty — fill it in or delete the row.",
    "zh-CN": "问题为空——请填写或删除该行。",
  },
  "answer-empty": {
    en: "the answer is empty — fill it in or delete the row.",
    "zh-CN": "答案为空——请填写或删除该行。",
  },
  "duplicate-question": {
    en: "the same question is already in row {firstRow} — merge the two rows, or add this wording as a paraphrase.",
    "zh-CN": "同样的问题已经出现在第 {firstRow} 行——请合并这两行，或把它作为相似问法。",
  },
  "intent-without-reply": {
    en: "the intent “{label}” has no reply — write what the bot should answer in the reply column.",
    "zh-CN": "意图“{label}”没有回复——请在回复列中填写机器人应回答的内容。",
  },
  "target-empty": {
    en: "the value to predict is empty — fill it in or delete the row.",
    "zh-CN": "预测目标为空——请填写或删除该行。",
  },
  "target-not-number": {
    en: "the value to predict, “{value}”, is not a number — fix it or delete the row.",
    "zh-CN": "预测目标“{value}”不是数字——请修改或删除该行。",
  },
  "column-values-not-numbers": {
    en: "{count} values in the column “{column}” are not {type} (for example “{example}”); they are treated as missing.",
    "zh-CN": "列“{column}”中有 {count} 个值不是{type}（例如“{example}”），将按缺失值处理。",
  },
  "user-empty": {
    en: "the user is empty — fill it in or delete the row.",
    "zh-CN": "用户为空——请填写或删除该行。",
  },
  "item-empty": {
    en: "the item is empty — fill it in or delete the row.",
    "zh-CN": "物品为空——请填写或删除该行。",
  },
  "rating-not-number": {
    en: "the rating “{value}” is not a number — use numbers such as 1 to 5, or do not choose a rating column.",
    "zh-CN": "评分“{value}”不是数字——请使用 1 到 5 之类的数字，或不选择评分列。",
  },
  "duplicate-rating": {
    en: "{user} already rated {item} in row {firstRow}; the rating in this row is used.",
    "zh-CN": "{user} 已在第 {firstRow} 行给 {item} 打过分，以这一行的评分为准。",
  },
  "file-name-empty": {
    en: "the file name is empty — fill it in or delete the row.",
    "zh-CN": "文件名为空——请填写或删除该行。",
  },
  "tags-empty": {
    en: "there are no tags — list them separated by commas, or delete the row.",
    "zh-CN": "没有标签——请用逗号分隔列出标签，或删除该行。",
  },
  "conll-missing-tag": {
    en: "“{token}” has no tag, so this sentence was skipped — put a tab and a tag such as O or B-CITY after each word.",
    "zh-CN": "“{token}”没有标注，该句已跳过——请在每个词后加上制表符和标注，如 O 或 B-CITY。",
  },
  "conll-invalid-tag": {
    en: "“{tag}” is not a valid tag, so this sentence was skipped — use O, or B- / I- followed by the entity type, e.g. B-CITY, I-CITY.",
    "zh-CN": "“{tag}”不是有效的标注，该句已跳过——请使用 O，或 B- / I- 加实体类型，例如 B-CITY、I-CITY。",
  },
  "bio-inside-without-begin": {
    en: "“{tag}” on “{token}” continues an entity that was never started, so it was read as the start of a new one — use B- for the first word of an entity.",
    "zh-CN": "“{token}”的标注“{tag}”延续了一个没有开头的实体，已按新实体的开头处理——实体的第一个词请用 B-。",
  },
  "tokens-tags-mismatch": {
    en: "there are {tokens} words but {tags} tags — every word needs exactly one tag.",
    "zh-CN": "有 {tokens} 个词却有 {tags} 个标注——每个词必须正好有一个标注。",
  },
  "span-invalid": {
    en: "an entity has invalid positions (start {start}, end {end}) — the start must be a whole number smaller than the end.",
    "zh-CN": "有一个实体的位置无效（开始 {start}，结束 {end}）——开始位置必须是小于结束位置的整数。",
  },
  "span-out-of-range": {
    en: "the entity “{label}” at {start}–{end} goes past the end of the text ({length} characters).",
    "zh-CN": "实体“{label}”的位置 {start}–{end} 超出了文本长度（{length} 个字符）。",
  },
  "span-overlap": {
    en: "the entities “{otherEntity}” ({otherLabel}) and “{entity}” ({label}) overlap — a character can belong to only one entity.",
    "zh-CN": "实体“{otherEntity}”（{otherLabel}）与“{entity}”（{label}）重叠——一个字符只能属于一个实体。",
  },
  "span-label-empty": {
    en: "the entity “{entity}” has no type — add one, such as CITY.",
    "zh-CN": "实体“{entity}”没有类型——请加上类型，例如 CITY。",
  },
  "markup-unclosed": {
    en: "a “[” is never closed, so it is kept as plain text — mark entities like [Paris](CITY).",
    "zh-CN": "有一个“[”没有闭合，已按普通文字保留——实体请写成 [北京](CITY) 的形式。",
  },
  "markup-label-invalid": {
    en: "“({label})” is not a valid entity type, so the brackets are kept as plain text — use letters, digits, - or _, e.g. [Paris](CITY).",
    "zh-CN": "“({label})”不是有效的实体类型，括号已按普通文字保留——类型只能包含字母、数字、- 或 _，例如 [北京](CITY)。",
  },
  "markup-empty-entity": {
    en: "“[]({label})” marks an empty entity, so this line was skipped — put the words inside the square brackets.",
    "zh-CN": "“[]({label})”标注了一个空实体，该行已跳过——请把文字写在方括号里。",
  },
  "image-unknown-format": {
    en: "this is not a picture that can be read — use JPEG, PNG or WebP images.",
    "zh-CN": "无法识别这张图片——请使用 JPEG、PNG 或 WebP 格式。",
  },
  "image-unsupported-format": {
    en: "{format} pictures are not supported — convert it to JPEG or PNG.",
    "zh-CN": "不支持 {format} 格式的图片——请转换为 JPEG 或 PNG。",
  },
  "image-corrupt": {
    en: "the picture is damaged and cannot be read — export it again or leave it out.",
    "zh-CN": "图片已损坏，无法读取——请重新导出或去掉这张图片。",
  },
  "image-truncated": {
    en: "the picture is incomplete (the file is cut off) — copy or download it again.",
    "zh-CN": "图片不完整（文件被截断）——请重新复制或下载。",
  },
  "image-too-large-dimensions": {
    en: "the picture is {width} × {height} pixels, more than the limit of {limitPx} pixels per side or {limitPixels} pixels in total — make it smaller.",
    "zh-CN": "图片尺寸为 {width} × {height} 像素，超过了每边 {limitPx} 像素或总计 {limitPixels} 像素的上限——请缩小尺寸。",
  },
  "audio-unknown-format": {
    en: "this is not a sound file that can be read — use WAV, MP3, OGG or WebM.",
    "zh-CN": "无法识别这个音频文件——请使用 WAV、MP3、OGG 或 WebM 格式。",
  },
  "audio-unsupported-format": {
    en: "{format} audio is not supported — convert it to WAV or MP3.",
    "zh-CN": "不支持 {format} 格式的音频——请转换为 WAV 或 MP3。",
  },
  "wav-invalid": {
    en: "the WAV file is damaged (its header cannot be read) — record or export it again.",
    "zh-CN": "WAV 文件已损坏（无法读取文件头）——请重新录制或导出。",
  },
  "wav-truncated": {
    en: "the WAV file is incomplete: it should have {expectedBytes} but has only {actualBytes} — copy or record it again.",
    "zh-CN": "WAV 文件不完整：应有 {expectedBytes}，实际只有 {actualBytes}——请重新复制或录制。",
  },
  "wav-unsupported-encoding": {
    en: "this WAV file uses {encoding} encoding, which is not supported — export it as 16-bit PCM WAV.",
    "zh-CN": "这个 WAV 文件使用 {encoding} 编码，暂不支持——请导出为 16 位 PCM WAV。",
  },
  "audio-too-long": {
    en: "the clip lasts {seconds} seconds, longer than the {limit}-second limit — cut it down to the command itself.",
    "zh-CN": "音频长 {seconds} 秒，超过了 {limit} 秒的上限——请只剪出包含指令的部分。",
  },
  "audio-empty": {
    en: "the clip contains no sound — record it again.",
    "zh-CN": "音频中没有声音数据——请重新录制。",
  },
  "zip-invalid": {
    en: "this ZIP archive cannot be read — create it again with your computer's “Compress” command.",
    "zh-CN": "无法读取这个 ZIP 压缩包——请用电脑自带的“压缩”功能重新创建。",
  },
  "tags-file-missing": {
    en: "the ZIP archive has no tags table — add a CSV with the columns file and tags (for example tags.csv) next to the pictures.",
    "zh-CN": "ZIP 压缩包里没有标签表——请在图片旁放一个含 file 和 tags 两列的 CSV（例如 tags.csv）。",
  },
  "tagged-image-missing": {
    en: "the picture “{name}” is listed in the tags table but is not in the archive, so the row was skipped.",
    "zh-CN": "标签表中列出了图片“{name}”，但压缩包里没有这张图片，该行已跳过。",
  },
  "image-without-tags": {
    en: "this picture has no row in the tags table, so it was skipped.",
    "zh-CN": "这张图片在标签表中没有对应的行，已跳过。",
  },
  "zip-no-files": {
    en: "the ZIP archive has no usable {expected} files — put them in one folder per class.",
    "zh-CN": "ZIP 压缩包中没有可用的{expected}文件——请按类别把它们放在不同的文件夹中。",
  },
  "zip-too-many-files": {
    en: "the ZIP archive has {count} files, more than the {limit} limit — split it into several archives.",
    "zh-CN": "ZIP 压缩包中有 {count} 个文件，超过了 {limit} 个的上限——请拆分成多个压缩包。",
  },
  "zip-too-large-uncompressed": {
    en: "unpacked, the ZIP archive would take {totalBytes}, more than the {limitBytes} limit — split it into several archives.",
    "zh-CN": "ZIP 压缩包解压后有 {totalBytes}，超过了 {limitBytes} 的上限——请拆分成多个压缩包。",
  },
  "zip-entry-too-large": {
    en: "this file is {sizeBytes} unpacked, more than the {limitBytes} limit per file, so it was skipped.",
    "zh-CN": "该文件解压后为 {sizeBytes}，超过了单个文件 {limitBytes} 的上限，已跳过。",
  },
  "zip-ratio-too-high": {
    en: "this file is compressed {ratio} times, more than the limit of {limit} times (real pictures and recordings never are), so it was skipped.",
    "zh-CN": "该文件的压缩比为 {ratio} 倍，超过了 {limit} 倍的上限（真实的图片和录音不会这样），已跳过。",
  },
  "zip-unsafe-path": {
    en: "this file's path points outside the archive (it starts with “/” or contains “..”), so it was skipped for safety.",
    "zh-CN": "该文件的路径指向压缩包之外（以“/”开头或含有“..”），为安全起见已跳过。",
  },
  "zip-symlink": {
    en: "this is a shortcut (symbolic link), not a real file, so it was skipped.",
    "zh-CN": "这是一个快捷方式（符号链接），不是真正的文件，已跳过。",
  },
  "zip-encrypted": {
    en: "this file is password-protected, so it was skipped — create the archive without a password.",
    "zh-CN": "该文件设有密码，已跳过——请创建不带密码的压缩包。",
  },
  "zip-unsupported-compression": {
    en: "this file uses a compression method that cannot be unpacked (method {method}), so it was skipped — create the archive with your computer's “Compress” command.",
    "zh-CN": "该文件使用了无法解压的压缩方式（方法 {method}），已跳过——请用电脑自带的“压缩”功能重新创建压缩包。",
  },
  "zip-entry-corrupt": {
    en: "this file inside the archive is damaged, so it was skipped.",
    "zh-CN": "压缩包中的这个文件已损坏，已跳过。",
  },
  "zip-file-outside-folder": {
    en: "this file is not inside a class folder, so it was skipped — put each file in a folder named after its class.",
    "zh-CN": "该文件不在任何类别文件夹中，已跳过——请把每个文件放进以其类别命名的文件夹。",
  },
  "no-samples": {
    en: "there are no examples yet — add some data first.",
    "zh-CN": "还没有任何样本——请先添加数据。",
  },
  "single-class": {
    en: "all examples have the same label, “{label}” — a model needs at least two different labels to learn the difference.",
    "zh-CN": "所有样本的标签都是“{label}”——模型至少需要两种不同的标签才能学会区分。",
  },
  "class-too-small": {
    en: "“{label}” has only {count} examples; at least {min} are recommended.",
    "zh-CN": "“{label}”只有 {count} 个样本，建议至少 {min} 个。",
  },
  "class-imbalance": {
    en: "“{largest}” has {largestCount} examples but “{smallest}” only {smallestCount} ({ratio} times fewer; beyond {limit} times the model may ignore the small class) — add examples to the small classes.",
    "zh-CN": "“{largest}”有 {largestCount} 个样本，而“{smallest}”只有 {smallestCount} 个（相差 {ratio} 倍；超过 {limit} 倍时模型可能忽略小类别）——请为小类别补充样本。",
  },
  "duplicate-text": {
    en: "the same text is already in row {firstRow}; duplicates add nothing — delete one of them.",
    "zh-CN": "同样的文本已出现在第 {firstRow} 行；重复的样本没有帮助——请删除其中一个。",
  },
  "conflicting-labels": {
    en: "“{text}” is labelled “{label}” here but “{otherLabels}” in row {firstRow} — decide on one label.",
    "zh-CN": "“{text}”在这里的标签是“{label}”，但在第 {firstRow} 行是“{otherLabels}”——请统一为一个标签。",
  },
  "no-entities": {
    en: "no entities are marked — mark some, e.g. [Paris](CITY).",
    "zh-CN": "没有标注任何实体——请标注一些，例如 [北京](CITY)。",
  },
  "entity-type-too-small": {
    en: "the entity type “{label}” appears only {count} times; at least {min} are recommended.",
    "zh-CN": "实体类型“{label}”只出现了 {count} 次，建议至少 {min} 次。",
  },
};

/** Words for enumerated param values (mapping roles, file kinds, column types). */
const VALUE_WORDS: Record<string, Localized> = {
  text: { en: "the text", "zh-CN": "文本" },
  label: { en: "the label", "zh-CN": "标签" },
  reply: { en: "the reply", "zh-CN": "回复" },
  question: { en: "the question", "zh-CN": "问题" },
  answer: { en: "the answer", "zh-CN": "答案" },
  paraphrases: { en: "other ways to ask", "zh-CN": "相似问法" },
  target: { en: "the value to predict", "zh-CN": "预测目标" },
  feature: { en: "an input column", "zh-CN": "输入列" },
  user: { en: "the user", "zh-CN": "用户" },
  item: { en: "the item", "zh-CN": "物品" },
  rating: { en: "the rating", "zh-CN": "评分" },
  file: { en: "the file name", "zh-CN": "文件名" },
  tags: { en: "the tags", "zh-CN": "标签" },
  zip: { en: "a ZIP archive", "zh-CN": "ZIP 压缩包" },
  pdf: { en: "a PDF document", "zh-CN": "PDF 文档" },
  binary: { en: "binary data", "zh-CN": "二进制数据" },
  number: { en: "numbers", "zh-CN": "数字" },
  date: { en: "dates", "zh-CN": "日期" },
  image: { en: "picture", "zh-CN": "图片" },
  audio: { en: "sound", "zh-CN": "音频" },
  any: { en: "data", "zh-CN": "数据" },
};
const ENUM_PARAMS = new Set(["role", "otherRole", "kind", "type", "expected"]);

/** "1.5 MB"-style size. */
export function formatBytes(bytes: number, locale: Locale = "en"): string {
  const units = ["KB", "MB", "GB", "TB"];
  if (bytes < 1024) return locale === "zh-CN" ? `${bytes} 字节` : `${bytes} bytes`;
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const rounded = v >= 10 ? Math.round(v) : Math.round(v * 10) / 10;
  return `${rounded} ${units[u]}`;
}

function formatParam(key: string, value: string | number, locale: Locale): string {
  if (typeof value === "number") {
    if (key.endsWith("Bytes")) return formatBytes(value, locale);
    return new Intl.NumberFormat(locale).format(value);
  }
  if (ENUM_PARAMS.has(key) && VALUE_WORDS[value]) return VALUE_WORDS[value][locale];
  return value;
}

/** Fills a template; unknown placeholders are left visible rather than silently dropped. */
export function fillTemplate(template: string, params: Record<string, string | number>, locale: Locale): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) =>
    Object.prototype.hasOwnProperty.call(params, key) ? formatParam(key, params[key], locale) : m,
  );
}

function location(issue: DataIssue, locale: Locale): string {
  const row = issue.row !== undefined ? String(issue.row) : undefined;
  if (locale === "zh-CN") {
    if (issue.file !== undefined && row) return `“${issue.file}”第 ${row} 行：`;
    if (issue.file !== undefined) return `“${issue.file}”：`;
    if (row) return `第 ${row} 行：`;
    return "";
  }
  if (issue.file !== undefined && row) return `“${issue.file}”, row ${row}: `;
  if (issue.file !== undefined) return `“${issue.file}”: `;
  if (row) return `Row ${row}: `;
  return "";
}

/**
 * The issue as one sentence for the user, e.g. "Row 7: the label is empty — fill it in or delete the
 * row." / "第 7 行：标签为空——请填写或删除该行。". Render it as text, never as HTML.
 */
export function formatIssue(issue: DataIssue, locale: Locale): string {
  const params = issue.column !== undefined ? { column: issue.column, ...issue.params } : issue.params;
  const body = fillTemplate(MESSAGES[issue.code][locale], params, locale);
  const prefix = location(issue, locale);
  if (prefix || locale !== "en") return prefix + body;
  return body.charAt(0).toUpperCase() + body.slice(1);
}
