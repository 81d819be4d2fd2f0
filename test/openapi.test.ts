// sturdy/openapi at run time, against a real node:http server on 127.0.0.1: what the server received for
// every parameter style and body, how each status settles into the result, and that the client's policies
// (retries with one Idempotency-Key, credential scoping, redaction, events) apply unchanged.
import * as v from 'valibot';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  bearer,
  createClient,
  isHTTPError,
  isNetworkError,
  isParseError,
  isTimeoutError,
  isValidationError,
  type SturdyClient,
  type SturdyEvent,
} from '../src/index.ts';
import { openapi } from '../src/openapi/index.ts';
import { modes, startServer, type TestServer } from './helpers/server.ts';
import type { paths as PetstoreExpanded } from './openapi/generated/petstore-expanded-3.0.d.ts';
import type { paths } from './openapi/generated/shop.d.ts';

let server: TestServer;
let other: TestServer;
let api: SturdyClient;
let shop: ReturnType<typeof openapi<paths>>;
beforeAll(async () => {
  server = await startServer();
  other = await startServer();
  api = createClient({ baseUrl: `${server.url}/api/`, retry: false });
  shop = openapi<paths>(api);
});
beforeEach(() => {
  server.requests.length = 0;
  other.requests.length = 0;
});
afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
});

const item = { id: 7, name: 'Lamp', price: 12.5 };
const urls = () => server.requests.map((request) => request.url);
const header = { 'X-Request-Id': 'req-1' };
/** The failure member of a result (the test fails if the call succeeded). */
const failed = <R extends { ok: boolean }>(res: R): Extract<R, { ok: false }> => {
  if (res.ok) throw new Error(`expected a failure; got ${JSON.stringify(res)}`);
  return res as Extract<R, { ok: false }>;
};

describe('paths', () => {
  test('are appended to the baseUrl as OpenAPI servers are, with or without its trailing slash', async () => {
    server.route('/api/items/7', modes.json(200, item));
    for (const baseUrl of [`${server.url}/api/`, `${server.url}/api`, `${server.url}/api//`]) {
      const res = await openapi<paths>(createClient({ baseUrl, retry: false })).GET('/items/{id}', {
        params: { path: { id: 7 }, header },
      });
      expect(res).toMatchObject({ ok: true, status: 200, data: item });
    }
    expect(urls()).toEqual(['/api/items/7', '/api/items/7', '/api/items/7']);
  });

  test('a per-call baseUrl is joined the same way', async () => {
    server.route('/v2/items/7', modes.json(200, item));
    const res = await shop.GET('/items/{id}', { params: { path: { id: 7 }, header }, baseUrl: `${server.url}/v2` });
    expect(res.ok).toBe(true);
    expect(urls()).toEqual(['/v2/items/7']);
  });

  test('each parameter is one percent-encoded segment: ../, ? and # cannot escape it', async () => {
    const encoded = '/api/files/..%2F..%2Fadmin%3Fx%3D1%23f.csv';
    server.route(encoded, modes.json(200, { name: 'x' }));
    const res = await shop.GET('/files/{name}.{ext}', {
      params: { path: { name: '../../admin?x=1#f', ext: 'csv' } },
    });
    expect(res).toMatchObject({ ok: true, data: { name: 'x' } });
    expect(urls()).toEqual([encoded]);
  });

  test('an array takes the simple style, each item encoded alone; an object is refused', async () => {
    server.route('/api/items/1,2%2C3', modes.json(200, item));
    // @ts-expect-error the document's id is an integer; OpenAPI's simple style still has a form for arrays
    await shop.DELETE('/items/{id}', { params: { path: { id: [1, '2,3'] } } });
    expect(urls()).toEqual(['/api/items/1,2%2C3']);
    // @ts-expect-error an object, as untyped callers may pass it
    const res = failed(await shop.DELETE('/items/{id}', { params: { path: { id: { a: 1 } } } }));
    expect(res.error).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('string or number') });
    expect(urls()).toHaveLength(1);
  });

  test('a missing, empty or dot parameter is a ValidationError result, and nothing is sent', async () => {
    for (const id of [undefined, '', '.', '..', Number.NaN, []]) {
      // @ts-expect-error values the document refuses, as untyped callers may pass them
      const res = failed(await shop.DELETE('/items/{id}', { params: { path: { id } } }));
      expect(res.status).toBeUndefined();
      if (!isValidationError(res.error)) throw res.error;
      expect(res.error.issues[0]!.path).toBe('$.path.id');
    }
    const missing = failed(await shop.DELETE('/items/{id}', {} as never));
    expect(missing.error).toMatchObject({ message: expect.stringContaining('/items/{id} needs params.path.id') });
    expect(server.requests).toEqual([]);
  });

  test('a path that is not a template from the document is refused before sending', async () => {
    for (const path of ['items', 'https://evil.example/x', '/items?admin=1']) {
      const res = await shop.GET(path as '/items', { params: { query: { page: 1 } } });
      expect(res).toMatchObject({ ok: false, status: undefined, error: expect.any(TypeError) });
    }
    expect(server.requests).toEqual([]);
  });
});

