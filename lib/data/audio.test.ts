import { describe, expect, it } from "vitest";
import { decodeWav, encodeWav, inspectAudio, parseWavHeader, sniffAudio } from "./audio";

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const le16 = (n: number) => [n & 255, (n >> 8) & 255];
const le32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];

/** A WAV with any format fields and raw sample bytes; `dataSize` may lie to simulate truncation. */
function wav(o: { format?: number; channels?: number; rate?: number; bits?: number; data: number[]; dataSize?: number; extraChunk?: boolean }) {
  const format = o.format ?? 1;
  const channels = o.channels ?? 1;
  const rate = o.rate ?? 8000;
  const bits = o.bits ?? 16;
  const blockAlign = channels * (bits / 8);
  const fmt = [...le16(format), ...le16(channels), ...le32(rate), ...le32(rate * blockAlign), ...le16(blockAlign), ...le16(bits)];
  const extra = o.extraChunk ? [...ascii("LIST"), ...le32(3), 1, 2, 3, 0] : []; // odd size → pad byte
  const body = [
    ...ascii("WAVE"),
    ...ascii("fmt "),
    ...le32(fmt.length),
    ...fmt,
    ...extra,
    ...ascii("data"),
    ...le32(o.dataSize ?? o.data.length),
    ...o.data,
  ];
  return Uint8Array.from([...ascii("RIFF"), ...le32(body.length), ...body]);
}

describe("sniffAudio", () => {
  it("recognises formats by content", () => {
    expect(sniffAudio(wav({ data: [0, 0] }))).toBe("wav");
    expect(sniffAudio(Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f]))).toBe("webm");
    expect(sniffAudio(Uint8Array.from(ascii("OggS\0\u0002")))).toBe("ogg");
    expect(sniffAudio(Uint8Array.from(ascii("ID3\u0004\0")))).toBe("mp3");
    expect(sniffAudio(Uint8Array.from([0xff, 0xfb, 0x90, 0x64]))).toBe("mp3"); // MPEG-1 layer III frame
    expect(sniffAudio(Uint8Array.from([0xff, 0xf1, 0x50, 0x80]))).toBeNull(); // AAC ADTS, not MP3
    expect(sniffAudio(Uint8Array.from(ascii("fLaC\0\0")))).toBe("flac");
    expect(sniffAudio(Uint8Array.from([0, 0, 0, 32, ...ascii("ftypM4A "), 0, 0]))).toBe("m4a");
    expect(sniffAudio(Uint8Array.from(ascii("hello")))).toBeNull();
  });
});

describe("parseWavHeader", () => {
  it("reads the header of a 16-bit stereo file with an odd-sized chunk before the data", () => {
    const r = parseWavHeader(wav({ channels: 2, rate: 16000, data: new Array(16000 * 4 * 0.5).fill(0), extraChunk: true }));
    expect(r.ok && r.value).toMatchObject({
      encoding: "pcm",
      sampleRate: 16000,
      channels: 2,
      bitsPerSample: 16,
      blockAlign: 4,
      durationSec: 0.5,
    });
  });

  it("detects a truncated WAV (the data chunk promises more bytes than the file has)", () => {
    const r = parseWavHeader(wav({ data: [1, 2, 3, 4], dataSize: 1000 }), { fileName: "yes/take1.wav" });
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([
      { code: "wav-truncated", severity: "error", file: "yes/take1.wav", params: { expectedBytes: 1044, actualBytes: 48 } },
    ]);
    // cut inside the header
    expect(parseWavHeader(wav({ data: [0, 0] }).subarray(0, 30)).issues[0].code).toBe("wav-truncated");
  });

  it("accepts the 'unknown size' marker streaming recorders write", () => {
    const r = parseWavHeader(wav({ data: [0, 0, 0, 0], dataSize: 0xffffffff }));
    expect(r.ok && r.value.dataLength).toBe(4);
  });

  it("rejects unsupported encodings and broken headers", () => {
    const alaw = parseWavHeader(wav({ format: 6, bits: 8, data: [0, 0] }));
    expect(alaw.issues[0]).toMatchObject({ code: "wav-unsupported-encoding", params: { encoding: "A-law" } });
    expect(parseWavHeader(wav({ bits: 12, data: [0, 0] })).issues[0].code).toBe("wav-unsupported-encoding");
    expect(parseWavHeader(Uint8Array.from(ascii("RIFF\0\0\0\0WAVEdata\0\0\0\0"))).issues[0].code).toBe("wav-invalid");
    expect(parseWavHeader(Uint8Array.from(ascii("hello world, not a wav"))).issues[0].code).toBe("wav-invalid");
  });
});

