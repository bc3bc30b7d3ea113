import type * as tf from "@tensorflow/tfjs";
import type { Backbone, BackboneLoadProgress } from "../backbone";
import type { RawImage } from "../types";

// The contract (Backbone, registry) and RawImage are lib/ml's; the backbones implement them.
export type { Backbone, BackboneLoadProgress, RawImage };

/**
 * Anything an image backbone can embed: raw pixels (works everywhere: browser, worker, Node; RGBA
 * ImageData qualifies) or a browser image source.
 */
export type ImageLike =
  | RawImage
  | ImageData
  | ImageBitmap
  | HTMLImageElement
  | HTMLCanvasElement
  | HTMLVideoElement
  | OffscreenCanvas;

export interface ImageBackbone extends Backbone<ImageLike> {
  readonly kind: "image";
  /** Side of the square input the network sees after resizing. */
  readonly inputSize: number;
  /**
   * One feature vector per image, in order. All intermediate tensors are disposed before the
   * promise resolves; each Float32Array is an independent copy.
   */
  embed(batch: readonly ImageLike[]): Promise<Float32Array[]>;
  /**
   * Same for a pixel tensor [n, height, width, 3], RGB values 0..255, any size (it is resized).
   * The caller keeps ownership of the tensor.
   */
  embedPixels(pixels: tf.Tensor4D): Promise<Float32Array[]>;
}

/** Mono audio, samples in [-1, 1], at any sample rate (resampled to what the model needs). */
export interface AudioClip {
  samples: Float32Array;
  sampleRate: number;
}

export interface AudioBackbone extends Backbone<AudioClip> {
  readonly kind: "audio";
  /** Rate the models run at; inputs at other rates are resampled. */
  readonly sampleRate: number;
}

export type ProgressCallback = (progress: BackboneLoadProgress) => void;
