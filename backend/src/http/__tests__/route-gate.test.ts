import express, { Router } from 'express';
import request from 'supertest';
import { gateByPrefix, routerPrefixes } from '../route-gate';

function routerWith(build: (r: Router) => void): Router {
  const r = Router();
  build(r);
  return r;
}

describe('routerPrefixes', () => {
  it('reads the static part of every route, nested routers and mounted middleware included', () => {
    const inner = routerWith((r) => {
      r.get('/api/v1/batches/:id/download', (_q, s) => s.end());
    });
    const r = routerWith((r) => {
      r.use('/api/v1/tasks', (_q, _s, n) => n());
      r.get('/api/v1/tasks/:id', (_q, s) => s.end());
      r.post('/api/v1/Uploads', (_q, s) => s.end());
      r.use(inner);
    });
    expect(routerPrefixes(r)?.sort()).toEqual(['/api/v1/batches/', '/api/v1/tasks', '/api/v1/uploads']);
  });

  it('keeps the shortest covering prefix', () => {
    const r = routerWith((r) => {
      r.use('/api/v1', (_q, _s, n) => n());
      r.get('/api/v1/me', (_q, s) => s.end());
    });
    expect(routerPrefixes(r)).toEqual(['/api/v1']);
  });

  it('gives up on a router that could answer any path', () => {
    expect(routerPrefixes(routerWith((r) => r.use((_q, _s, n) => n())))).toBeUndefined();
    expect(routerPrefixes(routerWith((r) => r.get(/^\/x/, (_q, s) => s.end())))).toBeUndefined();
    expect(routerPrefixes(routerWith((r) => r.get('/:anything', (_q, s) => s.end())))).toBeUndefined();
  });
});

describe('gateByPrefix', () => {
  it('enters a router only for its prefixes, case-insensitively like Express, and answers the same', async () => {
    let entered = 0;
    const tasks = routerWith((r) => {
      r.use((_q, _s, n) => {
        entered++;
        n();
      });
    });
    // A root middleware makes the router ungateable: it must still see every request.
    const app = express();
    app.use(gateByPrefix(tasks));
    const gated = routerWith((r) => {
      r.get('/api/v1/tasks/:id', (q, s) => {
        s.json({ id: q.params.id });
      });
    });
    let gatedEntered = 0;
    const counting = Router();
    counting.get('/api/v1/tasks/:id', (q, s) => {
      gatedEntered++;
      s.json({ id: q.params.id });
    });
    app.use(gateByPrefix(counting));
    app.use(gateByPrefix(gated));
    app.use((_q, s) => {
      s.status(404).json({ error: 'none' });
    });

    await request(app).get('/api/v1/tasks/abc').expect(200, { id: 'abc' });
    await request(app).get('/API/V1/TASKS/abc').expect(200, { id: 'abc' });
    await request(app).get('/api/v1/me').expect(404);
    expect(gatedEntered).toBe(2);
    expect(entered).toBe(3);
  });
});
