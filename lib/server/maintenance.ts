import "server-only";
import { DEFAULT_GC_GRACE_MS, cleanTempFiles, collectGarbage } from "./blob-store";
import { configuredPublicOrigin } from "./public-url";

/**
 * Work the server does on its own, started once per process by instrumentation.ts:
 * checks the configuration, removes temporary files crashed writers left, and collects
 * unreferenced blobs now and then every STUDIO_BLOB_GC_INTERVAL_SECONDS (default 3600; 0 turns the
 * periodic run off). STUDIO_BLOB_GC_GRACE_SECONDS (default 3600) is how old an unreferenced blob
 * must be before it is removed.
 */

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds, 0 or more (got "${raw}").`);
  return n;
}

export function maintenanceConfig(): { intervalMs: number; graceMs: number } {
  return {
    intervalMs: seconds("STUDIO_BLOB_GC_INTERVAL_SECONDS", 3600) * 1000,
    graceMs: seconds("STUDIO_BLOB_GC_GRACE_SECONDS", DEFAULT_GC_GRACE_MS / 1000) * 1000,
  };
}

async function removeTempFiles(): Promise<void> {
  try {
    const n = await cleanTempFiles();
    if (n) console.log(`[maintenance] removed ${n} temporary file(s) left by interrupted uploads or saves`);
  } catch (e) {
    console.error("[maintenance] temporary file clean-up failed:", e);
  }
}

async function removeGarbage(graceMs: number): Promise<void> {
  try {
    const gc = await collectGarbage(graceMs);
    if (gc.rows || gc.files) console.log(`[maintenance] removed ${gc.rows} unreferenced blob(s) and ${gc.files} file(s) without a record`);
  } catch (e) {
    console.error("[maintenance] blob garbage collection failed:", e);
  }
}

/** One periodic pass: temporary files of dead writers, then unreferenced blobs. Never throws. */
export async function runBlobMaintenance(graceMs: number): Promise<void> {
  await removeTempFiles();
  await removeGarbage(graceMs);
}

let started = false;
let firstCollection: Promise<void> = Promise.resolve();

/** The garbage collection startMaintenance began (resolved when done; for tests and tools). */
export function firstGarbageCollection(): Promise<void> {
  return firstCollection;
}

/**
 * Validates the settings (a bad value stops the start with its message), removes the temporary
 * files of crashed writers before the server takes requests, starts the first garbage collection
 * in the background (a large store takes a while to walk) and schedules the periodic pass on a
 * timer that does not keep the process alive.
 */
export async function startMaintenance(): Promise<void> {
  if (started) return;
  started = true;
  configuredPublicOrigin();
  const { intervalMs, graceMs } = maintenanceConfig();
  await removeTempFiles();
  firstCollection = removeGarbage(graceMs);
  if (intervalMs > 0) setInterval(() => void runBlobMaintenance(graceMs), intervalMs).unref();
}
