import { z } from "zod";
import {
  CUSTOM_BACKBONE_FORMATS,
  MAX_FEATURE_DIM,
  MAX_INPUT_SIDE,
  MIN_INPUT_SIDE,
  PIXEL_NORMALIZATION_IDS,
  type PixelNormalization,
} from "@/lib/ml/backbones/custom-package";

/**
 * What the owner's browser measured after loading the uploaded backbone with the chosen settings
 * (PATCH /api/projects/:id/backbone). The server checks it against the stored package.
 */
export const customBackboneSpecSchema = z.object({
  format: z.enum(CUSTOM_BACKBONE_FORMATS),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  byteLength: z.number().int().min(1),
  inputHeight: z.number().int().min(MIN_INPUT_SIDE).max(MAX_INPUT_SIDE),
  inputWidth: z.number().int().min(MIN_INPUT_SIDE).max(MAX_INPUT_SIDE),
  normalization: z.enum(PIXEL_NORMALIZATION_IDS as [PixelNormalization, ...PixelNormalization[]]),
  layout: z.enum(["nhwc", "nchw"]),
  pooling: z.enum(["none", "global-average"]),
  featureDim: z.number().int().min(1).max(MAX_FEATURE_DIM),
});

export const saveCustomBackboneSpecSchema = z.object({
  spec: customBackboneSpecSchema,
  /** Milliseconds one test picture took in the owner's browser (shown again later). */
  testMs: z.number().min(0).max(600_000).nullable().optional(),
});
export type SaveCustomBackboneSpecInput = z.output<typeof saveCustomBackboneSpecSchema>;
