/**
 * Smaller model bundles: how a bundle's float32 weights are stored, tensor by tensor.
 *
 *   "int4-rows"  large tables ([rows, dim], rows ≥ ROWS_MIN: the hashed embedding tables of text
 *                models): a bitmap of the rows that are not all zero, then per stored row a
 *                float32 scale and dim four-bit values (value ≈ q × scale, q in −7…7). Rows no
 *                training text uses are zero (text trainers zero them) and cost one bit. Measured
 *                on Banking77 and SNIPS: the same test accuracy as float32 at a ninth of the size.
 *   "f16"        other tensors of at least F16_MIN values: IEEE half precision.
 *   "raw"        the rest (small tensors, int32, bool), as tfjs saved them.
 *
 * Decoding turns every tensor back into float32, so whatever reads a bundle (tfjs, the light
 * runtime, the REST API, exports) sees ordinary tfjs weights. The loss is measured, not assumed:
 * `npm run bench bundle-size` trains the bench-set models and compares accuracy before and after.
 * Plain TypeScript, no tfjs: it runs in the browser, the server and the worker threads.
 */

export const PACKING_ENCODINGS = ["raw", "f16", "int4-rows"] as const;
export type PackingEncoding = (typeof PACKING_ENCODINGS)[number];

export interface PackedTensor {
  encoding: PackingEncoding;
  /** Bytes this tensor takes in the bundle. */
  byteLength: number;
}

export interface WeightPacking {
  version: 1;
  /** One per weight spec, in order. */
  tensors: PackedTensor[];
}

export interface PackableSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

export const ROWS_MIN = 1024;
export const F16_MIN = 256;

export class PackingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackingError";
  }
}

/** Bytes per value of the tfjs dtypes a bundle may hold (also bundle.ts's size check). */
export const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

export function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function chooseEncoding(spec: PackableSpec): PackingEncoding {
  if (spec.dtype !== "float32" || spec.quantization !== undefined) return "raw";
  if (spec.shape.length === 2 && spec.shape[0] >= ROWS_MIN && spec.shape[1] >= 1) return "int4-rows";
  return elements(spec.shape) >= F16_MIN ? "f16" : "raw";
}

/* ------------------------------------------------------------------ float16 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE half bits, rounded to nearest even; beyond ±65504 → ±Infinity. */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

let halfTable: Float32Array | null = null;

/** IEEE half bits → float32 (a table of all 65,536 values, made once). */
function halves(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return (halfTable = t);
}

export function fromHalf(bits: number): number {
  return halves()[bits & 0xffff];
}

/* ------------------------------------------------------------------ per tensor */

function packF16(values: Float32Array): Uint8Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i]);
  return new Uint8Array(out.buffer);
}

function unpackF16(bytes: Uint8Array, count: number): Float32Array {
  if (bytes.byteLength !== count * 2) throw new PackingError(`float16 tensor: ${bytes.byteLength} bytes for ${count} values`);
  const t = halves();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = t[view.getUint16(i * 2, true)];
  return out;
}

/** A stored row: a float32 scale, then dim values of −7…7 (q + 8 in four bits, two per byte). */
const LEVELS = 7;
const rowBytes = (dim: number) => Math.ceil(dim / 2);

function packRows(values: Float32Array, rows: number, dim: number): Uint8Array {
  const bitmap = new Uint8Array(Math.ceil(rows / 8));
  const stored: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let k = r * dim; k < r * dim + dim; k++) {
      if (values[k] !== 0) {
        bitmap[r >> 3] |= 1 << (r & 7);
        stored.push(r);
        break;
      }
    }
  }
  const per = rowBytes(dim);
  const out = new Uint8Array(bitmap.byteLength + stored.length * (4 + per));
  out.set(bitmap, 0);
  const view = new DataView(out.buffer);
  const qStart = bitmap.byteLength + stored.length * 4;
  stored.forEach((r, i) => {
    let max = 0;
    for (let k = r * dim; k < r * dim + dim; k++) max = Math.max(max, Math.abs(values[k]));
    const scale = Math.fround(max / LEVELS);
    view.setFloat32(bitmap.byteLength + i * 4, scale, true);
    for (let k = 0; k < dim; k++) {
      const q = Math.max(-LEVELS, Math.min(LEVELS, Math.round(values[r * dim + k] / scale)));
      out[qStart + i * per + (k >> 1)] |= (q + 8) << ((k & 1) * 4);
    }
  });
  return out;
}

