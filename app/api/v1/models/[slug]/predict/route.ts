import { authorize, checkRateLimit, readPredictBody, recordPredictions, reserveBody, runActiveModel } from "@/lib/server/api-v1/predict";
import { ApiError } from "@/lib/server/api-v1/errors";
import { apiErrorResponse, apiJson, apiRoute, preflight } from "@/lib/server/api-v1/http";

/** Public REST API: runs the project's active model version in Node. Documented in /api/v1/openapi.json. */
export const POST = apiRoute(async (req, params) => {
  const auth = await authorize(req.headers.get("authorization"), params.slug ?? "");
  const limitHeaders = await checkRateLimit(auth.keyId);
  let reservation: ReturnType<typeof reserveBody> | null = null;
  try {
    reservation = reserveBody(req);
    const { inputs, batch, topK } = await readPredictBody(req, reservation);
    const outcome = await runActiveModel(auth, inputs, batch, topK);
    recordPredictions(auth, outcome);
    const body = batch
      ? { modelVersion: outcome.modelVersion, predictions: outcome.items, latencyMs: outcome.latencyMs }
      : { modelVersion: outcome.modelVersion, ...outcome.items[0] };
    return apiJson(body, 200, limitHeaders);
  } catch (e) {
    // Every answer after the key was counted carries the rate-limit headers, errors included.
    if (e instanceof ApiError) return apiErrorResponse(e, limitHeaders);
    throw e;
  } finally {
    reservation?.release();
  }
});

export const OPTIONS = () => preflight("POST");
