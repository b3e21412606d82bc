import nock from 'nock';

/**
 * What a test may reach for real: this machine only (our servers, the sandbox, n8n, MariaDB,
 * Redis). nock matches it against `host:port`.
 */
export const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/**
 * Any other HTTP request (http, https, fetch) fails with nock's NetConnectNotAllowedError unless
 * the test nocked it, so no unit test can reach the internet by accident. Every unit test file
 * starts so (jest/after-env.js); a test that lifts it for one host calls this again afterwards.
 */
export function allowLoopbackOnly(): void {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect(LOOPBACK);
}