describe('query parameters', () => {
  beforeAll(() => server.route('/api/items', modes.json(200, [item])));
  const query = async (init: Parameters<typeof shop.GET<'/items'>>[1]) => {
    server.requests.length = 0;
    const res = await shop.GET('/items', init);
    expect(res.ok).toBe(true);
    return urls()[0]!.slice('/api/items'.length);
  };

  test("default to OpenAPI's form + explode, objects as deepObject; values stay values", async () => {
    const sent = await query({
      params: {
        query: {
          page: 1,
          q: 'a&b=c #+é',
          tag: ['x', 'y z'],
          filter: { state: 'open', owner: 'a]b' },
          words: undefined,
          // @ts-expect-error null, as untyped callers may pass it, is left out like undefined
          flags: null,
        },
      },
    });
    expect(sent).toBe('?page=1&q=a%26b%3Dc%20%23%2B%C3%A9&tag=x&tag=y%20z&filter[state]=open&filter[owner]=a%5Db');
    const received = new URL(sent, 'http://x').searchParams;
    expect(received.get('q')).toBe('a&b=c #+é');
    expect(received.getAll('tag')).toEqual(['x', 'y z']);
  });

  test('arrays: form, spaceDelimited and pipeDelimited without explode; explode repeats the name', async () => {
    const params = { query: { page: 1, ids: [1, 2], words: ['a,b', 'c'] } };
    expect(await query({ params, querySerializer: { array: { explode: false } } })).toBe(
      '?page=1&ids=1,2&words=a%2Cb,c',
    );
    expect(await query({ params, querySerializer: { array: { style: 'spaceDelimited', explode: false } } })).toBe(
      '?page=1&ids=1%202&words=a%2Cb%20c',
    );
    expect(await query({ params, querySerializer: { array: { style: 'pipeDelimited', explode: false } } })).toBe(
      '?page=1&ids=1|2&words=a%2Cb|c',
    );
    expect(await query({ params, querySerializer: { array: { style: 'pipeDelimited', explode: true } } })).toBe(
      '?page=1&ids=1&ids=2&words=a%2Cb&words=c',
    );
  });

  test('objects: form with explode spreads the fields, without explode lists them', async () => {
    const params = { query: { page: 1, point: { x: 1, y: 2.5 } } };
    expect(await query({ params, querySerializer: { object: { style: 'form' } } })).toBe('?page=1&x=1&y=2.5');
    expect(await query({ params, querySerializer: { object: { style: 'form', explode: false } } })).toBe(
      '?page=1&point=x,1,y,2.5',
    );
    expect(await query({ params })).toBe('?page=1&point[x]=1&point[y]=2.5');
  });

  test('a client-wide serializer applies to every call; a call may give its own', async () => {
    const piped = openapi<paths>(api, { querySerializer: { array: { style: 'pipeDelimited', explode: false } } });
    server.requests.length = 0;
    await piped.GET('/items', { params: { query: { page: 1, ids: [1, 2] } } });
    await piped.GET('/items', {
      params: { query: { page: 1, ids: [1, 2] } },
      querySerializer: (values) => `custom=${Object.keys(values).join('+')}`,
    });
    expect(urls()).toEqual(['/api/items?page=1&ids=1|2', '/api/items?custom=page+ids']);
  });

  test('a value that is not a value (a function, a nested object in an array) is a ValidationError, nothing sent', async () => {
    // @ts-expect-error values the document refuses, as untyped callers may pass them
    const res = failed(await shop.GET('/items', { params: { query: { page: 1, tag: ['ok', { a: 1 }], q: () => 1 } } }));
    if (!isValidationError(res.error)) throw new Error('expected a ValidationError');
    expect(res.error.issues.map((issue) => issue.path)).toEqual(['$.tag', '$.q']);
    expect(server.requests).toEqual([]);
  });
});

