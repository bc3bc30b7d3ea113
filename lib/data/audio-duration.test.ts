import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectAudio } from "./audio";
import { compressedAudioDuration, mp3Duration, oggDuration, webmDuration } from "./audio-duration";

/** Fixtures: mono sine tones made once with ffmpeg (see the table below for the exact kinds). */
const fixture = (name: string) => new Uint8Array(readFileSync(join(__dirname, "__fixtures__", "audio", name)));

const cases: { file: string; seconds: number; tolerance: number; what: string }[] = [
  // MP3 CBR without a Xing header, with ID3v2.4 + trailing ID3v1 "TAG": measured by walking frames (MPEG-2 L3, 22.05 kHz)
  { file: "tone-1s-cbr.mp3", seconds: 1.07, tolerance: 0.1, what: "MP3 CBR, frame walk" },
  { file: "tone-12s-cbr.mp3", seconds: 12.07, tolerance: 0.1, what: "MP3 CBR, frame walk" },
  // MP3 VBR with a Xing + LAME header (encoder delay/padding subtracted)
  { file: "tone-1s-vbr.mp3", seconds: 1.0, tolerance: 0.05, what: "MP3 VBR, Xing" },
  { file: "tone-12s-vbr.mp3", seconds: 12.0, tolerance: 0.05, what: "MP3 VBR, Xing" },
  { file: "tone-1s-vorbis.ogg", seconds: 1.0, tolerance: 0.05, what: "OGG Vorbis" },
  { file: "tone-12s-vorbis.ogg", seconds: 12.0, tolerance: 0.05, what: "OGG Vorbis" },
  { file: "tone-1s-opus.ogg", seconds: 1.0, tolerance: 0.05, what: "OGG Opus (pre-skip)" },
  { file: "tone-12s-opus.ogg", seconds: 12.0, tolerance: 0.05, what: "OGG Opus (pre-skip)" },
  { file: "tone-1s.webm", seconds: 1.0, tolerance: 0.05, what: "WebM Opus with Info/Duration" },
  { file: "tone-12s.webm", seconds: 12.0, tolerance: 0.05, what: "WebM Opus with Info/Duration" },
  // written to a pipe: unknown-size Segment and Clusters, no Duration (like MediaRecorder)
  { file: "tone-1s-live.webm", seconds: 1.0, tolerance: 0.1, what: "WebM live, cluster walk" },
  { file: "tone-12s-live.webm", seconds: 12.0, tolerance: 0.1, what: "WebM live, cluster walk" },
];

const formatOf = (file: string) => (file.endsWith(".mp3") ? "mp3" : file.endsWith(".ogg") ? "ogg" : "webm") as "mp3" | "ogg" | "webm";

describe("compressed audio duration", () => {
  it.each(cases)("$file ($what)", ({ file, seconds, tolerance }) => {
    const d = compressedAudioDuration(fixture(file), formatOf(file));
    expect(d).toBeDefined();
    expect(Math.abs(d! - seconds)).toBeLessThanOrEqual(tolerance);
  });

  it("keeps fixtures small", () => {
    let total = 0;
    for (const c of cases) {
      const n = fixture(c.file).length;
      expect(n).toBeLessThan(60_000);
      total += n;
    }
    expect(total).toBeLessThan(300_000);
  });

  it("returns undefined for garbage and empty input", () => {
    const junk = Uint8Array.from({ length: 500 }, (_, i) => (i * 37) & 255);
    for (const f of ["mp3", "ogg", "webm"] as const) {
      expect(compressedAudioDuration(new Uint8Array(0), f)).toBeUndefined();
      expect(compressedAudioDuration(junk, f)).toBeUndefined();
    }
  });

  it("handles a hand-built minimal WebM with unknown sizes, BlockGroups and a custom TimecodeScale", () => {
    const unknown = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    const el = (id: number[], body: number[]) => [...id, 0x80 | body.length, ...body];
    const simpleBlock = (t: number) => el([0xa3], [0x81, (t >> 8) & 255, t & 255, 0x80, 0, 0]);
    const block = (t: number) => el([0xa1], [0x81, (t >> 8) & 255, t & 255, 0x00, 0, 0]);
    const cluster = (timecode: number, ...children: number[][]) => [
      0x1f, 0x43, 0xb6, 0x75, ...unknown,
      ...el([0xe7], [(timecode >> 8) & 255, timecode & 255]),
      ...children.flat(),
    ];
    // TimecodeScale 1e5 ns = 0.1 ms per tick
    const info = el([0x15, 0x49, 0xa9, 0x66], el([0x2a, 0xd7, 0xb1], [0x01, 0x86, 0xa0]));
    const file = Uint8Array.from([
      ...el([0x1a, 0x45, 0xdf, 0xa3], el([0x42, 0x82], [..."webm"].map((c) => c.charCodeAt(0)))),
      0x18, 0x53, 0x80, 0x67, ...unknown,
      ...info,
      ...cluster(0, simpleBlock(0), simpleBlock(10_000)),
      // second cluster at 2.0 s, a block at +0.5 s and a BlockGroup block at -0.1 s (negative relative time)
      ...cluster(20_000, simpleBlock(5_000), el([0xa0], block(-1_000))),
    ]);
    expect(webmDuration(file)).toBeCloseTo(2.5, 6);
  });
});

