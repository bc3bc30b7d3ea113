import { zlibSync } from "fflate";
import { describe, expect, it } from "vitest";
import { decodePng, isPng, PngError } from "./png";

function chunk(type: string, data: Uint8Array): number[] {
  const len = data.length;
  // The decoder skips CRCs; zeros keep the test encoder short.
  return [len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...[...type].map((c) => c.charCodeAt(0)), ...data, 0, 0, 0, 0];
}

/** A PNG encoder for tests: rows of raw bytes, filtered with filter (y % 5), as real encoders mix them. */
function encodePng(opts: { width: number; height: number; depth: number; colorType: number; rows: Uint8Array[]; plte?: number[]; trns?: number[]; interlace?: number }): Uint8Array {
  const { width, height, depth, colorType, rows } = opts;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType]!;
  const bpp = Math.max(1, (channels * depth) >> 3);
  const stride = rows[0].length;
  const out: number[] = [];
  rows.forEach((row, y) => {
    const f = y % 5;
    const prev = y > 0 ? rows[y - 1] : new Uint8Array(stride);
    out.push(f);
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? row[x - bpp] : 0;
      const b = prev[x];
      const c = x >= bpp ? prev[x - bpp] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      out.push((row[x] - pred) & 255);
    }
  });
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([depth, colorType, 0, 0, opts.interlace ?? 0], 8);
  return new Uint8Array([
    137, 80, 78, 71, 13, 10, 26, 10,
    ...chunk("IHDR", ihdr),
    ...(opts.plte ? chunk("PLTE", new Uint8Array(opts.plte)) : []),
    ...(opts.trns ? chunk("tRNS", new Uint8Array(opts.trns)) : []),
    ...chunk("IDAT", zlibSync(new Uint8Array(out))),
    ...chunk("IEND", new Uint8Array()),
  ]);
}

const noise = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 73 + seed * 31 + ((i * i) >> 3)) & 255);

describe("PNG decoder", () => {
  it("decodes 8-bit RGBA and RGB through all five row filters", () => {
    const w = 7, h = 10;
    const rgba = Array.from({ length: h }, (_, y) => noise(w * 4, y));
    const a = decodePng(encodePng({ width: w, height: h, depth: 8, colorType: 6, rows: rgba }));
    expect(a).toMatchObject({ width: w, height: h, channels: 4 });
    expect(Array.from(a.data)).toEqual(rgba.flatMap((r) => Array.from(r)));
    const rgb = Array.from({ length: h }, (_, y) => noise(w * 3, y + 50));
    const b = decodePng(encodePng({ width: w, height: h, depth: 8, colorType: 2, rows: rgb }));
    expect(b.channels).toBe(3);
    expect(Array.from(b.data)).toEqual(rgb.flatMap((r) => Array.from(r)));
  });

  it("expands grey, grey+alpha, 16-bit and 2-bit palettes with transparency to RGB(A)", () => {
    const grey = decodePng(encodePng({ width: 2, height: 1, depth: 8, colorType: 0, rows: [Uint8Array.from([10, 200])] }));
    expect(Array.from(grey.data)).toEqual([10, 10, 10, 200, 200, 200]);
    const ga = decodePng(encodePng({ width: 1, height: 1, depth: 8, colorType: 4, rows: [Uint8Array.from([77, 128])] }));
    expect(Array.from(ga.data)).toEqual([77, 77, 77, 128]);
    const deep = decodePng(encodePng({ width: 1, height: 1, depth: 16, colorType: 2, rows: [Uint8Array.from([1, 2, 3, 4, 255, 0])] }));
    expect(Array.from(deep.data)).toEqual([1, 3, 255]);
    // 2 bits per pixel, 5 pixels: indices 0,1,2,3,1 packed MSB first.
    const pal = decodePng(encodePng({ width: 5, height: 1, depth: 2, colorType: 3, rows: [Uint8Array.from([0b00011011, 0b01000000])], plte: [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9], trns: [0] }));
    expect(pal.channels).toBe(4);
    expect(Array.from(pal.data)).toEqual([255, 0, 0, 0, 0, 255, 0, 255, 0, 0, 255, 255, 9, 9, 9, 255, 0, 255, 0, 255]);
    const bits = decodePng(encodePng({ width: 3, height: 1, depth: 1, colorType: 0, rows: [Uint8Array.from([0b10100000])] }));
    expect(Array.from(bits.data)).toEqual([255, 255, 255, 0, 0, 0, 255, 255, 255]);
  });

  it("refuses what it cannot read, in plain words", () => {
    const ok = encodePng({ width: 2, height: 2, depth: 8, colorType: 2, rows: [noise(6, 1), noise(6, 2)] });
    expect(isPng(ok)).toBe(true);
    expect(() => decodePng(new TextEncoder().encode("GIF89a........"))).toThrow(PngError);
    expect(() => decodePng(ok.slice(0, 40))).toThrow(/truncated/);
    expect(() => decodePng(encodePng({ width: 2, height: 2, depth: 8, colorType: 2, rows: [noise(6, 1), noise(6, 2)], interlace: 1 }))).toThrow(/interlaced/);
    expect(() => decodePng(ok, 3)).toThrow(/too large \(2×2\)/);
  });
});

describe("PNG encoder (tests and benchmarks)", () => {
  it("round-trips through the decoder", async () => {
    const { encodePng: encode } = await import("./png-encode");
    const img = { width: 5, height: 3, channels: 3 as const, data: noise(45, 9) };
    const back = decodePng(encode(img));
    expect(back).toMatchObject({ width: 5, height: 3, channels: 3 });
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });
});
