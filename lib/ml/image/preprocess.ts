/** Raw pixels → model input tensors, identical for training and prediction. */
import * as tf from "@tensorflow/tfjs";
import type { RawImage } from "../types";

export interface ImagePreprocessing {
  kind: "image";
  width: number;
  height: number;
  channels: 1 | 3;
  /** Model input = pixel (0..255) * scale + offset. */
  scale: number;
  offset: number;
}

export function isRawImage(x: unknown): x is RawImage {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<RawImage>;
  return (
    typeof r.width === "number" &&
    typeof r.height === "number" &&
    (r.channels === 1 || r.channels === 3 || r.channels === 4) &&
    (r.data instanceof Uint8Array || r.data instanceof Uint8ClampedArray || r.data instanceof Float32Array) &&
    r.data.length === r.width * r.height * r.channels
  );
}

/** [height, width, channels] float tensor ready for the model. The caller disposes it. */
export function imageToTensor(image: RawImage, prep: ImagePreprocessing): tf.Tensor3D {
  if (!isRawImage(image)) throw new TypeError("Expected a RawImage {width, height, channels, data} with data.length = width*height*channels.");
  return tf.tidy(() => {
    const data = image.data instanceof Float32Array ? image.data : Float32Array.from(image.data);
    let t: tf.Tensor3D = tf.tensor3d(data, [image.height, image.width, image.channels]);
    if (image.channels === 4) t = tf.slice(t, [0, 0, 0], [-1, -1, 3]);
    const have = image.channels === 4 ? 3 : image.channels;
    if (have === 3 && prep.channels === 1) t = tf.mean(t, 2, true);
    if (have === 1 && prep.channels === 3) t = tf.tile(t, [1, 1, 3]);
    if (image.width !== prep.width || image.height !== prep.height) t = tf.image.resizeBilinear(t, [prep.height, prep.width], false, true);
    return tf.add(tf.mul(t, prep.scale), prep.offset);
  });
}

/** [n, height, width, channels]. The caller disposes it. */
export function imagesToTensor(images: readonly RawImage[], prep: ImagePreprocessing): tf.Tensor4D {
  return tf.tidy(() => tf.stack(images.map((img) => imageToTensor(img, prep))) as tf.Tensor4D);
}
