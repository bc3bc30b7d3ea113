/**
 * Server side of a backbone upload: a single .zip is expanded (lib/data's guarded ZIP reader:
 * sizes checked before anything is inflated) and the files go through buildBackbonePackage.
 * Kept apart from custom-package.ts so browser bundles do not pull in the ZIP reader.
 */
import { readZipFiles } from "../../data/zip";
import { BackboneUploadError, MAX_BACKBONE_BYTES, buildBackbonePackage, type BuiltPackage, type UploadedFile } from "./custom-package";

export function readBackboneUpload(uploaded: readonly UploadedFile[], options: { maxBytes?: number } = {}): BuiltPackage {
  const maxBytes = options.maxBytes ?? MAX_BACKBONE_BYTES;
  const zips = uploaded.filter((f) => /\.zip$/i.test(f.name));
  if (zips.length === 0) return buildBackbonePackage(uploaded, { maxBytes });
  if (uploaded.length > 1) throw new BackboneUploadError("ambiguous");
  const zip = zips[0];
  if (zip.bytes.byteLength > maxBytes) throw new BackboneUploadError("too-large", { limitBytes: maxBytes });
  const r = readZipFiles(zip.bytes, {
    fileName: zip.name,
    limits: { maxUploadBytes: maxBytes, maxZipEntryBytes: maxBytes, maxZipTotalUncompressedBytes: maxBytes },
  });
  if (!r.ok) {
    const tooBig = r.issues.some((i) => ["zip-too-large-uncompressed", "zip-entry-too-large", "file-too-large"].includes(i.code));
    if (tooBig) throw new BackboneUploadError("too-large", { limitBytes: maxBytes });
    throw new BackboneUploadError("zip-invalid", { reason: r.issues[0]?.code ?? "unreadable" });
  }
  return buildBackbonePackage(r.value.map((f) => ({ name: f.path, bytes: f.bytes })), { maxBytes });
}
