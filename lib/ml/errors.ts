/** Errors of lib/ml that callers branch on by code (the worker maps them to protocol error codes). */

export type PredictorErrorCode = "bad-input" | "needs-backbone" | "backbone-mismatch" | "disposed" | "unknown-user" | "unknown-item";

export class PredictorError extends Error {
  constructor(
    readonly code: PredictorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "PredictorError";
  }
}

export type TrainingDataErrorCode = "too-few-entries" | "empty-text" | "no-paraphrases" | "no-entities" | "no-ratings" | "too-few-tags" | "bad-shape";

/** The training data cannot train this model; the message says what to add or fix. */
export class TrainingDataError extends Error {
  constructor(
    readonly code: TrainingDataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "TrainingDataError";
  }
}
