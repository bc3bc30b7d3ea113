import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { strToU8, zipSync, type Zippable } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as uploadRoute } from "@/app/api/projects/[id]/uploads/route";
import { GET as samplesRoute } from "@/app/api/projects/[id]/samples/route";
import { GET as blobRoute } from "@/app/api/projects/[id]/blobs/[blobId]/route";
import { makeJpeg, makePng, makePngHeaderOnly } from "@/lib/data/__fixtures__/builders";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";

let owner: { cookie: string };

async function imageProject() {
  const r = await call(createProjectRoute, { body: { name: `uploads-${Math.random()}`, scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["buttons"] }, cookie: owner.cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

function upload(id: string, bytes: Uint8Array, name: string, label?: string) {
  const q = new URLSearchParams({ name, ...(label ? { label } : {}) });
  return call(uploadRoute, {
    rawBody: new Blob([bytes as BlobPart]),
    headers: { "content-type": "application/octet-stream" },
    cookie: owner.cookie,
    params: { id },
    url: `http://localhost:3000/api/projects/${id}/uploads?${q}`,
  });
}

const sampleCount = (id: string) => db.sample.count({ where: { dataset: { projectId: id } } });
const messages = (r: { json: { issues?: { message: string }[]; error?: { message: string } } }) =>
  [...(r.json.issues ?? []).map((i) => i.message), r.json.error?.message ?? ""].join(" | ");
const ascii = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

beforeAll(async () => {
  owner = await signUp();
});

describe("hostile ZIP archives through POST /api/projects/:id/uploads", () => {
  it("absolute paths, drive letters, backslash traversal and symlink entries are skipped and named; only the real pictures are stored", async () => {
    const id = await imageProject();
    const outside = path.join(os.tmpdir(), `studio-zip-escape-${Date.now()}.png`);
    const zip = zipSync({
      [outside]: makePng(3, 3),
      "C:\\Windows\\evil.png": makePng(3, 4),
      "cats\\..\\..\\evil.png": makePng(4, 3),
      "cats/link.png": [strToU8("/etc/passwd"), { os: 3, attrs: (0o120777 << 16) >>> 0 }],
      "cats/real.png": makePng(5, 5),
      "dogs/real.png": makePng(6, 5),
    } as Zippable);
    const r = await upload(id, zip, "escape.zip");
    expect(r.status).toBe(201);
    expect(r.json.added).toBe(2);
    const text = messages(r);
    for (const name of [outside, "C:\\Windows\\evil.png", "cats\\..\\..\\evil.png", "cats/link.png"]) expect(text).toContain(name);
    expect(fs.existsSync(outside)).toBe(false);
    const stored = await db.sample.findMany({ where: { dataset: { projectId: id } }, include: { blob: true } });
    expect(stored.map((s) => s.fileName).sort()).toEqual(["real.png", "real.png"]);
    expect(stored.every((s) => s.blob?.mime === "image/png")).toBe(true);
  });

  it("a 50,000-entry archive is refused from its directory, naming the limit, and nothing is stored", async () => {
    const id = await imageProject();
    const files: Zippable = {};
    for (let i = 0; i < 50_000; i++) files[`c${i % 2}/${i}.png`] = new Uint8Array([i & 255]);
    const zip = zipSync(files, { level: 0 });
    const blobsBefore = await db.blob.count();
    const r = await upload(id, zip, "many.zip");
    expect(r.status).toBe(422);
    expect(messages(r)).toMatch(/50,?000/);
    expect(messages(r)).toMatch(/10,?000/);
    expect(await sampleCount(id)).toBe(0);
    expect(await db.blob.count()).toBe(blobsBefore);
  });
});

describe("hostile pictures through POST /api/projects/:id/uploads", () => {
  it("pixel floods (PNG and JPEG declaring huge dimensions) are refused from the header, alone and inside a ZIP", async () => {
    const id = await imageProject();
    const floods: [string, Uint8Array][] = [
      ["flood.png", makePngHeaderOnly(100_000, 100_000)],
      ["wide.png", makePngHeaderOnly(2_000_000_000, 1)],
      ["flood.jpg", makeJpeg(65_500, 65_500)],
    ];
    for (const [name, bytes] of floods) {
      const r = await upload(id, bytes, name, "cats");
      expect(r.status, name).toBe(422);
      expect(messages(r), name).toContain(name);
      expect(messages(r), name).toMatch(/10,?000/); // the side limit, shown to the user
    }
    const zip = await upload(id, zipSync({ "cats/flood.png": makePngHeaderOnly(100_000, 100_000), "cats/flood.jpg": makeJpeg(65_500, 65_500), "cats/ok.png": makePng(2, 2), "dogs/ok.png": makePng(3, 2) }), "floods.zip");
    expect(zip.status).toBe(201);
    expect(zip.json.added).toBe(2);
    expect(messages(zip)).toContain("cats/flood.png");
    expect(messages(zip)).toContain("cats/flood.jpg");
  });

  it("truncated PNG and JPEG files are refused by name and not stored", async () => {
    const id = await imageProject();
    const png = makePng(8, 8);
    const jpeg = makeJpeg(8, 8);
    for (const [name, bytes] of [["cut.png", png.subarray(0, png.length - 6)], ["cut.jpg", jpeg.subarray(0, jpeg.length - 2)], ["header.jpg", jpeg.subarray(0, 12)], ["magic.png", png.subarray(0, 8)]] as const) {
      const r = await upload(id, bytes, name, "cats");
      expect(r.status, name).toBe(422);
      expect(messages(r), name).toContain(name);
    }
    expect(await sampleCount(id)).toBe(0);
  });

  it("an SVG with a script (whatever its name), HTML, and a GIF/JavaScript polyglot are refused: not a supported picture", async () => {
    const id = await imageProject();
    const svg = ascii(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>`);
    const gifJs = ascii("GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.domain);/*\x00;*/");
    const cases: [string, Uint8Array][] = [
      ["logo.svg", svg],
      ["logo.png", svg],
      ["page.png", ascii("<!doctype html><script>alert(1)</script>")],
      ["anim.gif", gifJs],
      ["anim.png", gifJs],
    ];
    for (const [name, bytes] of cases) {
      const r = await upload(id, bytes, name, "cats");
      expect(r.status, name).toBe(422);
      expect(messages(r), name).toContain(name);
    }
    const zip = await upload(id, zipSync({ "cats/x.svg": svg, "cats/y.gif": gifJs, "cats/ok.png": makePng(2, 2), "dogs/ok.png": makePng(2, 3) }), "mixed.zip");
    expect(zip.json.added).toBe(2);
    expect(await db.blob.count({ where: { samples: { some: { dataset: { projectId: id } } }, mime: { notIn: ["image/png", "image/jpeg", "image/webp"] } } })).toBe(0);
  });

  it("PNG/HTML and JPEG/HTML polyglots are stored as pictures only and served back inert (picture type, nosniff, sandboxed, never HTML)", async () => {
    const id = await imageProject();
    const html = ascii('<html><body><script>alert(document.cookie)</script><svg onload="alert(2)"></svg></body></html>');
    const pngHtml = concat(makePng(4, 4), html); // HTML after IEND
    const jpeg = makeJpeg(4, 4);
    const comment = concat(Uint8Array.from([0xff, 0xfe, (html.length + 2) >> 8, (html.length + 2) & 255]), html);
    const jpegHtml = concat(jpeg.subarray(0, 2), comment, jpeg.subarray(2)); // HTML in a COM segment
    for (const [name, bytes, label] of [["poly.png", pngHtml, "png"], ["poly.jpg", jpegHtml, "jpg"]] as const) {
      const r = await upload(id, bytes, name, label);
      expect(r.status, name).toBe(201);
    }
    const list = await call(samplesRoute, { method: "GET", cookie: owner.cookie, params: { id }, url: "http://localhost:3000/x" });
    expect(list.json.samples).toHaveLength(2);
    for (const s of list.json.samples as { blobId: string; label: string }[]) {
      const r = await call(blobRoute, { method: "GET", cookie: owner.cookie, params: { id, blobId: s.blobId } });
      expect(r.status).toBe(200);
      expect(r.res.headers.get("content-type")).toBe(s.label === "png" ? "image/png" : "image/jpeg");
      expect(r.res.headers.get("x-content-type-options")).toBe("nosniff");
      const csp = r.res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("sandbox");
      expect(r.res.headers.get("content-type")).not.toMatch(/html|svg|xml|javascript/);
      // The bytes are served as sent (the check is in the headers, not in rewriting the file).
      expect(Buffer.from(await r.res.arrayBuffer()).includes(Buffer.from("<script>"))).toBe(true);
    }
  });
});
