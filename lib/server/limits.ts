import "server-only";
import { resolveLimits, type DataLimits } from "@/lib/data/limits";

/**
 * Data limits as enforced by the server. STUDIO_MAX_UPLOAD_BYTES lowers the upload limit for an
 * operator (and for the end-to-end test of the "file too large" message).
 */
export function serverLimits(): DataLimits {
  const override = Number(process.env.STUDIO_MAX_UPLOAD_BYTES);
  return resolveLimits(Number.isFinite(override) && override > 0 ? { maxUploadBytes: override } : {});
}
