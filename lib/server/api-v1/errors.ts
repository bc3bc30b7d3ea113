/**
 * Errors of the public REST API (/api/v1). Unlike the studio routes, which answer in the user's
 * language, these are for programs: a stable `code` and a plain English `message`.
 */
export const API_ERROR_STATUS = {
  missing_api_key: 401,
  invalid_api_key: 401,
  revoked_api_key: 401,
  key_not_for_model: 403,
  model_not_found: 404,
  no_trained_model: 409,
  invalid_json: 400,
  invalid_input: 400,
  batch_too_large: 413,
  payload_too_large: 413,
  unsupported_model: 422,
  rate_limited: 429,
  internal: 500,
  server_busy: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly headers: Record<string, string>;

  constructor(code: ApiErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.headers = headers;
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }
}
