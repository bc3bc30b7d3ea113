// Voice commands: browser-, worker- and Node-safe helpers (no node: imports here).
export {
  BACKGROUND_LABEL,
  SPEECH_MODEL_TYPE,
  decodeWavClip,
  hasBackgroundClass,
  isAudioClip,
  isBackgroundLabel,
  syntheticBackgroundClips,
  withBackgroundClips,
  type AudioClip,
  type BackgroundOptions,
} from "./clip";
export { createVoiceActivityGate, type VadOptions, type VoiceActivityGate } from "./vad";
