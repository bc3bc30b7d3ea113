// `npm run bench [name ...]`: runs benchmarks (not part of `npm test`) and writes, per benchmark,
// bench/results/<name>.json and a readable bench/results/<name>.md, with the machine they ran on.
// Benchmarks that need ../shared/datasets skip cleanly when it is absent.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const benchDir = path.join(root, "bench");
const resultsDir = path.join(benchDir, "results");
export const DATASETS = path.resolve(process.env.STUDIO_DATASETS ?? path.join(root, "..", "shared", "datasets"));

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

function markdown(name, result) {
  const lines = [`# Benchmark: ${name}`, "", `Run at ${result.ranAt} on ${result.machine.cpu} (${result.machine.cores} cores, ${result.machine.memoryGiB} GiB), Node ${result.machine.node}.`, ""];
  if (result.skipped) lines.push(`Skipped: ${result.skipped}`);
  for (const table of result.tables ?? []) {
    lines.push(`## ${table.title}`, "");
    lines.push(`| ${table.columns.join(" | ")} |`, `| ${table.columns.map(() => "---").join(" | ")} |`);
    for (const row of table.rows) lines.push(`| ${row.map((c) => (c === null || c === undefined ? "—" : String(c))).join(" | ")} |`);
    lines.push("");
    if (table.notes) lines.push(...table.notes.map((n) => `- ${n}`), "");
  }
  return lines.join("\n");
}

async function main() {
  const wanted = process.argv.slice(2);
  const available = fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith(".bench.mjs"))
    .map((f) => f.replace(/\.bench\.mjs$/, ""))
    .sort();
  const names = wanted.length ? wanted : available;
  fs.mkdirSync(resultsDir, { recursive: true });
  let failed = 0;
  for (const name of names) {
    if (!available.includes(name)) {
      console.error(`unknown benchmark "${name}"; available: ${available.join(", ")}`);
      failed++;
      continue;
    }
    console.log(`\n== bench ${name}`);
    const mod = await import(path.join(benchDir, `${name}.bench.mjs`));
    const started = Date.now();
    let result;
    try {
      result = await mod.run({ root, datasets: DATASETS, log: (...a) => console.log(`  [${name}]`, ...a) });
    } catch (e) {
      console.error(e);
      failed++;
      continue;
    }
    result = { name, ranAt: new Date().toISOString(), machine: machine(), wallSeconds: (Date.now() - started) / 1000, ...result };
    // BENCH_RESULT_SUFFIX keeps a partial run (e.g. one backend) from replacing the full results.
    const file = `${name}${process.env.BENCH_RESULT_SUFFIX ?? ""}`;
    fs.writeFileSync(path.join(resultsDir, `${file}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const md = markdown(name, result);
    fs.writeFileSync(path.join(resultsDir, `${file}.md`), `${md}\n`);
    console.log(md);
  }
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
