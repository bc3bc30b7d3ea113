/** Browser calls for the project's uploaded backbone ("custom-backbone" projects). */
import type { CustomBackboneFormat, CustomBackboneSpec } from "@/lib/ml/backbones/custom-package";

/** GET /api/projects/:id/backbone (lib/server/custom-backbones.ts: CustomBackboneInfo). */
export interface CustomBackboneInfo {
  format: CustomBackboneFormat;
  contentHash: string;
  byteLength: number;
  files: { name: string; bytes: number }[];
  spec: CustomBackboneSpec | null;
  testMs: number | null;
}

/** Downloads the project's checked backbone package (immutable under its hash). */
export async function fetchBackbonePackage(projectId: string, contentHash: string): Promise<Uint8Array> {
  const res = await fetch(`/api/projects/${projectId}/backbone/package?v=${contentHash}`, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`backbone package ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
