import type { ErrorRequestHandler, RequestHandler } from 'express';
import { NotFoundError } from '../errors/app-error';
import { errorBody, toAppError } from './error-translation';

/** Unknown routes answer 404 in the common error shape. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No route for ${req.method} ${req.path.slice(0, 200)}`, 'ROUTE_NOT_FOUND'));
};

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
  res.status(known.status).json({ error: errorBody(known) });
};
