// Headless Chromium for the training benchmark, and a sampler of its processes' memory from /proc.
import fs from "node:fs";

export const BASE_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
/** WebGPU on the CPU through SwiftShader (see ../shared/ENVIRONMENT.md). */
export const WEBGPU_ARGS = ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-vulkan=swiftshader", "--use-webgpu-adapter=swiftshader"];

export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

/**
 * Launches Chromium for one backend run (WebGPU flags only for webgpu). A harmless unknown switch
 * with a random id marks the browser process so memorySampler() can find its process tree.
 */
export async function launch(backend) {
  const { chromium } = await import("@playwright/test");
  const args = backend === "webgpu" ? [...BASE_ARGS, ...WEBGPU_ARGS] : BASE_ARGS;
  const marker = `bench-run-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const executablePath = chromiumPath();
  const browser = await chromium.launch({ executablePath: fs.existsSync(executablePath) ? executablePath : undefined, args: [...args, `--${marker}`] });
  return { browser, args, marker };
}

function readProc(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return { pid: Number(pid), ppid, rss, hwm, cmd };
  } catch {
    return null;
  }
}

function findBrowserPid(marker) {
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes(`--${marker}`) && !cmd.includes("--type=")) return Number(pid);
    } catch {}
  }
  return null;
}

/** Processes descending from rootPid, by type: "renderer", "gpu-process", "utility", or "browser". */
function tree(rootPid) {
  const all = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(readProc).filter(Boolean);
  const byParent = new Map();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    for (const child of byParent.get(pid) ?? []) {
      out.push(child);
      stack.push(child.pid);
    }
  }
  const root = all.find((p) => p.pid === rootPid);
  if (root) out.push(root);
  return out.map((p) => ({ ...p, type: /--type=([\w-]+)/.exec(p.cmd)?.[1] ?? "browser" }));
}

/**
 * Samples VmRSS of the browser's processes every intervalMs and keeps, per process type, the
 * largest single-process VmRSS seen and the largest VmHWM (the kernel's own peak RSS) read.
 * Chromium's renderer runs the page and its web workers; WebGL/WebGPU buffers live in the GPU
 * process (SwiftShader, on the CPU here).
 */
export function memorySampler(marker, intervalMs = 250) {
  let rootPid = null;
  const peaks = {};
  const sample = () => {
    rootPid ??= findBrowserPid(marker);
    if (!rootPid) return;
    for (const p of tree(rootPid)) {
      const k = p.type;
      const cur = peaks[k] ?? { rssKiB: 0, hwmKiB: 0 };
      peaks[k] = { rssKiB: Math.max(cur.rssKiB, p.rss), hwmKiB: Math.max(cur.hwmKiB, p.hwm) };
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    /** Stops sampling; returns MiB per type: {renderer: {rss, hwm}, "gpu-process": {...}, ...}. */
    stop() {
      sample();
      clearInterval(timer);
      return Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, { rssMiB: Math.round(v.rssKiB / 1024), hwmMiB: Math.round(v.hwmKiB / 1024) }]));
    },
  };
}
