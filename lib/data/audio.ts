import { type DataInput, ascii, startsWith, toBytes } from "./input";
import { type DataIssue, type Result, error, fail, ok, withFile } from "./issues";
import { type DataLimits, resolveLimits } from "./limits";
import { compressedAudioDuration } from "./audio-duration";

/**
 * Audio checks from the bytes (never the extension): format sniffing for WAV, WebM, MP3 and OGG,
 * a full WAV header parse with truncation detection, and PCM/float WAV decoding to mono Float32
 * (used by the Node API; browsers decode other formats with Web Audio).
 */

export const SUPPORTED_AUDIO_FORMATS = ["wav", "webm", "mp3", "ogg"] as const;
export type AudioFormat = (typeof SUPPORTED_AUDIO_FORMATS)[number];
/** Recognised so the user is told what the file is, but not accepted. */
export type OtherAudioFormat = "flac" | "m4a";

export const AUDIO_MIME: Record<AudioFormat, string> = {
  wav: "audio/wav",
  webm: "audio/webm",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
};

export interface WavInfo {
  /** "pcm" integer samples or "float" IEEE samples. */
  encoding: "pcm" | "float";
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes per frame (all channels of one sample). */
  blockAlign: number;
  /** Offset and length of the sample data inside the file. */
  dataOffset: number;
  dataLength: number;
  durationSec: number;
}

export interface AudioInfo {
  format: AudioFormat;
  mime: string;
  byteLength: number;
  /**
   * Clip length measured from the bytes (WAV header, MP3 Xing/VBRI header or frames, OGG last granule,
   * WebM Duration or latest block); undefined when it cannot be determined (e.g. a truncated file),
   * in which case the browser measures it when decoding.
   */
  durationSec?: number;
  wav?: WavInfo;
}

export interface DecodedAudio {
  sampleRate: number;
  /** Channels in the file; `samples` is always their average (mono). */
  channels: number;
  durationSec: number;
  samples: Float32Array;
}

export interface AudioOptions {
  fileName?: string;
  limits?: Partial<DataLimits>;
}

function isMpegFrameHeader(b: Uint8Array, o: number): boolean {
  if (o + 4 > b.length || b[o] !== 0xff || (b[o + 1] & 0xe0) !== 0xe0) return false;
  const version = (b[o + 1] >> 3) & 3;
  const layer = (b[o + 1] >> 1) & 3;
  const bitrate = b[o + 2] >> 4;
  const rate = (b[o + 2] >> 2) & 3;
  // layer 0 is AAC ADTS, not MP3; the other values are reserved/invalid
  return version !== 1 && layer !== 0 && bitrate !== 0xf && rate !== 3;
}

