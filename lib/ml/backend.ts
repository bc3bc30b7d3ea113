/**
 * Picks the tfjs backend to train and predict on: webgpu → webgl → wasm → cpu, the first that
 * initialises. Returns why it fell back, as a code the UI can translate.
 *
 * - A WebGPU/WebGL that runs on a CPU emulation (SwiftShader: no graphics card, or a blocked
 *   driver) is tried after wasm when the model can train on wasm: measured on such a machine,
 *   Banking77 took 175 s on webgpu, 111 s on webgl and 18 s on wasm (bench/results/train.md).
 * - webgpu and wasm live in their own packages and are imported dynamically, only in the
 *   browser, so Node (REST API, tests) never loads them. webgl ships inside @tensorflow/tfjs and
 *   is only registered, never initialised, in Node.
 * - wasm loads its binaries from WASM_PATH (copied there from node_modules at build time); SIMD
 *   is detected by tfjs; threads are used only when the page is crossOriginIsolated.
 * - Conv backprop is not registered on wasm (tfjs issue 8474), so models that train convolutions
 *   (text-cnn, small-cnn, MobileNet fine-tuning) skip wasm and say so.
 * - In Node only "cpu" is used: the same kernels the tests run, and outputs match the browser's.
 */
import * as tf from "@tensorflow/tfjs";
import type { TfBackendName } from "./types";

export const BACKEND_ORDER: readonly TfBackendName[] = ["webgpu", "webgl", "wasm", "cpu"];
export const WASM_PATH = "/vendor/tfjs-wasm/";

export type FallbackReason =
  | "not-browser"
  | "webgpu-unavailable"
  | "webgpu-no-adapter"
  | "webgpu-init-failed"
  | "webgpu-software"
  | "webgl-software"
  | "webgl-init-failed"
  | "wasm-conv-backprop-unsupported"
  | "wasm-init-failed"
  | "cpu-init-failed"
  | "forced-backend-failed";

export interface BackendAttempt {
  backend: TfBackendName;
  ok: boolean;
  reason?: FallbackReason;
  /** Error text when initialisation threw, for logs. */
  error?: string;
}

export interface BackendChoice {
  backend: TfBackendName;
  /** Why a better backend was not used (the first failure), or null. */
  fallbackReason: FallbackReason | null;
  attempts: BackendAttempt[];
  /** Set when the backend is wasm. */
  wasm?: { simd: boolean; threads: boolean };
}

export interface SelectBackendOptions {
  /** Use this backend if it works (e.g. a user setting or a test); otherwise fall back as usual. */
  forced?: TfBackendName;
  /** The model trains convolutions: wasm cannot (no conv backprop kernels). */
  needsConvGradients?: boolean;
  /** Where the wasm binaries are served; default WASM_PATH. */
  wasmPath?: string;
}

/** What selectBackend needs from the platform; tests pass a fake. */
export interface BackendEnvironment {
  isBrowser: boolean;
  crossOriginIsolated: boolean;
  /** "ok" when navigator.gpu gives a hardware adapter, "software" for a CPU emulation (SwiftShader). */
  probeWebGpu(): Promise<"ok" | "software" | "no-api" | "no-adapter">;
  /** Whether WebGL renders on a CPU emulation (SwiftShader, llvmpipe); "unknown" when it cannot tell. */
  probeWebGl?(): Promise<"hardware" | "software" | "unknown">;
  /** Imports and configures the backend's package (no-op for webgl/cpu). */
  load(backend: TfBackendName, options: { wasmPath: string; threads: boolean }): Promise<void>;
  /** tf.setBackend + tf.ready; false when initialisation failed. */
  activate(backend: TfBackendName): Promise<boolean>;
  wasmFeatures(): Promise<{ simd: boolean; threads: boolean }>;
}

