import { API_ERROR_STATUS } from "./errors";
import { MAX_IMAGE_PIXELS } from "./images";
import { DEFAULT_TOP_K, MAX_BATCH, MAX_BODY_BYTES, MAX_TEXT_CHARS, MAX_TOP_K, rateLimitConfig } from "./predict";

const errorCodes = Object.keys(API_ERROR_STATUS);

const rateHeaders = {
  "X-RateLimit-Limit": { description: "Requests allowed per window for this API key.", schema: { type: "integer" } },
  "X-RateLimit-Remaining": { description: "Requests left in the current window.", schema: { type: "integer" } },
  "X-RateLimit-Reset": { description: "When the window resets, in Unix seconds.", schema: { type: "integer" } },
};

const errorResponse = (description: string, codes: string[], withRateHeaders = true) => ({
  description: `${description} Codes: ${codes.join(", ")}.`,
  ...(withRateHeaders ? { headers: rateHeaders } : {}),
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/**
 * The OpenAPI 3.1 description of the public REST API, served at /api/v1/openapi.json. `origin`:
 * the configured public origin (STUDIO_PUBLIC_URL); without one the server is relative to the
 * document's own URL, which every OpenAPI client resolves against where it fetched it.
 */
export function openApiDocument(origin: string | null) {
  const { limit, windowSeconds } = rateLimitConfig();
  return {
    openapi: "3.1.0",
    info: {
      title: "AI Mass Studio prediction API",
      version: "1.0.0",
      description:
        `Runs a project's active model version on the server. Create an API key in the project's API tab and send it as ` +
        `"Authorization: Bearer <key>". Each key may make ${limit} requests per ${windowSeconds} seconds; every answer carries ` +
        `X-RateLimit-* headers, and 429 answers a Retry-After header. Keep keys on your server: anyone with a key can call the model.`,
    },
    servers: [{ url: `${origin ?? ""}/api/v1` }],
    security: [{ bearerAuth: [] }],
    paths: {
      "/models/{slug}/predict": {
        post: {
          operationId: "predict",
          summary: "Predict with the model's active version",
          description:
            `Text models take a string, tabular models an object of column values, image models a PNG or JPEG image in base64 ` +
            `(a data URL or plain base64; up to ${MAX_IMAGE_PIXELS / 1e6} megapixels, e.g. any phone photo; JPEG EXIF orientation is applied; WebP is refused with 400; the centre square is used, as in training; ` +
              `pictures and voice clips are decoded and scored on the server's inference threads). ` +
            `Send one input as "input" or up to ${MAX_BATCH} as "inputs".`,
          parameters: [
            { name: "slug", in: "path", required: true, description: "The model's id, shown in the project's API tab.", schema: { type: "string" } },
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: { $ref: "#/components/schemas/PredictRequest" },
                examples: {
                  text: { value: { input: "What time do you open?" } },
                  textWithEntities: { summary: "Intent chatbot with reply templates", value: { input: "A table for Anna at 7 pm, please" } },
                  batch: { value: { inputs: ["I lost my card", "What is my balance?"], topK: 3 } },
                  tabular: { value: { input: { age: 42, city: "Paris", member: true } } },
                  image: { value: { input: "data:image/png;base64,iVBORw0KGgo…" } },
                },
              },
            },
          },
          responses: {
            "200": {
              description: 'The prediction ("input") or the list of predictions ("inputs").',
              headers: rateHeaders,
              content: {
                "application/json": {
                  schema: { oneOf: [{ $ref: "#/components/schemas/PredictResponse" }, { $ref: "#/components/schemas/BatchPredictResponse" }] },
                },
              },
            },
            "400": errorResponse("Malformed body, or a single input (\"input\") the model cannot take. In a batch (\"inputs\") such an input gets its own error in predictions instead.", ["invalid_json", "invalid_input"]),
            "401": errorResponse("Missing, unknown or revoked API key.", ["missing_api_key", "invalid_api_key", "revoked_api_key"], false),
            "403": errorResponse("The key belongs to another model.", ["key_not_for_model"], false),
            "404": errorResponse("No model has this slug.", ["model_not_found"], false),
            "409": errorResponse("The project has no trained model yet.", ["no_trained_model"]),
            "413": errorResponse(`More than ${MAX_BATCH} inputs, or a body over ${MAX_BODY_BYTES / 2 ** 20} MB.`, ["batch_too_large", "payload_too_large"]),
            "422": errorResponse("The model takes input this API cannot run yet (e.g. audio).", ["unsupported_model"]),
            "429": {
              ...errorResponse("Too many requests for this key in the current window.", ["rate_limited"]),
              headers: { ...rateHeaders, "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer" } } },
            },
            "500": errorResponse("Unexpected failure on the server.", ["internal"], false),
            "503": {
              ...errorResponse("The server is busy (many pictures or large bodies at once): try again after Retry-After seconds.", ["server_busy"]),
              headers: { ...rateHeaders, "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer" } } },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API key of the project, starting with ams_." },
      },
      schemas: {
        Input: {
          description:
            "A text (text, FAQ and entity models), an object of column values (tabular models), a PNG or JPEG picture in base64 (image and tagging models; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels), a WAV clip in base64 (voice models), or a recommendation query: {user} for a known user, {ratings: [{item, rating?}]} for a new one, {} for popular items.",
          oneOf: [
            { type: "string", description: `A text of at most ${MAX_TEXT_CHARS} characters, a PNG or JPEG as "data:image/png;base64,…" or plain base64, or a WAV clip in base64.` },
            { type: "object", additionalProperties: { type: ["string", "number", "boolean", "null"] } },
            {
              type: "object",
              properties: {
                user: { type: "string" },
                ratings: { type: "array", maxItems: 200, items: { type: "object", required: ["item"], properties: { item: { type: "string" }, rating: { type: "number" } } } },
              },
            },
          ],
        },
        PredictRequest: {
          type: "object",
          additionalProperties: false,
          properties: {
            input: { $ref: "#/components/schemas/Input" },
            inputs: { type: "array", minItems: 1, maxItems: MAX_BATCH, items: { $ref: "#/components/schemas/Input" } },
            topK: { type: "integer", minimum: 1, maximum: MAX_TOP_K, default: DEFAULT_TOP_K, description: "How many best classes to return." },
          },
          oneOf: [{ required: ["input"] }, { required: ["inputs"] }],
        },
        Entity: {
          description: "An entity in the input text: UTF-16 offsets, end exclusive.",
          type: "object",
          required: ["type", "text", "start", "end", "confidence"],
          properties: { type: { type: "string" }, text: { type: "string" }, start: { type: "integer" }, end: { type: "integer" }, confidence: { type: "number" } },
        },
        LabelScore: {
          type: "object",
          required: ["label", "confidence"],
          properties: { label: { type: "string" }, confidence: { type: "number", minimum: 0, maximum: 1 } },
        },
        Prediction: {
          description: "A class (classification), a value (regression), an answer (FAQ), entities, recommended items or tags, by model kind.",
          oneOf: [
            {
              description:
                "A class. An intent chatbot whose reply templates use an entity model (linked in the Playground's bot settings) also answers a text with entities and reply.",
              type: "object",
              required: ["label", "confidence", "topK", "latencyMs"],
              properties: {
                label: { type: "string" },
                confidence: { type: "number", minimum: 0, maximum: 1 },
                topK: { type: "array", items: { $ref: "#/components/schemas/LabelScore" } },
                latencyMs: { type: "number", description: "Model time for this input (a batch's time divided by its size; with the entity model's time when it runs)." },
                entities: {
                  description: "Intent chatbot with a linked entity model only: the entities that model found in the text.",
                  type: "array",
                  items: { $ref: "#/components/schemas/Entity" },
                },
                reply: {
                  description:
                    "Intent chatbot with a linked entity model only: the reply set for label, with each {TYPE} placeholder replaced by the first entity of that type ({TYPE:2}: the second; case-insensitive), " +
                    "by the owner's fallback text when the text has none (or left out, spaces tidied), and unknown placeholders kept as typed. Plain text, not HTML. " +
                    "null when the intent has no reply. The Playground's confidence threshold is not applied: compare confidence yourself.",
                  type: ["string", "null"],
                },
              },
            },
            {
              type: "object",
              required: ["value", "latencyMs"],
              properties: { value: { type: "number" }, latencyMs: { type: "number" } },
            },
            {
              description: "FAQ: the best answer and up to topK related questions.",
              type: "object",
              required: ["answerId", "question", "answer", "confidence", "related", "latencyMs"],
              properties: {
                answerId: { type: "string" },
                question: { type: "string" },
                answer: { type: "string" },
                confidence: { type: "number", minimum: 0, maximum: 1 },
                related: { type: "array", items: { type: "object", properties: { answerId: { type: "string" }, question: { type: "string" }, confidence: { type: "number" } } } },
                latencyMs: { type: "number" },
              },
            },
            {
              description: "Entities: spans with UTF-16 offsets into the input (end exclusive), and the same texts grouped by type.",
              type: "object",
              required: ["entities", "slots", "latencyMs"],
              properties: {
                entities: { type: "array", items: { $ref: "#/components/schemas/Entity" } },
                slots: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
                latencyMs: { type: "number" },
              },
            },
            {
              description: "Recommendation: the topK best items; source is user, new-user or popular (cold start).",
              type: "object",
              required: ["items", "source", "latencyMs"],
              properties: {
                items: { type: "array", items: { type: "object", properties: { item: { type: "string" }, score: { type: "number" } } } },
                source: { type: "string", enum: ["user", "new-user", "popular"] },
                latencyMs: { type: "number" },
              },
            },
            {
              description: "Multi-label tagging: the tags at or above their tuned thresholds, and every tag's score.",
              type: "object",
              required: ["tags", "scores", "latencyMs"],
              properties: {
                tags: { type: "array", items: { type: "object", properties: { label: { type: "string" }, confidence: { type: "number" }, threshold: { type: "number" } } } },
                scores: { type: "array", items: { $ref: "#/components/schemas/LabelScore" } },
                latencyMs: { type: "number" },
              },
            },
          ],
        },
        PredictResponse: {
          allOf: [
            { $ref: "#/components/schemas/Prediction" },
            { type: "object", required: ["modelVersion"], properties: { modelVersion: { type: "integer", description: "Number of the model version that answered." } } },
          ],
        },
        BatchPredictResponse: {
          type: "object",
          required: ["modelVersion", "predictions", "latencyMs"],
          properties: {
            modelVersion: { type: "integer" },
            predictions: {
              type: "array",
              description: "One entry per input, in order: its prediction, or an error for an input that could not be answered (the others are answered anyway).",
              items: { oneOf: [{ $ref: "#/components/schemas/Prediction" }, { $ref: "#/components/schemas/ItemError" }] },
            },
            latencyMs: { type: "number", description: "Model time for the whole batch." },
          },
        },
        ItemError: {
          description: "An input of a batch that could not be answered (e.g. an unreadable picture, text of the wrong type, an unknown user).",
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "string", enum: ["invalid_input"] }, message: { type: "string", description: "Names the input, e.g. inputs[3]." } },
            },
          },
        },
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "string", enum: errorCodes }, message: { type: "string" } },
            },
          },
        },
      },
    },
  };
}
