// Runs once when a Next server process starts (Next's instrumentation hook).
export async function register() {
  // Only in the Node.js runtime: the clean-up reads the data folder and the database.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startMaintenance } = await import("./lib/server/maintenance");
  try {
    await startMaintenance();
  } catch (e) {
    // A bad setting (STUDIO_PUBLIC_URL, STUDIO_BLOB_GC_*): Next would log it and serve anyway, with
    // wrong links or no clean-up. Stop instead, with the message saying what to fix.
    console.error(`Cannot start: ${e instanceof Error ? e.message : String(e)}`);
    const { exit } = await import("node:process");
    exit(1);
  }
}
