import type { RequestHandler } from 'express';
import multer from 'multer';
import { AppError, PayloadTooLargeError } from '../errors/app-error';
import type { ConcurrencyGate } from '../infra/concurrency-gate';
import { multipartError } from './error-translation';

/**
 * Parses one multipart file field into memory, capped at `maxBytes` (413 above it). Whatever
 * the parser throws is the client's malformed body (400, see multipartError), and an empty
 * file is refused here (400 EMPTY_FILE) before any image library sees it.
 *
 * The body is read only once a slot of `slots` is free, and the slot is held until the response
 * is closed (sent, or the client gone), because the file's bytes live that long; a request that
 * finds the slots and their queue full answers 503 with Retry-After before a byte is read.
 */
export function singleFile(field: string, maxBytes: number, slots: ConcurrencyGate): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    // Browsers send file names as raw UTF-8 (白T恤.jpg); busboy would read them as Latin-1.
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 20 },
  }).single(field);
  return (req, res, next) => {
    let closed = false;
    let held = false;
    res.once('close', () => {
      closed = true;
      if (held) {
        held = false;
        slots.release();
      }
    });
    slots.acquire().then(
      () => {
        // The client left while this request waited: give the slot back at once.
        if (closed) return slots.release();
        held = true;
        parse(req, res, (err: unknown) => {
          if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') {
            return next(new PayloadTooLargeError(`The file is larger than ${maxBytes} bytes`));
          }
          if (err) return next(multipartError(err));
          if (req.file && req.file.size === 0)
            return next(new AppError(400, 'EMPTY_FILE', 'The uploaded file is empty'));
          next();
        });
      },
      (err: unknown) => next(err),
    );
  };
}
