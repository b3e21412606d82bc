import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router } from 'express';
import request from 'supertest';
import { defineRoute } from '../route';

/**
 * defineRoute writes a handler's JSON answer itself in the usual case (route.ts, answerJson);
 * it must be byte for byte what Express's `res.status(status).json(result)` answers, and leave
 * HEAD and conditional requests to Express.
 */
describe('defineRoute JSON answers', () => {
  // A short body and one over 1,000 characters (Express copies those into a Buffer), non-ASCII included.
  const results: Record<string, unknown> = {
    short: { id: 'a', name: '商品图', n: 1, none: null },
    long: { items: Array.from({ length: 40 }, (_, i) => ({ i, url: `https://x.test/${'é'.repeat(20)}/${i}` })) },
  };
  const app = (mode: 'defineRoute' | 'express') => {
    const router = Router();
    for (const [name, result] of Object.entries(results)) {
      for (const status of [200, 201]) {
        const path = `/${name}/${status}`;
        if (mode === 'express') router.get(path, (_req, res) => void res.status(status).json(result));
        else
          defineRoute(router, new OpenAPIRegistry(), {
            method: 'get',
            path,
            summary: path,
            tags: [],
            status,
            handler: () => Promise.resolve(result),
          });
      }
    }
    const a = express();
    a.set('etag', false);
    // Counts the answers that went through Express's res.json.
    a.use((_req, res, next) => {
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        viaExpress++;
        return json(body);
      };
      next();
    });
    a.use(router);
    return a;
  };
  let viaExpress = 0;
  const ours = app('defineRoute');
  const theirs = app('express');
  const varying = new Set(['date', 'connection', 'keep-alive']);
  const answer = async (
    target: express.Express,
    method: 'get' | 'head',
    path: string,
    headers: Record<string, string>,
  ) => {
    const res = await request(target)[method](path).set(headers);
    return {
      status: res.status,
      headers: Object.fromEntries(Object.entries(res.headers).filter(([k]) => !varying.has(k))),
      body: res.text,
    };
  };

  const cases: Array<[string, 'get' | 'head', Record<string, string>]> = [];
  for (const name of Object.keys(results))
    for (const status of [200, 201]) {
      cases.push([`/${name}/${status}`, 'get', {}]);
      cases.push([`/${name}/${status}`, 'head', {}]);
      cases.push([`/${name}/${status}`, 'get', { 'If-None-Match': '*' }]);
      cases.push([`/${name}/${status}`, 'get', { 'If-Modified-Since': new Date(Date.now() + 60_000).toUTCString() }]);
    }

  it.each(cases)('%s %s %j answers as res.json does', async (path, method, headers) => {
    const expected = await answer(theirs, method, path, headers);
    viaExpress = 0;
    expect(await answer(ours, method, path, headers)).toEqual(expected);
    // Only the plain GET is written directly; HEAD and conditional requests are Express's.
    expect(viaExpress).toBe(method === 'get' && !Object.keys(headers).length ? 0 : 1);
    if (method === 'get' && !Object.keys(headers).length) {
      expect(expected.status).toBe(Number(path.split('/')[2]));
      expect(JSON.parse(expected.body)).toEqual(results[path.split('/')[1]]);
    }
  });
});
