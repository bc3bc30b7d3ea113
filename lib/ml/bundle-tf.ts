import * as tf from "@tensorflow/tfjs";

/*
 * The tfjs side of model bundles (lib/ml/bundle.ts encodes and decodes them without tfjs).
 */

/** The model's topology and weights, in memory (no file system, no network). */
export async function modelToArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!captured) throw new Error("model.save did not produce artifacts");
  return captured;
}

export function tfjsVersion(): string {
  return tf.version.tfjs;
}
