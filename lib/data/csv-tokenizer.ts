/**
 * A streaming CSV tokenizer: text goes in chunk by chunk, records come out one by one, and no cell
 * is ever built past `maxCellChars` (a 60 MB line costs a counter, not a 60 MB string). It reads
 * exactly what Papa Parse 5 reads (`Papa.parse(text, { delimiter, newline })`, quote " escaped
 * as ""), including its handling of malformed quotes, so switching to it changed no table; the
 * differential test in csv-tokenizer.test.ts holds it to that.
 */

export type CsvNewline = "\n" | "\r" | "\r\n";

export interface CsvRecord {
  /** 0-based record index; the spreadsheet row is index + 1 (a quoted newline is no new record). */
  index: number;
  /** Raw (untrimmed) cells, at most `maxFields` of them; a cell that was too long is "". */
  cells: string[];
  /** Cells in the record, also those past `maxFields` that were counted but not kept. */
  fieldCount: number;
  /** 1 + the index of the last cell that is not blank, counting cells that were not kept. */
  used: number;
  /** The first cell longer than `maxCellChars`: its index and raw length. It was not built. */
  tooLong?: { column: number; length: number };
  /** The input ended inside a quoted field, which swallowed the rest of the file. */
  unclosedQuote?: boolean;
}

export interface CsvTokenizerOptions {
  delimiter: string;
  newline: CsvNewline;
  /** A cell longer than this (raw characters) is counted but not built. */
  maxCellChars: number;
  /** Cells kept per record; later cells are counted (for `used`) but not kept. */
  maxFields: number;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** The characters String.prototype.trim removes (WhiteSpace and LineTerminator). */
export function isTrimSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

const NOT_BLANK = /\S/;

/**
 * Papa Parse's line-ending guess, on the first 1M characters: quoted text is ignored; "\n" when
 * there is no "\r" or a "\n" comes first, else "\r\n" when at least half the "\r" are followed by
 * "\n", else "\r".
 */
export function guessNewline(text: string): CsvNewline {
  const input = text.substring(0, 1024 * 1024).replace(/"([^]*?)"/gm, "");
  const r = input.split("\r");
  const n = input.split("\n");
  const nAppearsFirst = n.length > 1 && n[0].length < r[0].length;
  if (r.length === 1 || nAppearsFirst) return "\n";
  let withN = 0;
  for (const part of r) if (part[0] === "\n") withN++;
  return withN >= r.length / 2 ? "\r\n" : "\r";
}

type State = "start" | "unquoted" | "quoted" | "afterQuote";

export class CsvTokenizer {
  private readonly delim: number;
  private readonly nl: CsvNewline;
  private readonly nlCode: number;
  private readonly maxCell: number;
  private readonly maxFields: number;
  private readonly onRecord: (r: CsvRecord) => boolean | void;

  private state: State = "start";
  private started = false;
  private stopped = false;
  private sawInput = false;
  /** A "\r" at the end of the last chunk, waiting to see whether "\n" follows (newline "\r\n"). */
  private pendingCr = false;

  // current record
  private index = 0;
  private cells: string[] = [];
  private fieldCount = 0;
  private used = 0;
  private tooLong: CsvRecord["tooLong"];

  // current field
  private acc = "";
  private len = 0;
  private overflow = false;
  private nonBlank = false;
  // whitespace after a closing-quote candidate, kept until we know whether the quote closes
  private ws = "";
  private wsLen = 0;

  constructor(options: CsvTokenizerOptions, onRecord: (r: CsvRecord) => boolean | void) {
    if (options.delimiter.length !== 1) throw new Error("the delimiter must be one character");
    this.delim = options.delimiter.charCodeAt(0);
    this.nl = options.newline;
    this.nlCode = options.newline === "\r" ? CR : options.newline === "\n" ? LF : CR;
    this.maxCell = options.maxCellChars;
    this.maxFields = options.maxFields;
    this.onRecord = onRecord;
  }

  /** True once the record callback asked to stop; later input is ignored. */
  get done(): boolean {
    return this.stopped;
  }

  private append(s: string) {
    if (s.length === 0) return;
    this.len += s.length;
    if (!this.nonBlank && NOT_BLANK.test(s)) this.nonBlank = true;
    if (this.overflow) return;
    if (this.len > this.maxCell || this.fieldCount >= this.maxFields) {
      this.overflow = true;
      this.acc = "";
      return;
    }
    this.acc += s;
  }

  private endField() {
    const i = this.fieldCount++;
    if (this.nonBlank) this.used = i + 1;
    if (i < this.maxFields) {
      if (this.overflow && this.len > this.maxCell) {
        this.tooLong ??= { column: i, length: this.len };
        this.cells.push("");
      } else this.cells.push(this.acc);
    }
    this.acc = "";
    this.len = 0;
    this.overflow = false;
    this.nonBlank = false;
    this.state = "start";
  }

