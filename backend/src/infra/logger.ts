import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs; credentials that may appear in requests and answers are redacted:
 * bearer tokens and API keys (`Authorization`, `X-API-Key`), cookies both ways, signatures.
 */
export function createLogger(level: string, name = 'aiphoto-backend', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'req.headers["x-aiphoto-signature"]',
        '*.password',
        '*.code',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
