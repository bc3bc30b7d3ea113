/**
 * Every size, count and quality threshold used by lib/data, in one place.
 * Parsers take an optional `limits` override (tests use tiny limits to stay fast and small);
 * every issue about a limit carries the limit value in its params so messages can show it.
 */

const MiB = 1024 * 1024;

/** Largest single uploaded file: a table, an image, a clip or a ZIP archive. */
export const MAX_UPLOAD_BYTES = 100 * MiB;
/** Data rows kept from one table (rows beyond it are ignored with a warning). */
export const MAX_ROWS = 100_000;
/** Columns in one table. */
export const MAX_COLUMNS = 500;
/**
 * Cells (rows × columns) read from one table: rows beyond it are left out with a warning, so a
 * wide file cannot take hundreds of MB (100,000 rows of 20 columns, or 4,000 rows of 500).
 */
export const MAX_CELLS = 2_000_000;
/** Row-level problems listed for one file; the rest are counted in one summary line. */
export const MAX_ISSUES = 1_000;
/** Characters in one text sample (a longer text is rejected, it is probably a broken row). */
export const MAX_TEXT_CHARS = 10_000;
/** Characters in one label or class name. */
export const MAX_LABEL_CHARS = 100;
/** Distinct labels/classes in one dataset. */
export const MAX_CLASSES = 1_000;

/** XLSX: uncompressed size of the workbook parts that are read (sheets + shared strings). */
export const MAX_XLSX_XML_BYTES = 100 * MiB;
/** XLSX: distinct strings in the workbook's shared-strings table. */
export const MAX_XLSX_SHARED_STRINGS = 1_000_000;

/** Files (not folders) in one ZIP archive, checked from the directory before anything is inflated. */
export const MAX_ZIP_FILES = 10_000;
/** Sum of the uncompressed sizes in one ZIP archive. */
export const MAX_ZIP_TOTAL_UNCOMPRESSED_BYTES = 1024 * MiB;
/** Uncompressed size of one ZIP entry. */
export const MAX_ZIP_ENTRY_BYTES = 50 * MiB;
/** Uncompressed : compressed size ratio of one entry; images and audio barely compress. */
export const MAX_ZIP_COMPRESSION_RATIO = 100;
/** Entries smaller than this skip the ratio check: a tiny, very compressible file is harmless. */
export const ZIP_RATIO_CHECK_MIN_BYTES = 1 * MiB;

/** Largest image file. */
export const MAX_IMAGE_BYTES = 25 * MiB;
/** Longest side of an image in pixels. */
export const MAX_IMAGE_SIDE_PX = 10_000;
/** Pixels (width × height) of an image; decoding needs 4 bytes per pixel. */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Largest audio file. */
export const MAX_AUDIO_BYTES = 25 * MiB;
/** Longest audio clip in seconds (voice commands are short). */
export const MAX_CLIP_SECONDS = 10;

/** Quality report: a class with fewer examples than this gets a warning. */
export const MIN_EXAMPLES_PER_CLASS = 5;
/** Quality report: largest class / smallest class above this ratio gets a warning. */
export const MAX_IMBALANCE_RATIO = 10;
/** Quality report: an entity type with fewer examples than this gets a warning. */
export const MIN_EXAMPLES_PER_ENTITY_TYPE = 5;

export interface DataLimits {
  maxUploadBytes: number;
  maxRows: number;
  maxColumns: number;
  maxCells: number;
  maxIssues: number;
  maxTextChars: number;
  maxLabelChars: number;
  maxClasses: number;
  maxXlsxXmlBytes: number;
  maxXlsxSharedStrings: number;
  maxZipFiles: number;
  maxZipTotalUncompressedBytes: number;
  maxZipEntryBytes: number;
  maxZipCompressionRatio: number;
  zipRatioCheckMinBytes: number;
  maxImageBytes: number;
  maxImageSidePx: number;
  maxImagePixels: number;
  maxAudioBytes: number;
  maxClipSeconds: number;
  minExamplesPerClass: number;
  maxImbalanceRatio: number;
  minExamplesPerEntityType: number;
}

export const DEFAULT_LIMITS: Readonly<DataLimits> = Object.freeze({
  maxUploadBytes: MAX_UPLOAD_BYTES,
  maxRows: MAX_ROWS,
  maxColumns: MAX_COLUMNS,
  maxCells: MAX_CELLS,
  maxIssues: MAX_ISSUES,
  maxTextChars: MAX_TEXT_CHARS,
  maxLabelChars: MAX_LABEL_CHARS,
  maxClasses: MAX_CLASSES,
  maxXlsxXmlBytes: MAX_XLSX_XML_BYTES,
  maxXlsxSharedStrings: MAX_XLSX_SHARED_STRINGS,
  maxZipFiles: MAX_ZIP_FILES,
  maxZipTotalUncompressedBytes: MAX_ZIP_TOTAL_UNCOMPRESSED_BYTES,
  maxZipEntryBytes: MAX_ZIP_ENTRY_BYTES,
  maxZipCompressionRatio: MAX_ZIP_COMPRESSION_RATIO,
  zipRatioCheckMinBytes: ZIP_RATIO_CHECK_MIN_BYTES,
  maxImageBytes: MAX_IMAGE_BYTES,
  maxImageSidePx: MAX_IMAGE_SIDE_PX,
  maxImagePixels: MAX_IMAGE_PIXELS,
  maxAudioBytes: MAX_AUDIO_BYTES,
  maxClipSeconds: MAX_CLIP_SECONDS,
  minExamplesPerClass: MIN_EXAMPLES_PER_CLASS,
  maxImbalanceRatio: MAX_IMBALANCE_RATIO,
  minExamplesPerEntityType: MIN_EXAMPLES_PER_ENTITY_TYPE,
});

/** Defaults with the caller's overrides applied. */
export function resolveLimits(overrides?: Partial<DataLimits>): DataLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
