// Generates the sample datasets committed under public/samples/ (deterministic: same output on
// every run with the same tool versions).
//
//   node scripts/make-samples.mjs            images + voice (voice needs espeak-ng and sox)
//   node scripts/make-samples.mjs images     image-recognition + image-tagging only
//   node scripts/make-samples.mjs voice      voice-commands only
//
// Images are drawn here (anti-aliased shapes) and written as PNG with node:zlib. Voice clips are
// synthesised with eSpeak NG (`apt-get install -y espeak-ng sox`), resampled to 16 kHz by sox (no dither),
// then trimmed, centred in 1 s, levelled and given a little seeded noise here.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { zipSync } from "fflate";

process.env.TZ = "UTC"; // zip timestamps are written in local time
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, "public", "samples");
const FIXED_MTIME = new Date("2025-01-01T00:00:00Z");

/* ---------------------------------------------------------------------------------------- */
/* Utilities                                                                                 */

/** mulberry32: small deterministic PRNG. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const lerp = (a, b, t) => a + (b - a) * t;
const pick = (r, list) => list[Math.floor(r() * list.length)];

function cleanDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/* ---------------------------------------------------------------------------------------- */
/* PNG                                                                                       */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
/** RGB (3 bytes per pixel) -> PNG bytes (8-bit truecolour, filter "up"/"sub" chosen per row). */
function encodePng(width, height, rgb) {
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = rgb.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rgb.subarray((y - 1) * stride, y * stride) : null;
    // filter 2 (up) for all rows but the first, which uses 1 (sub): small and deterministic
    const o = y * (stride + 1);
    if (prev) {
      raw[o] = 2;
      for (let i = 0; i < stride; i++) raw[o + 1 + i] = (row[i] - prev[i]) & 0xff;
    } else {
      raw[o] = 1;
      for (let i = 0; i < stride; i++) raw[o + 1 + i] = (row[i] - (i >= 3 ? row[i - 3] : 0)) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/* ---------------------------------------------------------------------------------------- */
/* Drawing                                                                                   */

const SIZE = 96;
const SS = 4; // supersampling per axis for anti-aliased edges

function hsv(h, s, v) {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][i];
  return [r * 255, g * 255, b * 255];
}
const luminance = ([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/** Inside-tests in pixel coordinates for a shape centred at (cx, cy). */
function shapeTest(kind, cx, cy, size, angle) {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  if (kind === "circle") return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= size * size;
  if (kind === "square") {
    const h = size * 0.82; // half side; similar area to the circle
    return (x, y) => {
      const u = (x - cx) * cos + (y - cy) * sin;
      const v = -(x - cx) * sin + (y - cy) * cos;
      return Math.abs(u) <= h && Math.abs(v) <= h;
    };
  }
  // equilateral triangle with circumradius ~1.2 * size
  const R = size * 1.25;
  const pts = [0, 1, 2].map((k) => {
    const a = angle - Math.PI / 2 + (k * 2 * Math.PI) / 3;
    return [cx + R * Math.cos(a), cy + R * Math.sin(a)];
  });
  const edge = (p, q, x, y) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  return (x, y) => {
    const d1 = edge(pts[0], pts[1], x, y);
    const d2 = edge(pts[1], pts[2], x, y);
    const d3 = edge(pts[2], pts[0], x, y);
    return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
  };
}

/**
 * Renders one image: background (flat or a two-colour linear gradient) and one filled shape.
 * @returns {Uint8Array} RGB pixels
 */
function render({ kind, cx, cy, size, angle, fill, bgA, bgB, bgAngle }) {
  const inside = shapeTest(kind, cx, cy, size, angle);
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  const gx = Math.cos(bgAngle);
  const gy = Math.sin(bgAngle);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let cover = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) if (inside(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS)) cover++;
      }
      const a = cover / (SS * SS);
      const t = Math.min(1, Math.max(0, 0.5 + (((x - SIZE / 2) * gx + (y - SIZE / 2) * gy) / SIZE) * 0.9));
      for (let c = 0; c < 3; c++) {
        const bg = lerp(bgA[c], bgB[c], t);
        rgb[(y * SIZE + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(lerp(bg, fill[c], a))));
      }
    }
  }
  return rgb;
}

