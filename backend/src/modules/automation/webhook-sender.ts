import http from 'node:http';
import https from 'node:https';
import { signLegacyMessage } from '../n8n/signed-message';
import { standardWebhookHeaders } from './standard-webhooks';
import { guardedLookup, ipLiteralOf, isInternalAddress } from '../../infra/public-url-guard';

export interface WebhookAttempt {
  ok: boolean;
  /** The receiver's HTTP status; null when no answer came (refused, timeout, network). */
  statusCode: number | null;
  error: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

const USER_AGENT = 'AiPhoto-Webhooks/1';

/**
 * POSTs one event signed with the endpoint's secret per Standard Webhooks (`webhook-*` headers,
 * standard-webhooks.ts), plus the deprecated `X-AiPhoto-*` headers of the scheme used before
 * (docs/architecture.md §6 with the endpoint secret), kept for one release. Redirects are not followed (a 3xx is a failure) so a receiver cannot bounce us to
 * an internal address; the connection itself goes through the SSRF guard. Never throws.
 */
export function sendWebhook(
  rawUrl: string,
  secret: string,
  body: string,
  meta: { eventId: string; eventType: string; deliveryId: string },
  options: SendOptions,
): Promise<WebhookAttempt> {
  const url = new URL(rawUrl);
  const literal = ipLiteralOf(url);
  if (!options.allowPrivate && literal && isInternalAddress(literal)) {
    return Promise.resolve({ ok: false, statusCode: null, error: `refused: ${literal} is an internal address` });
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (attempt: WebhookAttempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(attempt);
    };
    const req = transport.request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: options.allowPrivate ? undefined : guardedLookup,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': USER_AGENT,
          ...standardWebhookHeaders(secret, meta.eventId, body),
          // Deprecated: the headers of the scheme used before Standard Webhooks, for one release.
          'X-AiPhoto-Event': meta.eventType,
          'X-AiPhoto-Delivery': meta.deliveryId,
          ...signLegacyMessage(secret, body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          // Keep the start of the answer for the delivery log; the rest is drained and dropped.
          if (size < 300) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          const text = Buffer.concat(chunks).toString('utf8').slice(0, 300);
          finish({
            ok,
            statusCode: status,
            error: ok ? null : `receiver answered ${status}${text ? `: ${text}` : ''}`,
          });
        });
        res.on('error', (err) => finish({ ok: false, statusCode: res.statusCode ?? null, error: err.message }));
      },
    );
    // One deadline for the whole exchange (connect, send, answer), not per socket read.
    const timer = setTimeout(() => {
      finish({ ok: false, statusCode: null, error: `no answer within ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (err) => finish({ ok: false, statusCode: null, error: err.message }));
    req.end(body);
  });
}
