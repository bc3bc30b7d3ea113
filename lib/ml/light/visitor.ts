import { decodeBundle, type BundleManifest } from "../bundle";
import type { ClassifierPredictor } from "../predictor";
import { lightTextBagPredictor } from "./text-bag";

/*
 * What a visitor's page (share link, embed) runs without tfjs: a model the light runtime knows
 * (an n-gram bag text classifier) answers on the page itself, in well under a millisecond per
 * text, and the page never downloads tfjs, its WebAssembly or a worker. Any other model returns
 * null and goes to the page's worker as before. Nothing here imports tfjs (a test checks it).
 */
export function lightVisitorModel(bundle: Uint8Array): { manifest: BundleManifest; predictor: ClassifierPredictor } | null {
  const { manifest, artifacts } = decodeBundle(bundle);
  if (!artifacts.modelTopology || !artifacts.weightSpecs || !(artifacts.weightData instanceof ArrayBuffer)) return null;
  const predictor = lightTextBagPredictor(manifest, { modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData });
  return predictor ? { manifest, predictor } : null;
}
