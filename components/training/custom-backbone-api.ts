/** Browser calls for the project's uploaded backbone ("custom-backbone" projects). */

/** GET /api/projects/:id/backbone (type-only import: nothing of the server module is bundled). */
export type { CustomBackboneInfo } from "@/lib/server/custom-backbones";

/** Downloads the project's checked backbone package (immutable under its hash). */
export async function fetchBackbonePackage(projectId: string, contentHash: string): Promise<Uint8Array> {
  const res = await fetch(`/api/projects/${projectId}/backbone/package?v=${contentHash}`, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`backbone package ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