/** Audio format from the first bytes, or null when it is not a known audio file. */
export function sniffAudio(input: DataInput): AudioFormat | OtherAudioFormat | null {
  const b = toBytes(input);
  if ((ascii(b, 0, 4) === "RIFF" || ascii(b, 0, 4) === "RF64") && ascii(b, 8, 4) === "WAVE") return "wav";
  if (startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return "webm";
  if (ascii(b, 0, 4) === "OggS") return "ogg";
  if (ascii(b, 0, 3) === "ID3" || isMpegFrameHeader(b, 0)) return "mp3";
  if (ascii(b, 0, 4) === "fLaC") return "flac";
  if (ascii(b, 4, 4) === "ftyp" && /^(M4A |M4B |mp42|isom|dash)$/.test(ascii(b, 8, 4))) return "m4a";
  return null;
}

export function isSupportedAudioFormat(f: string | null): f is AudioFormat {
  return f !== null && (SUPPORTED_AUDIO_FORMATS as readonly string[]).includes(f);
}

const WAV_ENCODINGS: Record<number, string> = {
  1: "PCM",
  2: "Microsoft ADPCM",
  3: "IEEE float",
  6: "A-law",
  7: "µ-law",
  0x11: "IMA ADPCM",
  0x55: "MP3",
};

/** Parses a WAV header; a data chunk that promises more bytes than the file holds is "wav-truncated". */
export function parseWavHeader(input: DataInput, options: AudioOptions = {}): Result<WavInfo> {
  const b = toBytes(input);
  const where = options.fileName !== undefined ? { file: options.fileName } : {};
  const reject = (code: DataIssue["code"], params: Record<string, string | number> = {}) =>
    fail<WavInfo>([error(code, params, where)]);
  if (b.length < 12 || sniffAudio(b) !== "wav") return reject("wav-invalid");
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let fmt: { code: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | null = null;
  let o = 12;
  while (o + 8 <= b.length) {
    const id = ascii(b, o, 4);
    const size = v.getUint32(o + 4, true);
    const body = o + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > b.length) return reject(body + 16 > b.length ? "wav-truncated" : "wav-invalid", truncParams(body + 16, b.length));
      let code = v.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format code at the start of the sub-format GUID
      if (code === 0xfffe && size >= 40 && body + 26 <= b.length) code = v.getUint16(body + 24, true);
      fmt = {
        code,
        channels: v.getUint16(body + 2, true),
        sampleRate: v.getUint32(body + 4, true),
        blockAlign: v.getUint16(body + 12, true),
        bits: v.getUint16(body + 14, true),
      };
    } else if (id === "data") {
      if (!fmt) return reject("wav-invalid");
      const remaining = b.length - body;
      // streaming recorders leave 0 or 0xFFFFFFFF when they cannot seek back to fill the size in
      const declared = size === 0xffffffff || (size === 0 && remaining > 0) ? remaining : size;
      if (declared > remaining) return reject("wav-truncated", truncParams(body + declared, b.length));
      const enc = fmt.code === 1 ? "pcm" : fmt.code === 3 ? "float" : null;
      if (!enc) return reject("wav-unsupported-encoding", { encoding: WAV_ENCODINGS[fmt.code] ?? `code ${fmt.code}` });
      const okBits = enc === "pcm" ? [8, 16, 24, 32].includes(fmt.bits) : [32, 64].includes(fmt.bits);
      if (!okBits) return reject("wav-unsupported-encoding", { encoding: `${WAV_ENCODINGS[fmt.code]} ${fmt.bits}-bit` });
      if (fmt.channels < 1 || fmt.sampleRate < 1 || fmt.sampleRate > 768_000) return reject("wav-invalid");
      const blockAlign = fmt.channels * (fmt.bits / 8);
      if (fmt.blockAlign !== blockAlign) return reject("wav-invalid");
      const frames = Math.floor(declared / blockAlign);
      return ok({
        encoding: enc,
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
        bitsPerSample: fmt.bits,
        blockAlign,
        dataOffset: body,
        dataLength: frames * blockAlign,
        durationSec: frames / fmt.sampleRate,
      });
    }
    o = body + size + (size & 1); // chunks are padded to an even length
  }
  // ran out of bytes before the data chunk: a cut-off file if a chunk was still open, otherwise malformed
  return o > b.length || (fmt && o + 8 > b.length) ? reject("wav-truncated", truncParams(o, b.length)) : reject("wav-invalid");
}

function truncParams(expected: number, actual: number) {
  return { expectedBytes: expected, actualBytes: actual };
}

/**
 * Checks one audio file: format, size limit, for WAV the header, and the clip length limit for every
 * format whose duration can be read from the bytes. A file whose duration cannot be determined
 * (truncated, unusual) is accepted with `durationSec` undefined; the browser checks it after decoding.
 */