/** Renderer names of GPU emulations on the CPU: there WebAssembly is several times faster. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

const CONV_TRAINING_MODEL_TYPES = new Set(["text-cnn", "small-cnn", "mobilenet-finetune"]);

/** Whether training this model type needs conv gradients (so wasm is skipped). */
export function modelNeedsConvGradients(modelType: string): boolean {
  return CONV_TRAINING_MODEL_TYPES.has(modelType);
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

export const browserEnvironment: BackendEnvironment = {
  isBrowser: !isNode() && typeof navigator !== "undefined",
  crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  async probeWebGpu() {
    type Info = { vendor?: string; architecture?: string; description?: string; device?: string; isFallbackAdapter?: boolean };
    type Adapter = { info?: Info; isFallbackAdapter?: boolean };
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
    if (!gpu) return "no-api";
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return "no-adapter";
      const info = adapter.info ?? {};
      const text = [info.vendor, info.architecture, info.description, info.device].join(" ");
      return adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE_RENDERER.test(text) ? "software" : "ok";
    } catch {
      return "no-adapter";
    }
  },
  async probeWebGl() {
    try {
      const canvas =
        typeof OffscreenCanvas !== "undefined" ? new OffscreenCanvas(1, 1) : (globalThis as { document?: Document }).document?.createElement("canvas");
      const gl = canvas?.getContext("webgl2") as WebGL2RenderingContext | null | undefined;
      if (!gl) return "unknown";
      const ext = gl.getExtension("WEBGL_debug_renderer_info");
      const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? "");
      gl.getExtension("WEBGL_lose_context")?.loseContext();
      return SOFTWARE_RENDERER.test(renderer) ? "software" : "hardware";
    } catch {
      return "unknown";
    }
  },
  async load(backend, { wasmPath, threads }) {
    if (backend === "webgpu") {
      await import("@tensorflow/tfjs-backend-webgpu");
    } else if (backend === "wasm") {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      wasm.setWasmPaths(wasmPath);
      // Threads need SharedArrayBuffer, i.e. a crossOriginIsolated page (COOP/COEP headers).
      if (!threads) tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      else if (!(await useOriginalThreadedGlue(wasmPath))) tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    }
  },
  async activate(backend) {
    try {
      const ok = await tf.setBackend(backend);
      if (ok) await tf.ready();
      return ok && tf.getBackend() === backend;
    } catch {
      return false;
    }
  },
  async wasmFeatures() {
    const flag = async (name: string) => {
      try {
        return Boolean(await tf.env().getAsync(name));
      } catch {
        return false;
      }
    };
    return { simd: await flag("WASM_HAS_SIMD_SUPPORT"), threads: await flag("WASM_HAS_MULTITHREAD_SUPPORT") };
  },
};

const THREADED_GLUE_PREFIX = "var WasmBackendModuleThreadedSimd = ";
let threadedGluePatched = false;

/**
 * tfjs-backend-wasm starts its pthread workers from a Blob made of
 * `"var WasmBackendModuleThreadedSimd = " + factory.toString()`. After the app bundler minifies
 * the factory, that source refers to variables of the bundle's scope, and every pthread worker
 * dies with "ReferenceError: r is not defined". This swaps the Blob's text for the unminified
 * Emscripten glue copied next to the .wasm files (scripts/copy-assets.mjs). False when the glue
 * cannot be fetched: then wasm runs single-threaded.
 */
async function useOriginalThreadedGlue(wasmPath: string): Promise<boolean> {
  if (threadedGluePatched) return true;
  let glue: string;
  try {
    const res = await fetch(`${wasmPath}tfjs-backend-wasm-threaded-simd.js`);
    if (!res.ok) return false;
    glue = await res.text();
  } catch {
    return false;
  }
  const NativeBlob = globalThis.Blob;
  class GlueBlob extends NativeBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      const only = parts?.length === 1 ? parts[0] : null;
      super(typeof only === "string" && only.startsWith(THREADED_GLUE_PREFIX) ? [glue] : parts, options);
    }
  }
  globalThis.Blob = GlueBlob;
  threadedGluePatched = true;
  return true;
}

export const nodeEnvironment: BackendEnvironment = {
  ...browserEnvironment,
  isBrowser: false,
};

function defaultEnvironment(): BackendEnvironment {
  return browserEnvironment.isBrowser ? browserEnvironment : nodeEnvironment;
}

