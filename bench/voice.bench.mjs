// Issue 6 benchmark: spoken digits (../shared/datasets/spoken-digits, 2,000 clips, 4 speakers),
// speaker-independent: the head trains on three speakers and is tested on the fourth, for each
// speaker in turn. Runs in Node (bench/support/voice-node.ts through tsx): the app's own code —
// WAV decoding (lib/ml/voice), 8 → 16 kHz resampling, the speech backbone (openWakeWord ONNX
// models on onnxruntime-web WASM, 1 thread) and the head trainer on the tfjs backends that Node
// offers (cpu, wasm). Browser backends (webgpu/webgl) are not measured here.
//
// `npm run bench voice`. Environment:
//   VOICE_BENCH_PRESET    fast       Train-tab preset of the head
//   VOICE_BENCH_BACKENDS  cpu,wasm   tfjs backends for the head
//   VOICE_BENCH_SEED      42
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const env = process.env;
const s1 = (ms) => (ms === null || ms === undefined ? null : (ms / 1000).toFixed(1));
const pct = (x) => (x === null || x === undefined ? null : `${(x * 100).toFixed(1)}%`);

export async function run({ root, datasets, log }) {
  const dir = path.join(datasets, "spoken-digits");
  if (!fs.existsSync(dir)) return { skipped: `${dir} not found` };
  const preset = env.VOICE_BENCH_PRESET ?? "fast";
  const backends = env.VOICE_BENCH_BACKENDS ?? "cpu,wasm";
  const seed = env.VOICE_BENCH_SEED ?? "42";
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  log(`spoken-digits: preset ${preset}, backends ${backends}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" / ")}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [tsx, path.join(root, "bench", "support", "voice-node.ts"), dir, preset, backends, seed], {
    cwd: root,
    encoding: "utf8",
    timeout: 1_800_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`voice-node.ts failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const wallMs = Date.now() - started;
  const out = JSON.parse(r.stdout.trim().split("\n").pop());
  const rows = out.results.map((b) =>
    b.error
      ? [b.backend, null, null, null, null, null, b.error]
      : [
          b.backend,
          pct(b.accuracy),
          b.folds.map((f) => `${f.heldOut} ${pct(f.accuracy)}`).join(", "),
          out.featuresPerSecond.toFixed(1),
          s1(b.meanHeadMs),
          s1(out.embedMs + b.meanHeadMs),
          `largest difference, probabilities from clips vs from features: ${b.rawPathMaxDiff.toExponential(1)}; leaked tensors ${b.leakedTensors}`,
        ],
  );
  return {
    config: { preset, backends, seed: Number(seed) },
    data: { clips: out.clips, speakers: out.speakers, audioSeconds: out.audioSeconds },
    backbone: out.backbone,
    timings: { decodeMs: out.decodeMs, embedMs: out.embedMs, featuresPerSecond: out.featuresPerSecond, wallMs },
    results: out.results,
    tables: [
      {
        title: `Spoken digits, speaker-independent (train on 3 speakers, test on the 4th; ${out.clips} clips, preset ${preset}, Node)`,
        columns: ["head backend", "accuracy (all 4 held-out speakers)", "per held-out speaker", "features/s (speech backbone, WASM)", "head time per fold (s)", "total (s): embed all 2,000 clips + one head", "checks"],
        rows,
        notes: [
          `Speech backbone ${out.backbone.id} (${out.backbone.package}@${out.backbone.version}), ${out.backbone.runtime}; loaded in ${s1(out.backbone.loadMs)} s. Embedding all ${out.clips} clips (${out.audioSeconds.toFixed(0)} s of 8 kHz audio, resampled to 16 kHz) took ${s1(out.embedMs)} s; WAV decoding ${s1(out.decodeMs)} s.`,
          "Features are computed once per clip and reused by every fold (as the worker's feature cache does).",
          "Node: the tfjs head runs on the cpu and wasm backends; WebGPU/WebGL exist only in the browser and are not measured here. The speech backbone always runs on onnxruntime-web WASM.",
          `Load average when starting: ${os.loadavg().map((x) => x.toFixed(2)).join(" / ")} (shared machine).`,
        ],
      },
    ],
  };
}
