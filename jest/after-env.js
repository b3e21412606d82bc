/* global afterAll, expect */
// Runs before each test file, in that file's module registry.
//
// Unit tests (`*.test.ts`) may reach this machine only: nock refuses any other HTTP request
// (jest/network.ts). Integration and e2e files are left alone: they talk to real servers on
// loopback and need node's own network stack — nock 15 intercepts at the socket level, parses
// every connection as HTTP and would break the raw-socket and WebSocket tests.
const testPath = expect.getState().testPath ?? '';
if (!/\.(integration|e2e)\.test\.tsx?$/.test(testPath)) {
  const loaded = require('nock');
  const nock = loaded.default ?? loaded; // compiled from ESM: the API sits on default
  require('./network').allowLoopbackOnly();

  // nock patches node's http module, which Jest shares between the test files of one worker
  // while giving each file fresh modules. Undo the patch after every file so the next file (of
  // any project) starts clean instead of stacking on a stale interceptor.
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
}