export async function selectBackend(options: SelectBackendOptions = {}, env: BackendEnvironment = defaultEnvironment()): Promise<BackendChoice> {
  const attempts: BackendAttempt[] = [];
  const wasmPath = options.wasmPath ?? WASM_PATH;

  const tryOne = async (backend: TfBackendName): Promise<boolean> => {
    if (!env.isBrowser && backend !== "cpu") {
      attempts.push({ backend, ok: false, reason: "not-browser" });
      return false;
    }
    if (backend === "wasm" && options.needsConvGradients) {
      attempts.push({ backend, ok: false, reason: "wasm-conv-backprop-unsupported" });
      return false;
    }
    if (backend === "webgpu") {
      const probe = await env.probeWebGpu();
      if (probe === "no-api" || probe === "no-adapter") {
        attempts.push({ backend, ok: false, reason: probe === "no-api" ? "webgpu-unavailable" : "webgpu-no-adapter" });
        return false;
      }
    }
    try {
      await env.load(backend, { wasmPath, threads: env.crossOriginIsolated });
      if (await env.activate(backend)) {
        attempts.push({ backend, ok: true });
        return true;
      }
      attempts.push({ backend, ok: false, reason: initFailed(backend) });
    } catch (e) {
      attempts.push({ backend, ok: false, reason: initFailed(backend), error: e instanceof Error ? e.message : String(e) });
    }
    return false;
  };

  let chosen: TfBackendName | null = null;
  let forcedFailed = false;
  if (options.forced) {
    if (await tryOne(options.forced)) chosen = options.forced;
    else forcedFailed = true;
  }
  if (!chosen) {
    // A GPU emulated on the CPU (SwiftShader: no graphics card, or a blocked driver) is several
    // times slower than WebAssembly (bench/results/train.md), so it goes after wasm when the model
    // can train on wasm at all.
    const deferred: TfBackendName[] = [];
    const wasmUsable = env.isBrowser && !options.needsConvGradients && options.forced !== "wasm";
    const order: TfBackendName[] = [];
    for (const backend of BACKEND_ORDER) {
      if (backend === options.forced) continue;
      if (wasmUsable && (backend === "webgpu" || backend === "webgl") && (await isSoftware(backend, env))) {
        deferred.push(backend);
        attempts.push({ backend, ok: false, reason: backend === "webgpu" ? "webgpu-software" : "webgl-software" });
        continue;
      }
      if (backend === "cpu") order.push(...deferred);
      order.push(backend);
    }
    for (const backend of order) {
      if (await tryOne(backend)) {
        chosen = backend;
        break;
      }
    }
  }
  if (!chosen) throw new Error(`No tfjs backend could be initialised: ${JSON.stringify(attempts)}`);
  // Attempts in backend order (deferred software GPUs were recorded first); the reason shown is
  // that of the best backend that was not used.
  attempts.sort((a, b) => BACKEND_ORDER.indexOf(a.backend) - BACKEND_ORDER.indexOf(b.backend));
  const firstFailure = attempts.find((a) => !a.ok)?.reason ?? null;
  // A forced backend refused for this model (wasm and convolutions) says why, not "could not start".
  const forcedRefusal = forcedFailed ? attempts.find((a) => a.backend === options.forced)?.reason : undefined;
  return {
    backend: chosen,
    fallbackReason: forcedFailed ? (forcedRefusal === "wasm-conv-backprop-unsupported" ? forcedRefusal : "forced-backend-failed") : options.forced ? null : firstFailure,
    attempts,
    ...(chosen === "wasm" ? { wasm: await env.wasmFeatures() } : {}),
  };
}

async function isSoftware(backend: "webgpu" | "webgl", env: BackendEnvironment): Promise<boolean> {
  if (backend === "webgpu") return (await env.probeWebGpu()) === "software";
  return (await env.probeWebGl?.()) === "software";
}

function initFailed(backend: TfBackendName): FallbackReason {
  switch (backend) {
    case "webgpu":
      return "webgpu-init-failed";
    case "webgl":
      return "webgl-init-failed";
    case "wasm":
      return "wasm-init-failed";
    case "cpu":
      return "cpu-init-failed";
  }
}

/**
 * Runs a few tiny ops so shader compilation and kernel set-up happen before the first real batch
 * (first-batch latency on webgpu/webgl is otherwise seconds). Leaves no tensors behind.
 */
export async function warmUpBackend(options: { conv?: boolean } = {}): Promise<number> {
  const start = performance.now();
  const out = tf.tidy(() => {
    const a = tf.randomUniform([64, 64], -1, 1, "float32", 1);
    let y = tf.softmax(tf.matMul(a, a));
    if (options.conv) {
      const img = tf.reshape(a, [1, 64, 64, 1]) as tf.Tensor4D;
      const k = tf.ones([3, 3, 1, 4]);
      y = tf.add(y, tf.mean(tf.conv2d(img, k as tf.Tensor4D, 1, "same")));
    }
    return tf.sum(y);
  });
  await out.data();
  out.dispose();
  return performance.now() - start;
}
