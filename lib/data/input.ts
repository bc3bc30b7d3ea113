/** Inputs accepted by every parser: raw bytes from a File/Blob/fs read, or text already decoded. */
export type DataInput = Uint8Array | ArrayBuffer | string;

const encoder = new TextEncoder();

/** Bytes of the input without copying when possible (a string is encoded as UTF-8). */
export function toBytes(input: DataInput): Uint8Array {
  if (typeof input === "string") return encoder.encode(input);
  if (input instanceof Uint8Array) return input;
  return new Uint8Array(input);
}

/** A standalone ArrayBuffer holding exactly these bytes (a Uint8Array may view a larger pool buffer). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

/** Size in bytes without encoding a string twice. */
export function byteLength(input: DataInput): number {
  if (typeof input === "string") return encoder.encode(input).byteLength;
  return input.byteLength;
}

/** True when `bytes` starts with `prefix` at `offset`. */
export function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[offset + i] !== prefix[i]) return false;
  return true;
}

/** ASCII text of `length` bytes at `offset` (for magic numbers and chunk ids). */
export function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let s = "";
  const end = Math.min(bytes.length, offset + length);
  for (let i = offset; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