describe("inspectAudio clip length for compressed formats", () => {
  it.each(cases)("$file", ({ file, seconds }) => {
    const r = inspectAudio(fixture(file), { fileName: file });
    if (seconds <= 10) {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.value.durationSec).toBeGreaterThan(0.9);
    } else {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.issues).toHaveLength(1);
        expect(r.issues[0].code).toBe("audio-too-long");
        expect(r.issues[0].params).toMatchObject({ limit: 10 });
        expect(r.issues[0].file).toBe(file);
      }
    }
  });

  it("accepts a 12 s clip when the limit allows it", () => {
    const r = inspectAudio(fixture("tone-12s-opus.ogg"), { limits: { maxClipSeconds: 30 } });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.durationSec).toBeCloseTo(12, 1);
  });

  it.each(cases)("truncated $file: no throw, not rejected for length, duration undefined", ({ file }) => {
    const full = fixture(file);
    // cut inside the audio (not inside a trailing ID3v1 tag, which leaves the audio complete)
    const tail = file.endsWith("cbr.mp3") ? 128 : 0;
    for (const cut of [0.3, 0.75, 0.97]) {
      const part = full.subarray(0, Math.floor((full.length - tail) * cut));
      expect(() => compressedAudioDuration(part, formatOf(file))).not.toThrow();
      const r = inspectAudio(part, { fileName: file });
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.value.durationSec).toBeUndefined();
    }
  });

  it("measures an MP3 whose audio is complete but whose trailing ID3v1 tag is cut off", () => {
    const full = fixture("tone-1s-cbr.mp3");
    expect(mp3Duration(full.subarray(0, full.length - 60))).toBeCloseTo(mp3Duration(full)!, 6);
  });

  it.each(cases.filter((c) => c.seconds < 10))("$file cut at every length: never throws, never rejected, never longer", ({ file }) => {
    const full = fixture(file);
    const whole = compressedAudioDuration(full, formatOf(file))!;
    for (let n = 1; n < full.length; n += 3) {
      const part = full.subarray(0, n);
      const r = inspectAudio(part);
      if (!r.ok) expect(r.issues.map((i) => i.code)).not.toContain("audio-too-long");
      if (r.ok && r.value.durationSec !== undefined) expect(r.value.durationSec).toBeLessThanOrEqual(whole + 1e-9);
    }
  });

  it("exports the per-format helpers", () => {
    expect(mp3Duration(fixture("tone-1s-vbr.mp3"))).toBeCloseTo(1, 1);
    expect(oggDuration(fixture("tone-1s-vorbis.ogg"))).toBeCloseTo(1, 1);
    expect(webmDuration(fixture("tone-1s.webm"))).toBeCloseTo(1, 1);
  });
});
