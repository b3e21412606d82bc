/**
 * One base error carrying an HTTP status and a stable code; the error middleware turns it
 * into `{ error: { code, message } }`. Anything that is not an AppError answers 500 with a
 * generic message, so internals never leak.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message = 'The request is not valid', details?: unknown) {
    super(400, 'VALIDATION_FAILED', message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required', code = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}

/**
 * A refusal to charge: expected, answered often (1,000 creates on an account holding 100 credits
 * make 900), never logged (only 5xx are), so no stack trace is captured for it.
 */
export class PaymentRequiredError extends AppError {
  constructor(code: 'QUOTA_EXHAUSTED' | 'MEMBERSHIP_REQUIRED', message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(402, code, message);
    Error.stackTraceLimit = limit;
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed for this role') {
    super(403, 'FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found', code = 'NOT_FOUND') {
    super(404, code, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'CONFLICT') {
    super(409, code, message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'The upload is too large') {
    super(413, 'PAYLOAD_TOO_LARGE', message);
  }
}

export class UnsupportedMediaError extends AppError {
  constructor(message = 'Only JPEG, PNG and WebP images are accepted') {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many requests; try again later', code = 'RATE_LIMITED') {
    super(429, code, message, undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string, code = 'SERVICE_UNAVAILABLE') {
    super(503, code, message);
  }
}
