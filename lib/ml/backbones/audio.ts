/**
 * Audio helpers for the speech backbone: band-limited resampling, mono mixdown and a small WAV
 * decoder. Pure TypeScript; browser, worker and Node safe.
 */

export interface ResampleOptions {
  /** Zero crossings of the sinc on each side of the kernel centre (filter length). Default 16. */
  zeroCrossings?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency. Default 0.94. */
  rolloff?: number;
  /** Kaiser window beta; 8.6 gives about -80 dB side lobes. Default 8.6. */
  beta?: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/**
 * Resamples with a Kaiser-windowed sinc low-pass (polyphase): the cut-off sits below the lower of
 * the two Nyquist frequencies, so downsampling does not alias and upsampling does not image.
 * Integer rates; output length is round(n * to / from). Returns a copy when the rates match.
 */
export function resample(input: Float32Array, fromRate: number, toRate: number, options: ResampleOptions = {}): Float32Array {
  const from = Math.round(fromRate);
  const to = Math.round(toRate);
  if (!(from > 0 && to > 0)) throw new Error(`resample: invalid rates ${fromRate} -> ${toRate}`);
  if (from === to) return Float32Array.from(input);
  const zeroCrossings = options.zeroCrossings ?? 16;
  const rolloff = options.rolloff ?? 0.94;
  const beta = options.beta ?? 8.6;

  const g = gcd(from, to);
  const up = to / g; // L
  const down = from / g; // M
  // Cut-off in cycles per input sample.
  const fc = 0.5 * Math.min(1, to / from) * rolloff;
  const halfWidth = zeroCrossings / (2 * fc); // in input samples
  const k0 = Math.ceil(halfWidth);
  const taps = 2 * k0 + 1;
  const i0beta = besselI0(beta);
  const kernel = (d: number): number => {
    const x = d / halfWidth;
    if (x <= -1 || x >= 1) return 0;
    const w = besselI0(beta * Math.sqrt(1 - x * x)) / i0beta;
    const a = 2 * fc * d;
    const sinc = a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a);
    return 2 * fc * sinc * w;
  };

  const outLength = Math.round((input.length * to) / from);
  const output = new Float32Array(outLength);
  // One filter per phase (fractional position p / up); each normalised to unit DC gain.
  const usePolyphase = up <= 4096;
  const phaseCache = new Map<number, Float64Array>();
  const filterFor = (frac: number, key: number): Float64Array => {
    const cached = usePolyphase ? phaseCache.get(key) : undefined;
    if (cached) return cached;
    const h = new Float64Array(taps);
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      // coefficient for input sample base + (j - k0); distance from the output position
      h[j] = kernel(frac - (j - k0));
      sum += h[j];
    }
    if (sum !== 0) for (let j = 0; j < taps; j++) h[j] /= sum;
    if (usePolyphase) phaseCache.set(key, h);
    return h;
  };

  const n = input.length;
  for (let o = 0; o < outLength; o++) {
    const num = o * down; // position = num / up input samples
    const base = Math.floor(num / up);
    const phase = num - base * up;
    const h = filterFor(phase / up, phase);
    let acc = 0;
    const start = base - k0;
    if (start >= 0 && start + taps <= n) {
      for (let j = 0; j < taps; j++) acc += input[start + j] * h[j];
    } else {
      for (let j = 0; j < taps; j++) {
        const k = start + j;
        if (k >= 0 && k < n) acc += input[k] * h[j];
      }
    }
    output[o] = acc;
  }
  return output;
}

/** Averages channels into one. */
export function mixToMono(channels: Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return Float32Array.from(channels[0]);
  const out = new Float32Array(channels[0].length);
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] += ch[i] / channels.length;
  return out;
}

export interface DecodedWav {
  sampleRate: number;
  /** One Float32Array per channel, samples in [-1, 1]. */
  channels: Float32Array[];
}

/** Decodes RIFF/WAVE: PCM 8/16/24/32-bit and IEEE float 32/64, including WAVE_FORMAT_EXTENSIBLE. */
export function decodeWav(bytes: ArrayBuffer | Uint8Array): DecodedWav {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const tag = (o: number) => String.fromCharCode(u8[o], u8[o + 1], u8[o + 2], u8[o + 3]);
  if (u8.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("Not a WAV file (no RIFF/WAVE header)");
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  let data: { offset: number; length: number } | null = null;
  for (let o = 12; o + 8 <= u8.length; ) {
    const id = tag(o);
    const size = view.getUint32(o + 4, true);
    const body = o + 8;
    if (id === "fmt ") {
      format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bits = view.getUint16(body + 14, true);
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true);
    } else if (id === "data") {
      data = { offset: body, length: Math.min(size, u8.length - body) };
    }
    o = body + size + (size % 2);
  }
  if (!format || !data) throw new Error("WAV file has no fmt or data chunk");
  if (channels < 1) throw new Error("WAV file has no channels");
  const bytesPer = bits / 8;
  if (!((format === 1 && [8, 16, 24, 32].includes(bits)) || (format === 3 && (bits === 32 || bits === 64)))) {
    throw new Error(`Unsupported WAV encoding (format ${format}, ${bits} bits)`);
  }
  const frames = Math.floor(data.length / (bytesPer * channels));
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      const p = data.offset + (f * channels + c) * bytesPer;
      let v: number;
      if (format === 3) v = bits === 32 ? view.getFloat32(p, true) : view.getFloat64(p, true);
      else if (bits === 8) v = (u8[p] - 128) / 128;
      else if (bits === 16) v = view.getInt16(p, true) / 32768;
      else if (bits === 24) v = (((u8[p + 2] << 24) | (u8[p + 1] << 16) | (u8[p] << 8)) >> 8) / 8388608;
      else v = view.getInt32(p, true) / 2147483648;
      out[c][f] = v;
    }
  }
  return { sampleRate, channels: out };
}