describe("decodeWav", () => {
  it("decodes 16-bit stereo to mono by averaging channels", () => {
    const s16 = (v: number) => le16(v < 0 ? 65536 + v : v);
    const r = decodeWav(wav({ channels: 2, data: [...s16(16384), ...s16(-16384), ...s16(32767), ...s16(32767)] }));
    if (!r.ok) throw new Error("failed");
    expect(r.value.channels).toBe(2);
    expect(Array.from(r.value.samples)).toEqual([0, 32767 / 32768]);
  });

  it("decodes 8-bit unsigned, 24-bit and 32-bit float samples", () => {
    const u8 = decodeWav(wav({ bits: 8, data: [128, 255, 0] }));
    expect(u8.ok && Array.from(u8.value.samples)).toEqual([0, 127 / 128, -1]);
    const s24 = decodeWav(wav({ bits: 24, data: [0, 0, 0x40, 0, 0, 0xc0] }));
    expect(s24.ok && Array.from(s24.value.samples)).toEqual([0.5, -0.5]);
    const f = new Float32Array([0.25, -0.75]);
    const f32 = decodeWav(wav({ format: 3, bits: 32, data: [...new Uint8Array(f.buffer)] }));
    expect(f32.ok && Array.from(f32.value.samples)).toEqual([0.25, -0.75]);
  });

  it("round-trips encodeWav", () => {
    const samples = Float32Array.from({ length: 800 }, (_, i) => Math.sin(i / 10) * 0.5);
    const r = decodeWav(encodeWav(samples, 8000));
    if (!r.ok) throw new Error("failed");
    expect(r.value.sampleRate).toBe(8000);
    expect(r.value.durationSec).toBeCloseTo(0.1);
    expect(Math.max(...r.value.samples.map((v, i) => Math.abs(v - samples[i])))).toBeLessThan(1e-4);
  });

  it("refuses clips above the length limit and empty clips", () => {
    const long = decodeWav(encodeWav(new Float32Array(8000 * 3), 8000), { limits: { maxClipSeconds: 2 } });
    expect(long.issues[0]).toMatchObject({ code: "audio-too-long", params: { seconds: 3, limit: 2 } });
    expect(decodeWav(wav({ data: [] })).issues[0].code).toBe("audio-empty");
  });
});

describe("inspectAudio", () => {
  it("reports format and WAV duration", () => {
    const r = inspectAudio(encodeWav(new Float32Array(4000), 8000));
    expect(r.ok && r.value).toMatchObject({ format: "wav", mime: "audio/wav", durationSec: 0.5 });
    const webm = inspectAudio(Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42]));
    expect(webm.ok && webm.value).toEqual({ format: "webm", mime: "audio/webm", byteLength: 6 });
  });

  it("rejects unknown, unsupported, truncated and oversized files with the file name", () => {
    const name = { fileName: "stop/3.mp3" };
    expect(inspectAudio(Uint8Array.from(ascii("<html>")), name).issues).toEqual([
      { code: "audio-unknown-format", severity: "error", file: "stop/3.mp3", params: {} },
    ]);
    expect(inspectAudio(Uint8Array.from(ascii("fLaC\0\0")), name).issues[0]).toMatchObject({
      code: "audio-unsupported-format",
      params: { format: "FLAC" },
    });
    expect(inspectAudio(wav({ data: [1, 2], dataSize: 99 }), name).issues[0]).toMatchObject({ code: "wav-truncated", file: "stop/3.mp3" });
    expect(inspectAudio(encodeWav(new Float32Array(100), 8000), { limits: { maxAudioBytes: 100 } }).issues[0]).toMatchObject({
      code: "file-too-large",
      params: { sizeBytes: 244, limitBytes: 100 },
    });
  });
});
