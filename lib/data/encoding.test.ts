import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeText, sniffBinary } from "./encoding";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("decodeText", () => {
  it("reads plain UTF-8", () => {
    expect(decodeText(utf8("文本,label\n好,pos"))).toEqual({ text: "文本,label\n好,pos", encoding: "utf-8", guessed: false });
  });

  it("strips a UTF-8 BOM", () => {
    const r = decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8("text,label")]));
    expect(r.text).toBe("text,label");
    expect(r.encoding).toBe("utf-8-bom");
  });

  it("strips a BOM from an already-decoded string", () => {
    expect(decodeText("\uFEFFa,b").text).toBe("a,b");
  });

  it("detects GBK Chinese when strict UTF-8 fails", () => {
    const text = "文本,标签\n这个手机很好用,正面\n快递太慢了,负面\n";
    const r = decodeText(iconv.encode(text, "gbk"));
    expect(r.encoding).toBe("gb18030");
    expect(r.guessed).toBe(false);
    expect(r.text).toBe(text);
  });

  it("decodes UTF-16LE with a BOM (Excel 'Unicode text')", () => {
    const body = iconv.encode("text\tlabel\n你好\tgreet", "utf-16le");
    const r = decodeText(Uint8Array.from([0xff, 0xfe, ...body]));
    expect(r.encoding).toBe("utf-16le");
    expect(r.text).toBe("text\tlabel\n你好\tgreet");
  });

  it("decodes UTF-16LE without a BOM from the zero-byte pattern", () => {
    const r = decodeText(iconv.encode("text,label\nhello,greeting\n", "utf-16le"));
    expect(r.encoding).toBe("utf-16le");
    expect(r.text).toBe("text,label\nhello,greeting\n");
  });

  it("decodes UTF-16BE with a BOM", () => {
    const r = decodeText(Uint8Array.from([0xfe, 0xff, ...iconv.encode("a,b", "utf-16be")]));
    expect(r).toMatchObject({ encoding: "utf-16be", text: "a,b" });
  });

  it("falls back to windows-1252, flagged as a guess, for Latin-1 text", () => {
    const r = decodeText(iconv.encode("café,crème brûlée\n", "windows-1252"));
    expect(r.encoding).toBe("windows-1252");
    expect(r.guessed).toBe(true);
    expect(r.text).toBe("café,crème brûlée\n");
  });
});

describe("sniffBinary", () => {
  it("recognises ZIP/XLSX, old Excel, PDF and other binary data", () => {
    expect(sniffBinary(Uint8Array.from([0x50, 0x4b, 3, 4, 0]))).toBe("zip");
    expect(sniffBinary(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toBe("old-excel");
    expect(sniffBinary(utf8("%PDF-1.7"))).toBe("pdf");
    expect(sniffBinary(Uint8Array.from([1, 2, 0, 0, 0, 7, 0, 9, 0, 0]))).toBe("binary");
    expect(sniffBinary(utf8("a,b\n1,2"))).toBeNull();
  });
});
