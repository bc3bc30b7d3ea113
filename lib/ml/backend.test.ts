import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { modelNeedsConvGradients, selectBackend, warmUpBackend, type BackendEnvironment } from "./backend";
import type { TfBackendName } from "./types";

/** A fake browser: which backends initialise, and whether WebGPU has an adapter. */
function fakeBrowser(
  works: TfBackendName[],
  gpu: "ok" | "software" | "no-api" | "no-adapter" = "ok",
  isolated = false,
  webgl: "hardware" | "software" | "unknown" = "hardware",
) {
  const loaded: string[] = [];
  const env: BackendEnvironment = {
    isBrowser: true,
    crossOriginIsolated: isolated,
    probeWebGpu: async () => gpu,
    probeWebGl: async () => webgl,
    load: async (backend, opts) => {
      loaded.push(`${backend}:${opts.wasmPath}:${opts.threads}`);
    },
    activate: async (backend) => works.includes(backend),
    wasmFeatures: async () => ({ simd: true, threads: isolated }),
  };
  return { env, loaded };
}

describe("backend selection", () => {
  it("prefers webgpu, then webgl, wasm, cpu", async () => {
    expect((await selectBackend({}, fakeBrowser(["webgpu", "webgl", "wasm", "cpu"]).env)).backend).toBe("webgpu");
    const noGpu = await selectBackend({}, fakeBrowser(["webgl", "wasm", "cpu"], "no-api").env);
    expect(noGpu).toMatchObject({ backend: "webgl", fallbackReason: "webgpu-unavailable" });
    const noAdapter = await selectBackend({}, fakeBrowser(["wasm", "cpu"], "no-adapter").env);
    expect(noAdapter.backend).toBe("wasm");
    expect(noAdapter.fallbackReason).toBe("webgpu-no-adapter");
    expect(noAdapter.attempts.map((a) => a.reason ?? "ok")).toEqual(["webgpu-no-adapter", "webgl-init-failed", "ok"]);
    expect(noAdapter.wasm).toEqual({ simd: true, threads: false });
  });

  it("skips wasm for models that train convolutions, and says so", async () => {
    expect(modelNeedsConvGradients("text-cnn")).toBe(true);
    expect(modelNeedsConvGradients("small-cnn")).toBe(true);
    expect(modelNeedsConvGradients("ngram-bag")).toBe(false);
    const choice = await selectBackend({ needsConvGradients: true }, fakeBrowser(["wasm", "cpu"], "no-api").env);
    expect(choice.backend).toBe("cpu");
    expect(choice.attempts.find((a) => a.backend === "wasm")?.reason).toBe("wasm-conv-backprop-unsupported");
  });

  it("puts a GPU emulated on the CPU (SwiftShader) after WebAssembly, when the model can train on wasm", async () => {
    const all: TfBackendName[] = ["webgpu", "webgl", "wasm", "cpu"];
    const soft = await selectBackend({}, fakeBrowser(all, "software", false, "software").env);
    expect(soft).toMatchObject({ backend: "wasm", fallbackReason: "webgpu-software" });
    expect(soft.attempts.map((a) => `${a.backend}:${a.reason ?? "ok"}`)).toEqual(["webgpu:webgpu-software", "webgl:webgl-software", "wasm:ok"]);
    // No WebGPU at all and a software WebGL: the reason given is the missing WebGPU.
    const noGpu = await selectBackend({}, fakeBrowser(all, "no-api", false, "software").env);
    expect(noGpu).toMatchObject({ backend: "wasm", fallbackReason: "webgpu-unavailable" });
    expect(noGpu.attempts.map((a) => `${a.backend}:${a.reason ?? "ok"}`)).toEqual(["webgpu:webgpu-unavailable", "webgl:webgl-software", "wasm:ok"]);
    // A hardware WebGL still wins over wasm.
    expect((await selectBackend({}, fakeBrowser(all, "software", false, "hardware").env)).backend).toBe("webgl");
    // Convolution training cannot use wasm: the emulated GPU is still better than plain JS.
    expect((await selectBackend({ needsConvGradients: true }, fakeBrowser(all, "software", false, "software").env)).backend).toBe("webgpu");
    // If wasm does not start, the emulated GPUs come back before cpu.
    const noWasm = await selectBackend({}, fakeBrowser(["webgl", "cpu"], "software", false, "software").env);
    expect(noWasm.backend).toBe("webgl");
    // Asking for it explicitly (Advanced settings) still gets it.
    expect(await selectBackend({ forced: "webgpu" }, fakeBrowser(all, "software", false, "software").env)).toMatchObject({ backend: "webgpu", fallbackReason: null });
  });

  it("honours a forced backend and reports when it failed", async () => {
    const forced = await selectBackend({ forced: "wasm" }, fakeBrowser(["webgpu", "wasm", "cpu"]).env);
    expect(forced).toMatchObject({ backend: "wasm", fallbackReason: null });
    const failed = await selectBackend({ forced: "webgl" }, fakeBrowser(["webgpu", "cpu"]).env);
    expect(failed).toMatchObject({ backend: "webgpu", fallbackReason: "forced-backend-failed" });
  });

  it("says wasm cannot train convolutions when wasm is forced for such a model, not that it failed to start", async () => {
    const all: TfBackendName[] = ["webgpu", "webgl", "wasm", "cpu"];
    const env = fakeBrowser(all, "software", false, "software");
    const choice = await selectBackend({ forced: "wasm", needsConvGradients: true }, env.env);
    expect(choice).toMatchObject({ backend: "webgpu", fallbackReason: "wasm-conv-backprop-unsupported" });
    expect(env.loaded.some((l) => l.startsWith("wasm:"))).toBe(false);
    // Any other forced failure keeps the general reason.
    const noWasm = await selectBackend({ forced: "wasm" }, fakeBrowser(["webgl", "cpu"], "no-api").env);
    expect(noWasm).toMatchObject({ backend: "webgl", fallbackReason: "forced-backend-failed" });
  });

  it("serves wasm from /vendor/tfjs-wasm/ and uses threads only when crossOriginIsolated", async () => {
    const plain = fakeBrowser(["wasm"], "no-api");
    await selectBackend({}, plain.env);
    expect(plain.loaded).toContain("wasm:/vendor/tfjs-wasm/:false");
    const isolated = fakeBrowser(["wasm"], "no-api", true);
    const choice = await selectBackend({}, isolated.env);
    expect(isolated.loaded).toContain("wasm:/vendor/tfjs-wasm/:true");
    expect(choice.wasm?.threads).toBe(true);
  });

  it("uses cpu in Node without loading browser backends", async () => {
    const choice = await selectBackend();
    expect(choice.backend).toBe("cpu");
    expect(choice.fallbackReason).toBe("not-browser");
    expect(tf.getBackend()).toBe("cpu");
    const before = tf.memory().numTensors;
    expect(await warmUpBackend({ conv: true })).toBeGreaterThanOrEqual(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
