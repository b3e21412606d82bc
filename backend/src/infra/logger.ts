import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; secrets that may appear in requests are redacted. */
export function createLogger(level: string, name = 'aiphoto-backend'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-aiphoto-signature"]',
        '*.password',
        '*.code',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  });
}
