/**
 * Backbones the REST API can run in Node (the speech backbone would need audio decoding, not done
 * here). Kept free of tfjs imports so the API tab's page can read it cheaply; the id equals
 * MOBILENET_V2_ID (checked in predictor-cache.test.ts).
 */
export const NODE_BACKBONES: readonly string[] = ["mobilenet-v2-1280"];