/** A background pair with enough contrast to the fill colour. */
function background(r, fill) {
  for (;;) {
    const h = r();
    const a = hsv(h, lerp(0, 0.35, r()), lerp(0.35, 1, r()));
    const flat = r() < 0.4;
    const b = flat ? a : hsv((h + lerp(-0.08, 0.08, r()) + 1) % 1, lerp(0, 0.35, r()), lerp(0.35, 1, r()));
    const mid = [0, 1, 2].map((c) => (a[c] + b[c]) / 2);
    if (Math.abs(luminance(mid) - luminance(fill)) > 55) return { bgA: a, bgB: b, bgAngle: r() * Math.PI * 2 };
  }
}

function writeImageRecognition() {
  const dir = path.join(OUT, "image-recognition");
  cleanDir(dir);
  const classes = ["circle", "square", "triangle"];
  const perClass = 20;
  const zipFiles = {};
  let bytes = 0;
  classes.forEach((kind, ci) => {
    fs.mkdirSync(path.join(dir, kind), { recursive: true });
    const r = rng(1000 + ci);
    for (let i = 0; i < perClass; i++) {
      const fill = hsv(r(), lerp(0.55, 1, r()), lerp(0.45, 1, r()));
      const size = lerp(22, 32, r());
      const margin = size * 1.3 + 2;
      const spec = {
        kind,
        size,
        cx: lerp(margin, SIZE - margin, r()),
        cy: lerp(margin, SIZE - margin, r()),
        angle: lerp(-0.25, 0.25, r()),
        fill,
        ...background(r, fill),
      };
      const png = encodePng(SIZE, SIZE, render(spec));
      const name = `${kind}-${String(i + 1).padStart(2, "0")}.png`;
      fs.writeFileSync(path.join(dir, kind, name), png);
      zipFiles[`${kind}/${name}`] = [new Uint8Array(png), { level: 0, mtime: FIXED_MTIME }];
      bytes += png.length;
    }
  });
  const zip = zipSync(zipFiles, { mtime: FIXED_MTIME });
  fs.writeFileSync(path.join(dir, "sample.zip"), zip);
  console.log(`samples: image-recognition: ${classes.length} classes x ${perClass} PNGs (${(bytes / 1024).toFixed(0)} KB) + sample.zip (${(zip.length / 1024).toFixed(0)} KB)`);
}

/** Named colours with hue ranges (HSV hue in [0, 1)). */
const TAG_COLOURS = {
  red: [-0.03, 0.03],
  green: [0.28, 0.4],
  blue: [0.58, 0.66],
};

function writeImageTagging() {
  const dir = path.join(OUT, "image-tagging");
  cleanDir(dir);
  const colours = Object.keys(TAG_COLOURS);
  const shapes = ["circle", "square", "triangle"];
  const sizes = ["small", "large"];
  const r = rng(2024);
  const rows = ["file,tags"];
  let bytes = 0;
  const count = 30;
  for (let i = 0; i < count; i++) {
    // the first 18 images cover every colour x shape x size combination once, the rest are a
    // seeded mix: tags vary independently of each other
    const colour = i < 18 ? colours[i % 3] : pick(r, colours);
    const shape = i < 18 ? shapes[Math.floor(i / 3) % 3] : pick(r, shapes);
    const sizeTag = i < 18 ? sizes[Math.floor(i / 9)] : pick(r, sizes);
    const [h0, h1] = TAG_COLOURS[colour];
    const fill = hsv((lerp(h0, h1, r()) + 1) % 1, lerp(0.85, 1, r()), lerp(0.75, 1, r()));
    const size = sizeTag === "small" ? lerp(13, 17, r()) : lerp(26, 32, r());
    const margin = size * 1.3 + 2;
    const grey = lerp(200, 250, r());
    const tint = [grey + lerp(-8, 8, r()), grey + lerp(-8, 8, r()), grey + lerp(-8, 8, r())];
    const spec = {
      kind: shape,
      size,
      cx: lerp(margin, SIZE - margin, r()),
      cy: lerp(margin, SIZE - margin, r()),
      angle: lerp(-0.25, 0.25, r()),
      fill,
      bgA: tint,
      bgB: tint.map((c) => c - lerp(0, 30, r())),
      bgAngle: r() * Math.PI * 2,
    };
    const png = encodePng(SIZE, SIZE, render(spec));
    const name = `img-${String(i + 1).padStart(2, "0")}.png`;
    fs.writeFileSync(path.join(dir, name), png);
    bytes += png.length;
    rows.push(`${name},${[colour, shape, sizeTag].join(";")}`);
  }
  fs.writeFileSync(path.join(dir, "tags.csv"), rows.join("\n") + "\n");
  console.log(`samples: image-tagging: ${count} PNGs (${(bytes / 1024).toFixed(0)} KB) + tags.csv`);
}

