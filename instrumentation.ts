// Runs once when a Next server process starts (Next's instrumentation hook).
export async function register() {
  // Only in the Node.js runtime: the clean-up reads the data folder and the database.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startMaintenance } = await import("./lib/server/maintenance");
  await startMaintenance();
}
