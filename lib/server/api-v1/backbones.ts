/**
 * Backbones the REST API can run in Node: MobileNetV2 (pooled, multi-scale and mid-level features) and the
 * speech embedding. Kept free of tfjs imports so the API tab's page can read it cheaply; the ids
 * equal the backbones' own (checked in predictor-cache.test.ts).
 */
export const NODE_BACKBONES: readonly string[] = ["mobilenet-v2-1280", "mobilenet-v2-ms-2880", "mobilenet-v2-ml-3520", "speech-embedding-192"];
