/**
 * Clip duration from the bytes of MP3, OGG (Vorbis/Opus) and WebM/Matroska files, without decoding.
 * Pure and dependency-free (runs in the browser and in Node). Every function returns `undefined`
 * when the duration cannot be determined or the file is visibly truncated: such files are not
 * rejected here, the browser measures them when it decodes them.
 */

const ascii = (b: Uint8Array, o: number, n: number): string => {
  let s = "";
  for (let i = 0; i < n && o + i < b.length; i++) s += String.fromCharCode(b[o + i]);
  return s;
};
const u32be = (b: Uint8Array, o: number) => ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
const u32le = (b: Uint8Array, o: number) => b[o] + (b[o + 1] << 8) + (b[o + 2] << 16) + ((b[o + 3] << 24) >>> 0);
const positive = (d: number | undefined) => (d !== undefined && Number.isFinite(d) && d > 0 ? d : undefined);

// ---------------------------------------------------------------- MP3

const BITRATES: Record<string, number[]> = {
  // kbit/s by bitrate index; index 0 is "free format" (unsupported), 15 is invalid
  "1-1": [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = [44100, 48000, 32000];

interface MpegFrame {
  /** 1 for MPEG-1, 2 for MPEG-2 and MPEG-2.5 (they share tables). */
  mpeg: 1 | 2;
  layer: 1 | 2 | 3;
  sampleRate: number;
  samples: number;
  length: number;
  mono: boolean;
}

export function parseMpegFrame(b: Uint8Array, o: number): MpegFrame | null {
  if (o + 4 > b.length || b[o] !== 0xff || (b[o + 1] & 0xe0) !== 0xe0) return null;
  const versionBits = (b[o + 1] >> 3) & 3; // 0 = 2.5, 1 reserved, 2 = 2, 3 = 1
  const layerBits = (b[o + 1] >> 1) & 3; // 1 = III, 2 = II, 3 = I
  const bitrateIndex = b[o + 2] >> 4;
  const rateIndex = (b[o + 2] >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const mpeg = versionBits === 3 ? 1 : 2;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const sampleRate = SAMPLE_RATES[rateIndex] / (versionBits === 3 ? 1 : versionBits === 2 ? 2 : 4);
  const table = mpeg === 1 ? `1-${layer}` : layer === 1 ? "2-1" : "2-2";
  const bitrate = BITRATES[table][bitrateIndex] * 1000;
  const padding = (b[o + 2] >> 1) & 1;
  const mono = b[o + 3] >> 6 === 3;
  if (layer === 1) return { mpeg, layer, sampleRate, samples: 384, length: (Math.floor((12 * bitrate) / sampleRate) + padding) * 4, mono };
  const samples = layer === 3 && mpeg === 2 ? 576 : 1152;
  return { mpeg, layer, sampleRate, samples, length: Math.floor(((samples / 8) * bitrate) / sampleRate) + padding, mono };
}

/** Offset of the first MPEG audio frame after any ID3v2 tags, or -1. */
function firstMpegFrame(b: Uint8Array): number {
  let o = 0;
  while (ascii(b, o, 3) === "ID3" && o + 10 <= b.length) {
    const size = ((b[o + 6] & 0x7f) << 21) | ((b[o + 7] & 0x7f) << 14) | ((b[o + 8] & 0x7f) << 7) | (b[o + 9] & 0x7f);
    o += 10 + size + (b[o + 5] & 0x10 ? 10 : 0); // footer flag adds a 10-byte footer
  }
  if (o >= b.length) return -1;
  // tolerate a little padding/junk between the tag and the first frame, but demand a second frame to confirm
  const end = Math.min(b.length - 4, o + 4096);
  for (let p = o; p <= end; p++) {
    const f = parseMpegFrame(b, p);
    if (!f) continue;
    const next = p + f.length;
    if (next === b.length || parseMpegFrame(b, next) || next + 4 > b.length || ascii(b, next, 3) === "TAG") return p;
  }
  return -1;
}

/** MP3 duration in seconds from a Xing/Info or VBRI header, or by walking every frame. */
export function mp3Duration(b: Uint8Array): number | undefined {
  const start = firstMpegFrame(b);
  if (start < 0) return undefined;
  const first = parseMpegFrame(b, start)!;
  const fromHeader = vbrHeaderDuration(b, start, first);
  if (fromHeader !== null) return fromHeader;
  let samples = 0;
  let o = start;
  for (;;) {
    if (o === b.length) break;
    if (b.length - o < 4 && !"TAG".startsWith(ascii(b, o, 3))) return undefined; // cut off in a frame header
    const f = parseMpegFrame(b, o);
    if (!f) {
      if (samples === 0) return undefined;
      break; // garbage, an ID3v1 "TAG" block or an APE tag: the audio ends here
    }
    if (o + f.length > b.length) return undefined; // the last frame is cut off
    samples += f.samples;
    o += f.length;
    // a sample-rate change means we are reading noise as frames
    if (f.sampleRate !== first.sampleRate) return undefined;
  }
  return positive(samples / first.sampleRate);
}

/** Duration from the Xing/Info or VBRI header; null when there is none; undefined when truncated. */
function vbrHeaderDuration(b: Uint8Array, start: number, f: MpegFrame): number | undefined | null {
  if (f.layer !== 3) return null;
  const side = f.mpeg === 1 ? (f.mono ? 17 : 32) : f.mono ? 9 : 17;
  const x = start + 4 + side;
  const tag = ascii(b, x, 4);
  if (tag === "Xing" || tag === "Info") {
    if (x + 8 > b.length) return undefined;
    const flags = u32be(b, x + 4);
    if (!(flags & 1)) return null; // no frame count: walk the frames instead
    // the whole header frame must be there (truncated otherwise)
    if (x + 8 + (flags & 2 ? 8 : 4) > b.length || start + f.length > b.length) return undefined;
    let p = x + 8;
    const frames = u32be(b, p);
    p += 4;
    if (flags & 2) {
      const bytes = u32be(b, p);
      p += 4;
      if (bytes > 0 && start + bytes > b.length) return undefined; // the file is shorter than the header says
    }
    if (flags & 4) p += 100;
    if (flags & 8) p += 4;
    let delay = 0;
    // LAME/Lavc extension: encoder delay and padding (12 bits each) 21 bytes into it
    if (/^(LAME|Lavc|Lavf|GOGO|L3.9)/.test(ascii(b, p, 4)) && p + 24 <= b.length) {
      const d = (b[p + 21] << 4) | (b[p + 22] >> 4);
      const pad = ((b[p + 22] & 0x0f) << 8) | b[p + 23];
      delay = d + pad;
    }
    const total = frames * f.samples - delay;
    return positive(total / f.sampleRate) ?? null;
  }
  const v = start + 4 + 32;
  if (ascii(b, v, 4) === "VBRI" && v + 18 <= b.length) {
    const bytes = u32be(b, v + 10);
    if (bytes > 0 && start + bytes > b.length) return undefined;
    const frames = u32be(b, v + 14);
    return positive((frames * f.samples) / f.sampleRate) ?? null;
  }
  return null;
}

// ---------------------------------------------------------------- OGG

/** OGG Vorbis/Opus duration: granule position of the last page of the first stream / rate. */
export function oggDuration(b: Uint8Array): number | undefined {
  if (ascii(b, 0, 4) !== "OggS" || b.length < 28) return undefined;
  const serial = u32le(b, 14);
  const segments = b[26];
  const payload = 27 + segments;
  if (payload + 19 > b.length) return undefined;
  let rate: number;
  let preSkip = 0;
  if (b[payload] === 1 && ascii(b, payload + 1, 6) === "vorbis") {
    rate = u32le(b, payload + 12);
  } else if (ascii(b, payload, 8) === "OpusHead") {
    rate = 48000; // Opus granule positions always count 48 kHz samples
    preSkip = b[payload + 10] | (b[payload + 11] << 8);
  } else {
    return undefined;
  }
  if (!(rate > 0)) return undefined;
  // scan pages backwards from the end for the last complete page of this stream with a granule position
  for (let o = b.length - 4; o >= 0; o--) {
    if (b[o] !== 0x4f || ascii(b, o, 4) !== "OggS") continue;
    if (o + 27 > b.length) return undefined; // a page cut off in its header: truncated
    if (b[o + 4] !== 0 || u32le(b, o + 14) !== serial) continue;
    const n = b[o + 26];
    if (o + 27 + n > b.length) return undefined; // cut off in its segment table
    let size = 27 + n;
    for (let i = 0; i < n; i++) size += b[o + 27 + i];
    if (o + size > b.length) return undefined; // the last page is cut off: truncated
    const lo = u32le(b, o + 6);
    const hi = u32le(b, o + 10);
    if (lo === 0xffffffff && hi === 0xffffffff) continue; // no packet ends on this page
    return positive((hi * 2 ** 32 + lo - preSkip) / rate);
  }
  return undefined;
}

// ---------------------------------------------------------------- WebM / Matroska

const ID = {
  segment: 0x18538067,
  info: 0x1549a966,
  timecodeScale: 0x2ad7b1,
  duration: 0x4489,
  cluster: 0x1f43b675,
  timecode: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
  blockDuration: 0x9b,
};
/** Children of Segment: meeting one ends an unknown-size Cluster. */
const LEVEL1 = new Set([0x114d9b74, 0x1549a966, 0x1654ae6b, 0x1f43b675, 0x1c53bb6b, 0x1043a770, 0x1941a469, 0x1254c367]);

class Truncated extends Error {}

interface Element {
  id: number;
  /** Offset of the element's data. */
  data: number;
  /** Data size, or -1 for unknown size. */
  size: number;
}

function readVint(b: Uint8Array, o: number, keepMarker: boolean): { value: number; length: number; allOnes: boolean } {
  if (o >= b.length) throw new Truncated();
  const first = b[o];
  if (first === 0) throw new Error("invalid EBML");
  let length = 1;
  while (!(first & (0x80 >> (length - 1)))) length++;
  if (o + length > b.length) throw new Truncated();
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[o + i];
    if (b[o + i] !== 0xff) allOnes = false;
  }
  return { value, length, allOnes };
}

function readElement(b: Uint8Array, o: number): Element & { next: number } {
  const id = readVint(b, o, true);
  if (id.length > 4) throw new Error("invalid EBML id");
  const size = readVint(b, o + id.length, false);
  const data = o + id.length + size.length;
  const s = size.allOnes ? -1 : size.value;
  return { id: id.value, data, size: s, next: s < 0 ? -1 : data + s };
}

function readUint(b: Uint8Array, e: Element): number {
  if (e.data + e.size > b.length) throw new Truncated();
  let v = 0;
  for (let i = 0; i < e.size; i++) v = v * 256 + b[e.data + i];
  return v;
}

function readFloat(b: Uint8Array, e: Element): number | undefined {
  if (e.data + e.size > b.length) throw new Truncated();
  const v = new DataView(b.buffer, b.byteOffset + e.data, e.size);
  return e.size === 4 ? v.getFloat32(0) : e.size === 8 ? v.getFloat64(0) : undefined;
}

/** WebM/Matroska duration: Info → Duration × TimecodeScale, or else the latest block time in the Clusters. */
export function webmDuration(b: Uint8Array): number | undefined {
  try {
    return positive(walkWebm(b));
  } catch {
    return undefined; // truncated or malformed
  }
}

function walkWebm(b: Uint8Array): number | undefined {
  let o = 0;
  let segment: Element & { next: number } | null = null;
  while (o < b.length) {
    const e = readElement(b, o);
    if (e.id === ID.segment) {
      segment = e;
      break;
    }
    if (e.next < 0) return undefined;
    o = e.next;
  }
  if (!segment) return undefined;
  const end = segment.size < 0 ? b.length : segment.data + segment.size;
  if (end > b.length) throw new Truncated();
  let scale = 1_000_000;
  let duration: number | undefined;
  let maxTicks = -Infinity;
  o = segment.data;
  while (o < end) {
    const e = readElement(b, o);
    if (e.id === ID.info) {
      if (e.next < 0 || e.next > b.length) throw new Truncated();
      for (let p = e.data; p < e.next; ) {
        const c = readElement(b, p);
        if (c.next < 0) throw new Error("unknown-size child of Info");
        if (c.id === ID.timecodeScale) scale = readUint(b, c) || 1_000_000;
        else if (c.id === ID.duration) duration = readFloat(b, c);
        p = c.next;
      }
      o = e.next;
    } else if (e.id === ID.cluster) {
      const r = walkCluster(b, e, end);
      if (r.maxTicks > maxTicks) maxTicks = r.maxTicks;
      o = r.next;
    } else {
      if (e.next < 0) return undefined; // unknown-size element we cannot step over
      if (e.next > b.length) throw new Truncated();
      o = e.next;
    }
  }
  if (duration !== undefined && duration > 0) {
    return (duration * scale) / 1e9;
  }
  return maxTicks > -Infinity ? (maxTicks * scale) / 1e9 : undefined;
}

/** The latest block end (in timecode ticks) in one Cluster, and where the next element starts. */
function walkCluster(b: Uint8Array, cluster: Element & { next: number }, segmentEnd: number): { maxTicks: number; next: number } {
  if (cluster.next > b.length) throw new Truncated();
  const end = cluster.next < 0 ? segmentEnd : cluster.next;
  let base = 0;
  let maxTicks = -Infinity;
  let o = cluster.data;
  while (o < end) {
    const c = readElement(b, o);
    // an unknown-size Cluster ends where the next Segment-level element begins
    if (cluster.next < 0 && LEVEL1.has(c.id)) return { maxTicks, next: o };
    if (c.next < 0) throw new Error("unknown-size child of Cluster");
    if (c.next > b.length) throw new Truncated();
    if (c.id === ID.timecode) base = readUint(b, c);
    else if (c.id === ID.simpleBlock) maxTicks = Math.max(maxTicks, base + blockTime(b, c.data));
    else if (c.id === ID.blockGroup) {
      let t: number | undefined;
      let dur = 0;
      for (let p = c.data; p < c.next; ) {
        const g = readElement(b, p);
        if (g.next < 0 || g.next > c.next) throw new Error("bad BlockGroup");
        if (g.id === ID.block) t = blockTime(b, g.data);
        else if (g.id === ID.blockDuration) dur = readUint(b, g);
        p = g.next;
      }
      if (t !== undefined) maxTicks = Math.max(maxTicks, base + t + dur);
    }
    o = c.next;
  }
  return { maxTicks, next: end };
}

/** Relative timecode (signed 16-bit) of a Block/SimpleBlock, after its track-number vint. */
function blockTime(b: Uint8Array, o: number): number {
  const track = readVint(b, o, false);
  const p = o + track.length;
  if (p + 2 > b.length) throw new Truncated();
  const t = (b[p] << 8) | b[p + 1];
  return t >= 0x8000 ? t - 0x10000 : t;
}

// ----------------------------------------------------------------

/** Duration in seconds of a supported compressed format, or undefined when it cannot be measured. */
export function compressedAudioDuration(b: Uint8Array, format: "mp3" | "ogg" | "webm"): number | undefined {
  try {
    return format === "mp3" ? mp3Duration(b) : format === "ogg" ? oggDuration(b) : webmDuration(b);
  } catch {
    return undefined;
  }
}