export function inspectAudio(input: DataInput, options: AudioOptions = {}): Result<AudioInfo> {
  const limits = resolveLimits(options.limits);
  const b = toBytes(input);
  const where = options.fileName !== undefined ? { file: options.fileName } : {};
  const reject = (code: DataIssue["code"], params: Record<string, string | number> = {}) =>
    fail<AudioInfo>([error(code, params, where)]);
  if (b.length === 0) return reject("file-empty");
  if (b.length > limits.maxAudioBytes) return reject("file-too-large", { sizeBytes: b.length, limitBytes: limits.maxAudioBytes });
  const format = sniffAudio(b);
  if (format === null) return reject("audio-unknown-format");
  if (!isSupportedAudioFormat(format)) return reject("audio-unsupported-format", { format: format.toUpperCase() });
  const info: AudioInfo = { format, mime: AUDIO_MIME[format], byteLength: b.length };
  if (format !== "wav") {
    const durationSec = compressedAudioDuration(b, format);
    if (durationSec === undefined) return ok(info);
    const tooLong = checkClipDuration(durationSec, limits, options.fileName);
    if (tooLong) return fail([tooLong]);
    return ok({ ...info, durationSec });
  }
  const wav = parseWavHeader(b, options);
  if (!wav.ok) return fail(withFile(wav.issues, options.fileName));
  const checked = checkClipDuration(wav.value.durationSec, limits, options.fileName);
  if (checked) return fail([checked]);
  return ok({ ...info, durationSec: wav.value.durationSec, wav: wav.value });
}

/** The issue for a clip that is empty or longer than the limit, or null when the length is fine. */
export function checkClipDuration(durationSec: number, limits: DataLimits, fileName?: string): DataIssue | null {
  const where = fileName !== undefined ? { file: fileName } : {};
  if (!(durationSec > 0)) return error("audio-empty", {}, where);
  if (durationSec > limits.maxClipSeconds) {
    return error("audio-too-long", { seconds: Math.round(durationSec * 10) / 10, limit: limits.maxClipSeconds }, where);
  }
  return null;
}

/** Decodes a PCM (8/16/24/32-bit) or float (32/64-bit) WAV to mono Float32 in [-1, 1]. */
export function decodeWav(input: DataInput, options: AudioOptions = {}): Result<DecodedAudio> {
  const limits = resolveLimits(options.limits);
  const b = toBytes(input);
  const header = parseWavHeader(b, options);
  if (!header.ok) return header;
  const h = header.value;
  const tooLong = checkClipDuration(h.durationSec, limits, options.fileName);
  if (tooLong) return fail([tooLong]);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const frames = h.dataLength / h.blockAlign;
  const bytesPer = h.bitsPerSample / 8;
  const out = new Float32Array(frames);
  const read = sampleReader(v, h.encoding, h.bitsPerSample);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const base = h.dataOffset + f * h.blockAlign;
    for (let c = 0; c < h.channels; c++) sum += read(base + c * bytesPer);
    out[f] = sum / h.channels;
  }
  return ok({ sampleRate: h.sampleRate, channels: h.channels, durationSec: h.durationSec, samples: out });
}

function sampleReader(v: DataView, encoding: "pcm" | "float", bits: number): (offset: number) => number {
  if (encoding === "float") return bits === 64 ? (o) => v.getFloat64(o, true) : (o) => v.getFloat32(o, true);
  switch (bits) {
    case 8:
      return (o) => (v.getUint8(o) - 128) / 128; // 8-bit WAV is unsigned
    case 16:
      return (o) => v.getInt16(o, true) / 32768;
    case 24:
      return (o) => {
        const x = v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getInt8(o + 2) << 16);
        return x / 8388608;
      };
    default:
      return (o) => v.getInt32(o, true) / 2147483648;
  }
}

/** Builds a 16-bit PCM WAV file from mono samples (for tests, and for exporting recordings). */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const dataLength = samples.length * 2;
  const b = new Uint8Array(44 + dataLength);
  const v = new DataView(b.buffer);
  const w = (o: number, s: string) => {
    for (let i = 0; i < s.length; i++) b[o + i] = s.charCodeAt(i);
  };
  w(0, "RIFF");
  v.setUint32(4, 36 + dataLength, true);
  w(8, "WAVE");
  w(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  w(36, "data");
  v.setUint32(40, dataLength, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    v.setInt16(44 + i * 2, s < 0 ? Math.round(s * 32768) : Math.round(s * 32767), true);
  }
  return b;
}
