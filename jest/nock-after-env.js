/* global afterAll */
// nock patches node's http module, which Jest shares between the test files of one worker
// while giving each file fresh modules. Undo the patch after every file so the next file (of any
// project) starts clean instead of stacking on a stale interceptor.
afterAll(() => {
  const loaded = require('nock');
  const nock = loaded.default ?? loaded; // compiled from ESM: the API sits on default
  nock.cleanAll();
  nock.restore();
});