  private endRecord(unclosedQuote = false) {
    const record: CsvRecord = { index: this.index++, cells: this.cells, fieldCount: this.fieldCount, used: this.used };
    if (this.tooLong) record.tooLong = this.tooLong;
    if (unclosedQuote) record.unclosedQuote = true;
    this.cells = [];
    this.fieldCount = 0;
    this.used = 0;
    this.tooLong = undefined;
    if (this.onRecord(record) === false) this.stopped = true;
  }

  /** A closing-quote candidate turned out to be part of the text (Papa: InvalidQuotes). */
  private quoteIsText() {
    if (this.wsLen > this.ws.length) {
      // the whitespace run was longer than we kept: the cell is too long anyway
      this.append('"');
      this.len += this.wsLen;
      this.overflow = true;
      this.acc = "";
      this.nonBlank = true;
    } else this.append(`"${this.ws}`);
    this.ws = "";
    this.wsLen = 0;
    this.state = "quoted";
  }

  private addWs(ch: string) {
    this.wsLen++;
    if (this.ws.length <= this.maxCell) this.ws += ch;
  }

  push(text: string): void {
    if (this.stopped || text.length === 0) return;
    let s = text;
    if (!this.started) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      if (s.length === 0) return;
    }
    this.sawInput = true;
    const n = s.length;
    let i = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (s.charCodeAt(0) === LF) {
        i = 1;
        if (this.state === "afterQuote") {
          this.ws = "";
          this.wsLen = 0;
        }
        this.endField();
        this.endRecord();
        if (this.stopped) return;
      } else if (this.state === "afterQuote") this.addWs("\r");
      else this.append("\r");
    }
    const delim = this.delim;
    const nlCode = this.nlCode;
    const crlf = this.nl === "\r\n";
    while (i < n) {
      const state = this.state;
      if (state === "start" && s.charCodeAt(i) === QUOTE) {
        this.state = "quoted";
        i++;
        continue;
      }
      if (state === "start" || state === "unquoted") {
        this.state = "unquoted";
        let j = i;
        let end = -1; // 0: delimiter, 1: newline, 2: "\r" at the chunk end
        for (; j < n; j++) {
          const c = s.charCodeAt(j);
          if (c === delim) {
            end = 0;
            break;
          }
          if (c === nlCode) {
            if (!crlf) {
              end = 1;
              break;
            }
            if (j + 1 < n) {
              if (s.charCodeAt(j + 1) === LF) {
                end = 1;
                break;
              }
            } else {
              end = 2;
              break;
            }
          }
        }
        this.append(s.slice(i, j));
        if (end === -1) return;
        if (end === 2) {
          this.pendingCr = true;
          return;
        }
        this.endField();
        i = j + (end === 1 ? this.nl.length : 1);
        if (end === 1) {
          this.endRecord();
          if (this.stopped) return;
        }
        continue;
      }
      if (state === "quoted") {
        const q = s.indexOf('"', i);
        if (q === -1) {
          this.append(s.slice(i));
          return;
        }
        this.append(s.slice(i, q));
        this.state = "afterQuote";
        i = q + 1;
        continue;
      }
      // afterQuote: decide whether the quote closed the field
      const c = s.charCodeAt(i);
      if (c === QUOTE && this.wsLen === 0) {
        this.append('"');
        this.state = "quoted";
        i++;
        continue;
      }
      if (c === delim) {
        this.ws = "";
        this.wsLen = 0;
        this.endField();
        i++;
        continue;
      }
      if (c === nlCode) {
        if (!crlf) {
          this.ws = "";
          this.wsLen = 0;
          this.endField();
          this.endRecord();
          if (this.stopped) return;
          i++;
          continue;
        }
        if (i + 1 >= n) {
          this.pendingCr = true;
          return;
        }
        if (s.charCodeAt(i + 1) === LF) {
          this.ws = "";
          this.wsLen = 0;
          this.endField();
          this.endRecord();
          if (this.stopped) return;
          i += 2;
          continue;
        }
      }
      if (isTrimSpace(c)) {
        this.addWs(s[i]);
        i++;
        continue;
      }
      this.quoteIsText(); // and read this character again as quoted text
    }
  }

  /** The end of the input: emits the last record (Papa always emits one, even an empty one). */
  end(): void {
    if (this.stopped || !this.sawInput) return;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (this.state === "afterQuote") this.addWs("\r");
      else this.append("\r");
    }
    if (this.state === "afterQuote") {
      if (this.wsLen === 0) {
        this.endField();
        this.endRecord();
        return;
      }
      this.quoteIsText();
    }
    if (this.state === "quoted") {
      this.endField();
      this.endRecord(true);
      return;
    }
    this.endField();
    this.endRecord();
  }
}
