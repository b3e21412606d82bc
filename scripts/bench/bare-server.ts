/**
 * The bench's bare `node:http` server, run as its own process. It is three ceilings in one:
 *   - any GET answers a small constant JSON: what Node itself can serve (the reads' ceiling);
 *   - POST /hit counts a request (GET /hits reads the count): the receiver of n8n's trivial workflow;
 *   - any other POST answers 202 at once: a stand-in n8n that accepts every dispatch, so the
 *     backend's API can be measured without workflows running beside it.
 */
import { createServer } from 'node:http';
import { LISTEN_BACKLOG } from '../../backend/src/http/listen-backlog';

const port = Number(process.env.PORT);
const constant = JSON.stringify({ ok: true });
let hits = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    const body = req.url === '/hits' ? JSON.stringify({ hits }) : constant;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    return void res.end(body);
  }
  // Drain the body before answering, as a real server would.
  req.resume();
  req.on('end', () => {
    if (req.url === '/hit') hits += 1;
    res.writeHead(req.url === '/hit' ? 200 : 202, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  });
});
// The backend's listen backlog, so a storm of connections meets the same kernel queue on both sides.
server.listen(port, '127.0.0.1', LISTEN_BACKLOG);
process.once('SIGTERM', () => process.exit(0));
// Started with an IPC channel (scripts/child-service.ts): exit when the bench is gone.
process.once('disconnect', () => process.exit(0));
