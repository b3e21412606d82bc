import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, NotFoundError, PayloadTooLargeError, ValidationError } from '../errors/app-error';

/** Unknown routes answer 404 in the common error shape. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No route for ${req.method} ${req.path}`, 'ROUTE_NOT_FOUND'));
};

/** Errors thrown by body-parser carry a `type`; map the ones a client can cause. */
function fromBodyParser(err: unknown): AppError | null {
  if (typeof err !== 'object' || err === null || !('type' in err)) return null;
  switch ((err as { type: unknown }).type) {
    case 'entity.parse.failed':
      return new ValidationError('The request body is not valid JSON');
    case 'entity.too.large':
      return new PayloadTooLargeError('The request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ValidationError('Unsupported body encoding');
    default:
      return null;
  }
}

export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const first = err.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    return new ValidationError(
      `${where}${first?.message ?? 'invalid input'}`,
      err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return fromBodyParser(err);
}

/** The one error middleware: `{ error: { code, message } }`, never a stack trace. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = toAppError(err);
  if (!known) {
    req.log?.error({ err }, 'unhandled error');
    res.status(500).json({ error: { code: 'INTERNAL', message: 'Something went wrong on our side' } });
    return;
  }
  if (known.status >= 500) req.log?.error({ err }, known.message);
  if (known.headers) res.set(known.headers);
  const body: { code: string; message: string; details?: unknown } = { code: known.code, message: known.message };
  if (known.details !== undefined) body.details = known.details;
  res.status(known.status).json({ error: body });
};