describe('header parameters and bodies', () => {
  test('header parameters are sent (arrays joined with commas) beside the call headers', async () => {
    server.route('/api/items/7', modes.echo(200));
    await shop.GET('/items/{id}', {
      params: { path: { id: 7 }, header: { 'X-Request-Id': 'req-9', 'X-Trace': ['a', 'b'] } },
      headers: new Headers({ 'x-extra': '1' }),
    });
    expect(server.requests[0]!.headers).toMatchObject({ 'x-request-id': 'req-9', 'x-trace': 'a,b', 'x-extra': '1' });
  });

  test('a header parameter with CR/LF is refused by the header rules, and nothing is sent', async () => {
    const res = failed(
      await shop.GET('/items/{id}', { params: { path: { id: 7 }, header: { 'X-Request-Id': 'a\r\nX-Admin: 1' } } }),
    );
    expect(res).toMatchObject({ ok: false, status: undefined, error: expect.any(TypeError) });
    expect(res.error).toMatchObject({ message: expect.stringContaining('headers') });
    expect(server.requests).toEqual([]);
  });

  test('a body is sent as json: compact, with the JSON content type and an Idempotency-Key on POST', async () => {
    server.route('/api/items', modes.echo(201));
    const res = await shop.POST('/items', { body: { name: 'Lamp', price: 12.5, tags: ['é'] } });
    expect(res).toMatchObject({ ok: true, status: 201 });
    const received = server.requests[0]!;
    expect(received.body).toBe('{"name":"Lamp","price":12.5,"tags":["é"]}');
    expect(received.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(received.headers.accept).toBe('application/json');
    expect(received.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a body JSON cannot carry is a SerializationError result naming its path, nothing sent', async () => {
    // @ts-expect-error a BigInt price, as untyped callers may pass it
    const res = failed(await shop.POST('/items', { body: { name: 'Lamp', price: 10n } }));
    expect(res.error).toMatchObject({ name: 'SerializationError', path: '$.price' });
    expect(server.requests).toEqual([]);
  });

  test('bodySerializer sends form and multipart bodies (per call, or for every call)', async () => {
    server.route('/api/items/7/photo', modes.echo(201));
    server.route('/api/login', modes.json(200, { ok: true }));
    const res = await shop.POST('/items/{id}/photo', {
      params: { path: { id: 7 } },
      body: { caption: 'front & back' },
      bodySerializer: (body: { caption: string }) => {
        const form = new FormData();
        form.set('caption', body.caption);
        return form;
      },
    });
    expect(res.ok).toBe(true);
    const form = openapi<paths>(api, { bodySerializer: (body: Record<string, string>) => new URLSearchParams(body) });
    const login = await form.POST('/login', { body: { username: 'ada', password: 'p&ss' } });
    expect(login).toMatchObject({ ok: true, data: { ok: true } });
    const [photo, signIn] = server.requests;
    expect(photo!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(photo!.body).toContain('name="caption"\r\n\r\nfront & back');
    expect(signIn!.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(signIn!.body).toBe('username=ada&password=p%26ss');
  });
});

describe('results', () => {
  test('a 204 (and a HEAD) is ok with data undefined, however the body is read', async () => {
    server.route('/api/items/7', modes.noContent());
    const deleted = await shop.DELETE('/items/{id}', { params: { path: { id: 7 } } });
    expect(deleted).toEqual({ ok: true, status: 204, data: undefined, response: expect.any(Response) });
    server.route('/api/items', modes.noContent());
    const read = await shop.OPTIONS('/items', { parseAs: 'text' });
    expect(read).toMatchObject({ ok: true, status: 204, data: undefined });
    server.route('/api/items/8', modes.json(200, item));
    const exists = await shop.HEAD('/items/{id}', { params: { path: { id: 8 } } });
    expect(exists).toMatchObject({ ok: true, status: 200, data: undefined });
  });

  test('declared error statuses resolve with their body, narrowed by status', async () => {
    server.route('/api/items/404', modes.json(404, { code: 'not_found', message: 'no item 404' }));
    server.route('/api/items/409', modes.json(409, { code: 'conflict', existingId: 7 }));
    const res = await shop.GET('/items/{id}', { params: { path: { id: 404 }, header } });
    expect(res).toEqual({
      ok: false,
      status: 404,
      error: { code: 'not_found', message: 'no item 404' },
      response: expect.any(Response),
    });
    if (res.status === 404) expect(res.error.code).toBe('not_found');
    const conflict = await shop.PUT('/items/{id}', { params: { path: { id: 409 } }, body: { name: 'x', price: 1 } });
    expect(conflict).toMatchObject({ ok: false, status: 409, error: { code: 'conflict', existingId: 7 } });
  });

  test('an error body that is not JSON is its text; one that echoes a credential is redacted', async () => {
    server.route('/api/items/500', modes.json(500, 'upstream <b>down</b>'));
    server.route('/api/items/401', modes.echo(401));
    const text = await shop.GET('/items/{id}', { params: { path: { id: 500 }, header } });
    expect(text).toMatchObject({ ok: false, status: 500, error: 'upstream <b>down</b>' });
    const token = 'tok_live_4f9a8b7c6d5e';
    const authed = openapi<paths>(createClient({ baseUrl: `${server.url}/api/`, retry: false, auth: bearer(token) }));
    const echoed = await authed.GET('/items/{id}', { params: { path: { id: 401 }, header } });
    expect(echoed.status).toBe(401);
    // The server saw the credential; the result (and whatever logs it) does not.
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
    expect(JSON.stringify(failed(echoed).error)).not.toContain(token);
    expect(echoed).toMatchObject({ error: { headers: { authorization: '[REDACTED]' } } });
  });

  test('a long error body is cut as its printed view is (at 10,000 characters)', async () => {
    server.route('/api/items/413', (_request, response) => {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('x'.repeat(64 * 1024));
    });
    const res = failed(await shop.GET('/items/{id}', { params: { path: { id: 413 }, header } }));
    expect(res.status).toBe(400);
    expect(res.error).toBe(`${'x'.repeat(10_000)}[...]`);
  });

  test('no response at all: status undefined with the network error; the throwing form throws it', async () => {
    const closed = await startServer();
    await closed.close();
    const gone = openapi<paths>(createClient({ baseUrl: `${closed.url}/api/`, retry: false }));
    const res = failed(await gone.GET('/items', { params: { query: { page: 1 } } }));
    expect(res.status).toBeUndefined();
    expect(isNetworkError(res.error)).toBe(true);
    expect('response' in res).toBe(false);
    await expect(gone.GET('/items', { params: { query: { page: 1 } } }).data()).rejects.toSatisfy(isNetworkError);
  });

  test('a timeout is status undefined with a TimeoutError', async () => {
    server.route('/api/items/9', modes.hang());
    const res = failed(await shop.GET('/items/{id}', { params: { path: { id: 9 }, header }, timeout: 200 }));
    expect(res.status).toBeUndefined();
    expect(isTimeoutError(res.error)).toBe(true);
  });

  test('an HTML page with 200 is a ParseError result, with the response', async () => {
    server.route('/api/items/10', modes.html());
    const res = failed(await shop.GET('/items/{id}', { params: { path: { id: 10 }, header } }));
    expect(res).toMatchObject({ ok: false, status: undefined, response: expect.any(Response) });
    expect(isParseError(res.error)).toBe(true);
  });

  test('the throwing form returns the 2xx body and throws the HTTPError, with its data, for other statuses', async () => {
    server.route('/api/items/7', modes.json(200, item));
    server.route('/api/items/404', modes.json(404, { code: 'not_found', message: 'gone' }));
    expect(await shop.GET('/items/{id}', { params: { path: { id: 7 }, header } }).data()).toEqual(item);
    const error = await shop
      .GET('/items/{id}', { params: { path: { id: 404 }, header } })
      .data()
      .catch((caught: unknown) => caught);
    expect(isHTTPError(error)).toBe(true);
    expect(error).toMatchObject({ response: { status: 404 }, data: { code: 'not_found', message: 'gone' } });
  });

  test('parseAs reads text, a stream, a Blob or an ArrayBuffer', async () => {
    server.route('/api/items/7/label', modes.json(200, 'LAMP 7'));
    const text = await shop.GET('/items/{id}/label', { params: { path: { id: 7 } }, parseAs: 'text' });
    expect(text).toMatchObject({ ok: true, data: 'LAMP 7' });
    const stream = await shop.GET('/items/{id}/label', { params: { path: { id: 7 } }, parseAs: 'stream' });
    if (!stream.ok) throw stream.error;
    expect(await new Response(stream.data).text()).toBe('LAMP 7');
    const blob = await shop.GET('/items/{id}/label', { params: { path: { id: 7 } }, parseAs: 'blob' });
    expect(blob.ok && (await blob.data.text())).toBe('LAMP 7');
    const buffer = await shop.GET('/items/{id}/label', { params: { path: { id: 7 } }, parseAs: 'arrayBuffer' });
    expect(buffer.ok && new TextDecoder().decode(buffer.data)).toBe('LAMP 7');
  });

  test('TRACE is typed as in openapi-fetch, but fetch refuses the method: a TypeError result, nothing sent', async () => {
    type Traced = { '/items': { trace: { responses: { 200: { content: { 'message/http': string } } } } } };
    const res = failed(await openapi<Traced>(api).TRACE('/items'));
    expect(res).toMatchObject({ status: undefined, error: expect.any(TypeError) });
    expect(server.requests).toEqual([]);
  });

  test('an aborted signal ends the call at once: status undefined', async () => {
    server.route('/api/items/11', modes.hang());
    const controller = new AbortController();
    const pending = shop.GET('/items/{id}', { params: { path: { id: 11 }, header }, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user left')), 50);
    const res = failed(await pending);
    expect(res).toMatchObject({ ok: false, status: undefined });
    expect(res.status === undefined && res.error.message).toContain('user left');
  });
});

describe('a published 3.0 document (petstore-expanded, @readme/oas-examples)', () => {
  test('lists with an array query, adds with a JSON body, deletes with a 204; `default` is the error model', async () => {
    const list = modes.json(200, [{ id: 1, name: 'Rex', tag: 'dog' }]);
    const closed = modes.json(500, { code: 500, message: 'store closed' });
    server.route('/api/pets', (request, ...rest) => (request.method === 'GET' ? list : closed)(request, ...rest));
    server.route('/api/pets/1', modes.noContent());
    const petstore = openapi<PetstoreExpanded>(api);
    const listed = await petstore.GET('/pets', { params: { query: { tags: ['dog', 'cat'], limit: 10 } } });
    expect(listed).toMatchObject({ ok: true, status: 200, data: [{ id: 1, name: 'Rex' }] });
    const added = await petstore.POST('/pets', { body: { name: 'Tom', tag: 'cat' } });
    if (added.ok || added.status === undefined) throw new Error('expected the default error');
    expect(added.error.message).toBe('store closed');
    expect(await petstore.DELETE('/pets/{id}', { params: { path: { id: 1 } } }).data()).toBeUndefined();
    expect(urls()).toEqual(['/api/pets?tags=dog&tags=cat&limit=10', '/api/pets', '/api/pets/1']);
    expect(server.requests[1]!.body).toBe('{"name":"Tom","tag":"cat"}');
  });
});

describe('runtime validation', () => {
  const Item = v.object({ id: v.number(), name: v.string(), price: v.number() });
  const NotFound = v.object({ code: v.literal('not_found'), message: v.string() });
  const Problem = v.object({ code: v.string(), message: v.string() });
  const checked = () =>
    openapi<paths>(api, { validate: { '/items/{id}': { get: { 200: Item, 404: NotFound, '4XX': Problem } } } });

  test('a body that fits its status schema is the result; one that does not is a ValidationError result', async () => {
    server.route('/api/items/7', modes.json(200, item));
    server.route('/api/items/8', modes.json(200, { id: '8', name: 'x', price: 1 }));
    expect(await checked().GET('/items/{id}', { params: { path: { id: 7 }, header } })).toMatchObject({
      ok: true,
      data: item,
    });
    const bad = failed(await checked().GET('/items/{id}', { params: { path: { id: 8 }, header } }));
    expect(bad).toMatchObject({ ok: false, status: undefined, response: expect.any(Response) });
    if (!isValidationError(bad.error)) throw bad.error;
    expect(bad.error).toMatchObject({ direction: 'response', status: 200, issues: [{ path: '$.id' }] });
    await expect(
      checked()
        .GET('/items/{id}', { params: { path: { id: 8 }, header } })
        .data(),
    ).rejects.toSatisfy(isValidationError);
  });

  test('error bodies are checked by their status, then by their range', async () => {
    server.route('/api/items/404', modes.json(404, { code: 'gone', message: 'x' }));
    server.route('/api/items/418', modes.json(418, { code: 'teapot', message: 'short and stout' }));
    const notFound = failed(await checked().GET('/items/{id}', { params: { path: { id: 404 }, header } }));
    expect(notFound.status).toBeUndefined();
    expect(notFound.error).toMatchObject({ name: 'ValidationError', status: 404 });
    const teapot = await checked().GET('/items/{id}', { params: { path: { id: 418 }, header } });
    expect(teapot).toMatchObject({ ok: false, status: 418, error: { code: 'teapot' } });
  });
});

describe("the client's policies", () => {
  test('a POST is retried with the same Idempotency-Key on every attempt', async () => {
    server.route('/api/items', modes.sequence([503, 503, { status: 201, body: item }]));
    const retrying = openapi<paths>(
      createClient({ baseUrl: `${server.url}/api/`, retry: { limit: 3, delay: () => 20 } }),
    );
    const res = await retrying.POST('/items', { body: { name: 'Lamp', price: 12.5 } });
    expect(res).toMatchObject({ ok: true, status: 201, data: item });
    const keys = server.requests.map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('credentials go to the baseUrl origin only: a redirect to another origin carries none', async () => {
    other.route('/landing/7', modes.echo(200));
    server.route('/api/items/7', modes.redirect(`${other.url}/landing/7`, 307));
    const authed = openapi<paths>(
      createClient({ baseUrl: `${server.url}/api/`, retry: false, auth: bearer('tok_live_abcdef123') }),
    );
    const res = await authed.GET('/items/{id}', { params: { path: { id: 7 }, header } });
    expect(res.ok).toBe(true);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer tok_live_abcdef123');
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
    expect(other.requests[0]!.headers['x-request-id']).toBe('req-1');
  });

  test("events and middleware are the client's", async () => {
    server.route('/api/items/7', modes.json(200, item));
    const events: SturdyEvent[] = [];
    const seen: string[] = [];
    const watched = openapi<paths>(
      createClient({
        baseUrl: `${server.url}/api/`,
        onEvent: (event) => events.push(event),
        use: [
          (request, next) => {
            seen.push(`${request.method} ${new URL(request.url).pathname}`);
            return next(request);
          },
        ],
      }),
    );
    await watched.GET('/items/{id}', { params: { path: { id: 7 }, header } });
    expect(seen).toEqual(['GET /api/items/7']);
    expect(events.map((event) => event.type)).toEqual(['request', 'response']);
  });

  test('openapi() refuses what is not a sturdy client', () => {
    // @ts-expect-error not a client
    expect(() => openapi<paths>({})).toThrow(TypeError);
    // @ts-expect-error not a client
    expect(() => openapi<paths>(fetch)).toThrow(/createClient/);
  });
});