function unpackRows(bytes: Uint8Array, rows: number, dim: number): Float32Array {
  const bitmapBytes = Math.ceil(rows / 8);
  if (bytes.byteLength < bitmapBytes) throw new PackingError("int4 table: the row map is cut short");
  let stored = 0;
  for (let i = 0; i < bitmapBytes; i++) for (let b = bytes[i]; b; b &= b - 1) stored++;
  const per = rowBytes(dim);
  if (bytes.byteLength !== bitmapBytes + stored * (4 + per)) throw new PackingError(`int4 table: ${bytes.byteLength} bytes for ${stored} stored rows of ${dim}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const qStart = bitmapBytes + stored * 4;
  const out = new Float32Array(rows * dim);
  let i = 0;
  for (let r = 0; r < rows; r++) {
    if (!(bytes[r >> 3] & (1 << (r & 7)))) continue;
    const scale = view.getFloat32(bitmapBytes + i * 4, true);
    const at = qStart + i * per;
    for (let k = 0; k < dim; k++) {
      out[r * dim + k] = (((bytes[at + (k >> 1)] >> ((k & 1) * 4)) & 15) - 8) * scale;
    }
    i++;
  }
  return out;
}

/* ------------------------------------------------------------------ whole bundles */

function float32At(data: Uint8Array, offset: number, count: number): Float32Array {
  // a copy: the offset into the weight buffer need not be 4-byte aligned
  return new Float32Array(data.slice(offset, offset + count * 4).buffer);
}

/** Packs tfjs weight bytes (in the order of `specs`); the bytes a bundle stores and their description. */
export function packWeights(specs: readonly PackableSpec[], data: Uint8Array): { packing: WeightPacking; bytes: Uint8Array } {
  const parts: Uint8Array[] = [];
  const tensors: PackedTensor[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (!(spec.dtype in DTYPE_BYTES)) throw new PackingError(`cannot pack a ${spec.dtype} tensor (${spec.name})`);
    const count = elements(spec.shape);
    const size = count * DTYPE_BYTES[spec.dtype];
    if (offset + size > data.byteLength) throw new PackingError(`the weights end before ${spec.name}`);
    const encoding = chooseEncoding(spec);
    const part =
      encoding === "raw"
        ? data.subarray(offset, offset + size)
        : encoding === "f16"
          ? packF16(float32At(data, offset, count))
          : packRows(float32At(data, offset, count), spec.shape[0], spec.shape[1]);
    parts.push(part);
    tensors.push({ encoding, byteLength: part.byteLength });
    offset += size;
  }
  if (offset !== data.byteLength) throw new PackingError(`${data.byteLength - offset} bytes of weights after the last tensor`);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.byteLength;
  }
  return { packing: { version: 1, tensors }, bytes };
}

/**
 * The most a packed weight section of `packedBytes` may unpack to: 128 MB (a 65,536-row text table
 * is 8 MB unpacked however few rows it keeps), or 32 times the packed size for larger models.
 */
export function maxUnpackedBytes(packedBytes: number): number {
  return Math.max(128 * 2 ** 20, 32 * packedBytes);
}

/** The tfjs weight bytes again (float32 wherever the specs say so). Throws PackingError on any mismatch. */
export function unpackWeights(specs: readonly PackableSpec[], packing: WeightPacking, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (packing.tensors.length !== specs.length) throw new PackingError(`${packing.tensors.length} packed tensors for ${specs.length} weight specs`);
  let total = 0;
  for (const spec of specs) {
    if (!(spec.dtype in DTYPE_BYTES)) throw new PackingError(`cannot unpack a ${spec.dtype} tensor (${spec.name})`);
    total += elements(spec.shape) * DTYPE_BYTES[spec.dtype];
  }
  // Checked before anything is allocated: a hostile header could claim gigabytes of zero rows.
  const limit = maxUnpackedBytes(bytes.byteLength);
  if (total > limit) throw new PackingError(`the weights would unpack to ${Math.round(total / 2 ** 20)} MB, more than ${Math.round(limit / 2 ** 20)} MB`);
  const out = new Uint8Array(total);
  let from = 0;
  let to = 0;
  specs.forEach((spec, i) => {
    const { encoding, byteLength } = packing.tensors[i];
    if (from + byteLength > bytes.byteLength) throw new PackingError(`the weights end inside ${spec.name}`);
    const part = bytes.subarray(from, from + byteLength);
    const count = elements(spec.shape);
    const size = count * DTYPE_BYTES[spec.dtype];
    if (encoding !== "raw" && (spec.dtype !== "float32" || encoding !== chooseEncoding(spec))) throw new PackingError(`${spec.name} cannot be stored as ${encoding}`);
    if (encoding === "raw") {
      if (byteLength !== size) throw new PackingError(`${spec.name}: ${byteLength} bytes where ${size} are needed`);
      out.set(part, to);
    } else {
      const values = encoding === "f16" ? unpackF16(part, count) : unpackRows(part, spec.shape[0], spec.shape[1]);
      out.set(new Uint8Array(values.buffer), to);
    }
    from += byteLength;
    to += size;
  });
  if (from !== bytes.byteLength) throw new PackingError(`${bytes.byteLength - from} bytes after the last packed tensor`);
  return out;
}
