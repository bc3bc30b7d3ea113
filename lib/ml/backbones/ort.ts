/**
 * onnxruntime-web, loaded once per page, worker or Node process and shared by every ONNX backbone
 * (the speech front end, user-supplied image backbones). Its WASM files are served from our own
 * origin in the browser (scripts/copy-assets.mjs copies them to /vendor/ort/); Node passes the
 * package's dist folder (backbones/node.ts: ortDistDir()).
 */
export type Ort = typeof import("onnxruntime-web/wasm");
export type OrtSession = import("onnxruntime-web/wasm").InferenceSession;

/** Where the browser loads onnxruntime-web's .wasm/.mjs files from. */
export const ORT_WASM_PATH = "/vendor/ort/";

let ortPromise: Promise<Ort> | null = null;
let configuredWasmPaths: string | null = null;

/**
 * The runtime, configured on first use (WASM execution provider, `numThreads` threads; more than
 * one needs crossOriginIsolated). Later calls get the same runtime: its paths cannot change.
 */
export async function getOrt(wasmPaths: string = ORT_WASM_PATH, numThreads = 1): Promise<Ort> {
  if (!ortPromise) {
    ortPromise = import("onnxruntime-web/wasm").then((mod) => {
      // Some bundlers wrap the namespace in `default`.
      const ort = ((mod as unknown as { default?: Ort }).default?.InferenceSession ? (mod as unknown as { default: Ort }).default : mod) as Ort;
      ort.env.wasm.numThreads = numThreads;
      ort.env.wasm.proxy = false;
      ort.env.wasm.wasmPaths = wasmPaths;
      ort.env.logLevel = "error";
      configuredWasmPaths = wasmPaths;
      return ort;
    });
  }
  const ort = await ortPromise;
  if (configuredWasmPaths !== wasmPaths) {
    // The runtime is initialised once per process/page; later paths cannot take effect.
    console.warn(`onnxruntime-web already initialised with wasmPaths ${configuredWasmPaths}; ignoring ${wasmPaths}`);
  }
  return ort;
}

/** The paths the runtime was initialised with, or null before the first getOrt(). */
export function ortWasmPaths(): string | null {
  return configuredWasmPaths;
}
