/**
 * Node-only helpers for the backbone tests (and benchmarks): a small PNG decoder and
 * leave-one-out classifiers that measure how separable a set of feature vectors is.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { RawImage } from "./types";

/** Decodes 8-bit greyscale/RGB/RGBA (non-interlaced) PNG files. */
export function decodePng(bytes: Uint8Array): RawImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let o = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (o + 8 <= buf.length) {
    const n = buf.readUInt32BE(o);
    const type = buf.toString("ascii", o + 4, o + 8);
    const data = buf.subarray(o + 8, o + 8 + n);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error("only 8-bit non-interlaced PNGs are supported");
      colorType = data[9];
    } else if (type === "IDAT") idat.push(data);
    o += 12 + n;
  }
  const channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, 1 | 3 | 4 | undefined>)[colorType];
  if (!channels) throw new Error(`unsupported PNG colour type ${colorType}`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? px[y * stride + i - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= channels ? px[(y - 1) * stride + i - channels] : 0;
      let v = x;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + i] = v & 0xff;
    }
  }
  return { width, height, data: px, channels };
}

/** Class-folder dataset: dir/<label>/<file>. Returns sorted, labelled file paths. */
export function listClassFolders(dir: string, ext: string): { label: string; file: string }[] {
  const out: { label: string; file: string }[] = [];
  for (const label of fs.readdirSync(dir).sort()) {
    const sub = path.join(dir, label);
    if (!fs.statSync(sub).isDirectory()) continue;
    for (const f of fs.readdirSync(sub).sort()) if (f.endsWith(ext)) out.push({ label, file: path.join(sub, f) });
  }
  return out;
}

function l2normalise(f: Float32Array): Float64Array {
  let n = 0;
  for (const v of f) n += v * v;
  n = Math.sqrt(n) || 1;
  return Float64Array.from(f, (v) => v / n);
}

/** Leave-one-out accuracy of a nearest-centroid classifier on L2-normalised features (cosine). */
export function nearestCentroidLoo(features: Float32Array[], labels: string[]): number {
  const F = features.map(l2normalise);
  const dim = F[0].length;
  let correct = 0;
  for (let i = 0; i < F.length; i++) {
    const sums = new Map<string, { s: Float64Array; n: number }>();
    for (let j = 0; j < F.length; j++) {
      if (j === i) continue;
      const c = sums.get(labels[j]) ?? { s: new Float64Array(dim), n: 0 };
      for (let k = 0; k < dim; k++) c.s[k] += F[j][k];
      c.n++;
      sums.set(labels[j], c);
    }
    let best = "";
    let bestD = Infinity;
    for (const [label, c] of sums) {
      let d = 0;
      for (let k = 0; k < dim; k++) d += (F[i][k] - c.s[k] / c.n) ** 2;
      if (d < bestD) [bestD, best] = [d, label];
    }
    if (best === labels[i]) correct++;
  }
  return correct / F.length;
}

/** Solves A X = B in place (Gauss-Jordan with partial pivoting); A is n x n, B is n x m. */
function solve(A: number[][], B: number[][]): number[][] {
  const n = A.length;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    [B[c], B[p]] = [B[p], B[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r][k] -= f * A[c][k];
      for (let k = 0; k < B[r].length; k++) B[r][k] -= f * B[c][k];
    }
  }
  return B.map((row, r) => row.map((v) => v / A[r][r]));
}

/**
 * Leave-one-out accuracy of a linear (ridge-regression, one-vs-rest) classifier on centred,
 * L2-normalised features: what a trained dense head can reach. Kernel form (one Gram matrix,
 * centred per fold), so cheap for small n.
 */
export function ridgeLoo(features: Float32Array[], labels: string[], lambda = 0.1): number {
  const classes = [...new Set(labels)];
  const F = features.map(l2normalise);
  const n = F.length;
  const G = F.map((a) => F.map((b) => a.reduce((s, v, k) => s + v * b[k], 0)));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const idx = [...Array(n).keys()].filter((j) => j !== i);
    const m = idx.length;
    // centring with the fold's mean: Kc = H G H, kc = H (g_i - G 1/m) with H = I - 11'/m
    const rowMean = idx.map((a) => idx.reduce((s, b) => s + G[a][b], 0) / m);
    const allMean = rowMean.reduce((s, v) => s + v, 0) / m;
    const gi = idx.map((a) => G[a][i]);
    const giMean = gi.reduce((s, v) => s + v, 0) / m;
    const K = idx.map((a, r) => idx.map((b, c) => G[a][b] - rowMean[r] - rowMean[c] + allMean + (r === c ? lambda : 0)));
    const kx = gi.map((v, r) => v - rowMean[r] - giMean + allMean);
    const Y = idx.map((j) => classes.map((c) => (labels[j] === c ? 1 : 0) - 1 / classes.length));
    const alpha = solve(K, Y);
    const scores = classes.map((_, c) => kx.reduce((s, v, r) => s + v * alpha[r][c], 0));
    if (classes[scores.indexOf(Math.max(...scores))] === labels[i]) correct++;
  }
  return correct / n;
}
