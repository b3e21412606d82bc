import multer from 'multer';
import { ZodError } from 'zod';
import { AppError, PayloadTooLargeError, ValidationError } from '../errors/app-error';

/**
 * The one place that turns what the HTTP machinery and the client's bytes can throw into our
 * `AppError`s (answered as `{ error: { code, message } }` with a 4xx): zod validation,
 * body-parser (bad JSON, too large, bad or unsupported Content-Encoding, unsupported charset,
 * too many form parameters), the router's percent-decoding of path parameters, and multer /
 * busboy (multipart). Anything else is ours and stays a 500.
 */

/** At most this many validation details are listed in an answer; `detailCount` gives the total. */
export const MAX_ERROR_DETAILS = 20;
const MAX_DETAIL_PATH = 200;

/** Errors created with `http-errors` (body-parser, raw-body, the router) carry these. */
interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  code?: unknown;
}

/** body-parser's error `type`s a client can cause, with the answer each deserves. */
const BODY_PARSER_TYPES: Record<string, () => AppError> = {
  'entity.parse.failed': () => new ValidationError('The request body is not valid JSON'),
  'entity.too.large': () => new PayloadTooLargeError('The request body is too large'),
  'encoding.unsupported': () =>
    new AppError(415, 'UNSUPPORTED_ENCODING', 'Unsupported Content-Encoding (use gzip, deflate, br or none)'),
  'charset.unsupported': () => new AppError(415, 'UNSUPPORTED_CHARSET', 'Unsupported charset (use utf-8)'),
  'parameters.too.many': () => new AppError(400, 'TOO_MANY_PARAMETERS', 'The form has too many parameters'),
  'querystring.parse.rangeError': () => new ValidationError('The form is nested too deeply'),
  'request.aborted': () => new AppError(400, 'REQUEST_ABORTED', 'The request body ended early'),
  'request.size.invalid': () =>
    new AppError(400, 'BAD_CONTENT_LENGTH', 'The request body does not match its Content-Length'),
};

const GENERIC_CLIENT_CODES: Record<number, string> = {
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** A 4xx status on an `http-errors` error, or null (5xx from those libraries are ours). */
function clientStatus(err: HttpErrorLike): number | null {
  const status = typeof err.status === 'number' ? err.status : err.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

function fromHttpError(err: unknown): AppError | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as HttpErrorLike;
  const status = clientStatus(e);
  if (status === null) return null;
  const known = typeof e.type === 'string' ? BODY_PARSER_TYPES[e.type] : undefined;
  if (known) return known();
  // The router's decoding of `%zz` in a path parameter: a URIError marked 400.
  if (err instanceof URIError)
    return new AppError(400, 'BAD_PATH_ENCODING', 'The URL path is not valid percent-encoding');
  // zlib's errors while inflating the body (Z_DATA_ERROR, ERR__ERROR_FORMAT_PADDING…).
  if (typeof e.code === 'string' && /^(Z_|ERR_)/.test(e.code)) {
    return new AppError(400, 'BAD_CONTENT_ENCODING', 'The request body is not valid for its Content-Encoding');
  }
  return new AppError(status, GENERIC_CLIENT_CODES[status] ?? 'BAD_REQUEST', 'The request could not be read');
}

function fromMulter(err: unknown): AppError | null {
  if (!(err instanceof multer.MulterError)) return null;
  if (err.code === 'LIMIT_FILE_SIZE') return new PayloadTooLargeError('The file is too large');
  return new ValidationError(`Upload a single image in the multipart field "file" (${err.code})`);
}

function fromZod(err: ZodError): AppError {
  const first = err.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  return new ValidationError(
    `${where}${first?.message ?? 'invalid input'}`.slice(0, 500),
    err.issues.map((i) => ({ path: i.path.join('.').slice(0, MAX_DETAIL_PATH), message: i.message })),
  );
}

/** The AppError an error stands for, or null when it is ours (answered 500). */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return fromZod(err);
  return fromMulter(err) ?? fromHttpError(err);
}

/**
 * For errors raised while a multipart parser reads the client's body: everything it throws
 * (busboy's "Unexpected end of form", "Malformed part header", "Boundary not found"…, which
 * carry no status) is the client's malformed input.
 */
export function multipartError(err: unknown): AppError {
  return (
    toAppError(err) ??
    new AppError(
      400,
      'MALFORMED_MULTIPART',
      `The multipart body is malformed${err instanceof Error ? `: ${err.message.slice(0, 100)}` : ''}`,
    )
  );
}

/** The answer body of an AppError; long detail lists are cut to MAX_ERROR_DETAILS plus their count. */
export function errorBody(err: AppError): { code: string; message: string; details?: unknown; detailCount?: number } {
  const body: { code: string; message: string; details?: unknown; detailCount?: number } = {
    code: err.code,
    message: err.message,
  };
  if (Array.isArray(err.details)) {
    body.details = err.details.slice(0, MAX_ERROR_DETAILS);
    body.detailCount = err.details.length;
  } else if (err.details !== undefined) {
    body.details = err.details;
  }
  return body;
}
