/**
 * One error type for everything the server refuses on purpose. `code` maps to an HTTP status in
 * one place; `messageKey` is an i18n key (lib/i18n/messages/*.json) so the user reads it in their
 * language; `params` fill its placeholders.
 */
export const ERROR_STATUS = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  bad_request: 400,
  validation: 422,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  /** Busy (a full work queue): try again after the Retry-After header's seconds. */
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly messageKey: string;
  readonly params: Record<string, string | number>;
  /** Field-level problems, e.g. { email: "errors.emailInvalid" }. */
  readonly fields: Record<string, string>;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    messageKey: string,
    opts: { params?: Record<string, string | number>; fields?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(messageKey);
    this.name = "AppError";
    this.code = code;
    this.messageKey = messageKey;
    this.params = opts.params ?? {};
    this.fields = opts.fields ?? {};
    this.headers = opts.headers ?? {};
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = () => new AppError("not_found", "errors.notFound");
export const unauthenticated = () => new AppError("unauthenticated", "errors.signInRequired");