/* ---------------------------------------------------------------------------------------- */
/* Voice                                                                                     */

const RATE = 16000;
const CLIP = RATE; // 1 s

function readWav16(file) {
  const b = fs.readFileSync(file);
  let o = 12;
  let rate = 0;
  while (o + 8 <= b.length) {
    const id = b.toString("ascii", o, o + 4);
    const size = b.readUInt32LE(o + 4);
    if (id === "fmt ") {
      rate = b.readUInt32LE(o + 12);
      if (b.readUInt16LE(o + 10) !== 1 || b.readUInt16LE(o + 22) !== 16) throw new Error(`${file}: expected mono 16-bit`);
    }
    if (id === "data") {
      const n = Math.min(size, b.length - o - 8) >> 1;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = b.readInt16LE(o + 8 + 2 * i) / 32768;
      return { rate, samples: out };
    }
    o += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

function writeWav16(file, samples) {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write("RIFF", 0, "ascii");
  b.writeUInt32LE(36 + samples.length * 2, 4);
  b.write("WAVE", 8, "ascii");
  b.write("fmt ", 12, "ascii");
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(RATE, 24);
  b.writeUInt32LE(RATE * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36, "ascii");
  b.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]));
    b.writeInt16LE(Math.round(v * 32767), 44 + 2 * i);
  }
  fs.writeFileSync(file, b);
  return b.length;
}

/** Gaussian-ish noise (sum of uniforms), optionally low-passed (brown-ish) for variety. */
function noise(r, n, level, smooth = 0) {
  const out = new Float32Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const w = (r() + r() + r() + r() - 2) * 0.866;
    s = smooth ? s * smooth + w * (1 - smooth) : w;
    out[i] = s;
  }
  let rms = 0;
  for (const v of out) rms += v * v;
  rms = Math.sqrt(rms / n) || 1;
  for (let i = 0; i < n; i++) out[i] *= level / rms;
  return out;
}

/** Synthesises one utterance to a 16 kHz mono Float32Array. */
function speak(tmp, text, { voice, speed, pitch, gap }) {
  const raw = path.join(tmp, "raw.wav");
  const resampled = path.join(tmp, "16k.wav");
  execFileSync("espeak-ng", ["-v", voice, "-s", String(speed), "-p", String(pitch), "-g", String(gap), "-w", raw, text]);
  execFileSync("sox", ["-D", raw, "-r", String(RATE), "-c", "1", "-b", "16", resampled]);
  return readWav16(resampled).samples;
}

/** Trims silence, centres the word (with a seeded offset) in 1 s, levels it, adds a little noise. */
function toClip(r, speech) {
  let peak = 0;
  for (const v of speech) peak = Math.max(peak, Math.abs(v));
  const thr = peak * 0.02;
  let a = 0;
  let b = speech.length - 1;
  while (a < b && Math.abs(speech[a]) < thr) a++;
  while (b > a && Math.abs(speech[b]) < thr) b--;
  let word = speech.subarray(a, b + 1);
  if (word.length > CLIP - 800) word = word.subarray(0, CLIP - 800);
  const gain = lerp(0.35, 0.85, r()) / (peak || 1);
  const out = noise(r, CLIP, lerp(0.001, 0.004, r()), r() < 0.5 ? 0 : 0.9);
  const free = CLIP - word.length;
  const start = Math.round(free * lerp(0.3, 0.7, r()));
  const fade = 80;
  for (let i = 0; i < word.length; i++) {
    const env = Math.min(1, i / fade, (word.length - 1 - i) / fade);
    out[start + i] += word[i] * gain * env;
  }
  return out;
}

