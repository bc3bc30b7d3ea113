/**
 * Browser/worker registration of the built-in backbones with lib/ml's registry. Import once (the
 * training worker and the predictors do); loaders fetch from the assets that
 * scripts/copy-assets.mjs copied into public/. Node code uses registerNodeBackbones() from ./node.
 */
import { registerBackbone } from "../backbone";
import { MOBILENET_V2_ID, MOBILENET_V2_ML_ID, MOBILENET_V2_MS_ID, MOBILENET_V2_URL, loadMobileNetV2 } from "./mobilenet";
import { SPEECH_BACKBONE_ID, loadSpeechBackbone } from "./speech";

registerBackbone(MOBILENET_V2_ML_ID, (onProgress) => loadMobileNetV2({ url: MOBILENET_V2_URL }, { onProgress, warmUp: true, features: "midlevel" }));
// Multi-label tagging models, and image models trained before the mid-level features.
registerBackbone(MOBILENET_V2_MS_ID, (onProgress) => loadMobileNetV2({ url: MOBILENET_V2_URL }, { onProgress, warmUp: true, features: "multiscale" }));
// Models trained before the multi-scale features.
registerBackbone(MOBILENET_V2_ID, (onProgress) => loadMobileNetV2({ url: MOBILENET_V2_URL }, { onProgress, warmUp: true }));
registerBackbone(SPEECH_BACKBONE_ID, (onProgress) => loadSpeechBackbone({ onProgress }));

export const BUILTIN_BACKBONE_IDS = [MOBILENET_V2_ML_ID, MOBILENET_V2_MS_ID, MOBILENET_V2_ID, SPEECH_BACKBONE_ID] as const;