const VOICES = [
  "en-us",
  "en-us+f2",
  "en-gb+m3",
  "en-gb-scotland",
  "en-us+f4",
  "en-029",
  "en-gb-x-rp+f1",
  "en-us-nyc+m5",
  "en-gb-x-gbclan",
  "en-us+klatt2",
  "en-gb+f3",
  "en-gb-x-gbcwmd+m2",
];
const TEST_VOICE = { voice: "en-us+f5", speed: 160, pitch: 55, gap: 0 };

function writeVoice() {
  for (const tool of ["espeak-ng", "sox"]) {
    try {
      execFileSync(tool, ["--version"], { stdio: "ignore" });
    } catch {
      throw new Error(`${tool} is required for the voice samples: apt-get install -y espeak-ng sox`);
    }
  }
  const dir = path.join(OUT, "voice-commands");
  cleanDir(dir);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "samples-"));
  let bytes = 0;
  let files = 0;
  try {
    const words = ["yes", "no", "stop"];
    words.forEach((word, wi) => {
      fs.mkdirSync(path.join(dir, word));
      const r = rng(3000 + wi);
      VOICES.forEach((voice, vi) => {
        const opts = { voice, speed: Math.round(lerp(120, 200, r())), pitch: Math.round(lerp(25, 75, r())), gap: 0 };
        const clip = toClip(r, speak(tmp, word, opts));
        bytes += writeWav16(path.join(dir, word, `${word}-${String(vi + 1).padStart(2, "0")}.wav`), clip);
        files++;
      });
    });
    fs.mkdirSync(path.join(dir, "background"));
    const r = rng(4000);
    for (let i = 0; i < 8; i++) {
      const level = lerp(0.003, 0.03, r());
      const clip = noise(r, CLIP, level, [0, 0.6, 0.95, 0.99][i % 4]);
      if (i % 3 === 2) {
        // mains hum on some clips
        const f = r() < 0.5 ? 50 : 60;
        for (let k = 0; k < CLIP; k++) clip[k] += level * 1.5 * Math.sin((2 * Math.PI * f * k) / RATE);
      }
      bytes += writeWav16(path.join(dir, "background", `background-${String(i + 1).padStart(2, "0")}.wav`), clip);
      files++;
    }
    const test = toClip(rng(5000), speak(tmp, "yes", TEST_VOICE));
    bytes += writeWav16(path.join(dir, "test-yes.wav"), test);
    files++;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`samples: voice-commands: ${files} WAVs, 16 kHz mono 16-bit (${(bytes / 1024).toFixed(0)} KB)`);
  zipVoiceFolders();
}

/** image-tagging/sample.zip: the pictures and tags.csv, for the one-click "Load sample dataset". */
function zipTagging() {
  const dir = path.join(OUT, "image-tagging");
  const files = {};
  for (const f of fs.readdirSync(dir).filter((n) => /\.(png|csv)$/.test(n)).sort()) files[f] = new Uint8Array(fs.readFileSync(path.join(dir, f)));
  const zip = zipSync(files, { mtime: FIXED_MTIME });
  fs.writeFileSync(path.join(dir, "sample.zip"), zip);
  console.log(`samples: image-tagging/sample.zip (${Object.keys(files).length} files, ${(zip.length / 1024).toFixed(0)} KB)`);
}

/** voice-commands/sample.zip: the class folders, for the one-click "Load sample dataset". */
function zipVoiceFolders() {
  const dir = path.join(OUT, "voice-commands");
  const files = {};
  for (const cls of fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory()).sort()) {
    for (const f of fs.readdirSync(path.join(dir, cls)).sort()) files[`${cls}/${f}`] = new Uint8Array(fs.readFileSync(path.join(dir, cls, f)));
  }
  const zip = zipSync(files, { mtime: FIXED_MTIME });
  fs.writeFileSync(path.join(dir, "sample.zip"), zip);
  console.log(`samples: voice-commands/sample.zip (${Object.keys(files).length} clips, ${(zip.length / 1024).toFixed(0)} KB)`);
}

const what = process.argv[2] ?? "all";
if (what === "voice-zip") zipVoiceFolders();
if (what === "tagging-zip") zipTagging();
if (what === "all" || what === "images") {
  writeImageRecognition();
  writeImageTagging();
  zipTagging();
}
if (what === "all" || what === "voice") writeVoice();
