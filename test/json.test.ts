import { HttpResponse, http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  type ClientOptions,
  createClient,
  isParseError,
  isSerializationError,
  ParseError,
  SerializationError,
} from '../src/index.ts';

const received: Request[] = [];
const server = setupServer(
  http.all('https://api.test/echo', async ({ request }) => {
    received.push(request.clone());
    const text = await request.text();
    return HttpResponse.json({
      method: request.method,
      contentType: request.headers.get('content-type'),
      accept: request.headers.get('accept'),
      body: text,
    });
  }),
  // The endless-body tests below use a real server on 127.0.0.1.
  http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
  http.get('https://api.test/empty-204', () => new HttpResponse(null, { status: 204 })),
  http.get('https://api.test/empty-200', () => new HttpResponse('', { status: 200 })),
  http.get('https://api.test/html', () =>
    HttpResponse.html('<!doctype html><html><body>Bad gateway, token=abc123secret</body></html>'),
  ),
  http.get('https://api.test/problem', () =>
    HttpResponse.json({ error: 'nope' }, { status: 422, headers: { 'content-type': 'application/problem+json' } }),
  ),
);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterEach(() => {
  received.length = 0;
  server.resetHandlers();
});
afterAll(() => server.close());

const api = createClient({ baseUrl: 'https://api.test/', retry: false });

describe('json bodies', () => {
  test.each<[string, ClientOptions]>([
    ['retries off', { retry: false }],
    ['retries on', {}],
    ['a hook that sees the request', { hooks: { beforeRequest: [() => {}] } }],
  ])('a json body is serialized once per call (%s), and the server gets that string', async (_, extra) => {
    const seen: unknown[] = [];
    const counted = createClient({
      baseUrl: 'https://api.test/',
      ...extra,
      stringifyJson: (value: unknown) => {
        seen.push(value);
        return JSON.stringify(value);
      },
    });
    const data = await counted.post('echo', { json: { a: 1 } }).json<{ body: string }>();
    expect(data.body).toBe('{"a":1}');
    expect(seen).toEqual([{ a: 1 }]);
  });

  test('serializes compactly with charset content-type and json accept', async () => {
    const data = await api
      .post('echo', { json: { a: 1, b: [1, 2] } })
      .json<{ contentType: string; accept: string; body: string }>();
    expect(data.body).toBe('{"a":1,"b":[1,2]}');
    expect(data.contentType).toBe('application/json; charset=utf-8');
    expect(data.accept).toBe('application/json');
  });

  // Each way the body reaches fetch: on fetch's init, on a Request copy, or held by ky's own request (retries off,
  // a fetch of the caller's), where the platform labels a string body text/plain before sturdy's headers are set.
  const viaCallersFetch: ClientOptions['fetch'] = (input, init) => fetch(input, init);
  test.each<[string, ClientOptions]>([
    ["the platform's fetch, retries off", { retry: false }],
    ["the platform's fetch, retries on", {}],
    ["a caller's fetch, retries off", { retry: false, fetch: viaCallersFetch }],
    ["a caller's fetch, retries on", { fetch: viaCallersFetch }],
    ["a caller's fetch, retries and timeouts off", { retry: false, timeout: false, fetch: viaCallersFetch }],
    [
      "a caller's fetch and a hook that sees the request",
      { fetch: viaCallersFetch, hooks: { beforeRequest: [() => {}] } },
    ],
    [
      "a caller's fetch and middleware",
      { retry: false, fetch: viaCallersFetch, use: [(request, next) => next(request)] },
    ],
  ])('the server gets the JSON content-type, accept and an Idempotency-Key (%s)', async (_, extra) => {
    const client = createClient({ baseUrl: 'https://api.test/', ...extra });
    const data = await client
      .post('echo', { json: { a: 1 } })
      .json<{ contentType: string; accept: string; body: string }>();
    expect(data).toMatchObject({ contentType: 'application/json; charset=utf-8', accept: 'application/json' });
    expect(data.body).toBe('{"a":1}');
    expect(received[0]!.headers.get('idempotency-key')).toMatch(/^[\da-f-]{36}$/);
  });

  test('keeps a content-type and accept the caller set', async () => {
    const data = await api
      .post('echo', {
        json: { a: 1 },
        headers: { 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json' },
      })
      .json<{ contentType: string; accept: string }>();
    expect(data.contentType).toBe('application/vnd.api+json');
    expect(data.accept).toBe('application/vnd.api+json');
  });

  test.each([
    ['a BigInt', { order: { items: [{}, {}, { price: 10n }] } }, '$.order.items[2].price'],
    ['a function', { callback: () => 1 }, '$.callback'],
    ['a symbol', { tag: Symbol('x') }, '$.tag'],
    ['a key that is not an identifier', { 'weird key': 5n }, '$["weird key"]'],
  ])('%s throws SerializationError naming the path, before any request', async (_name, json, path) => {
    const error = await api.post('echo', { json }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect(isSerializationError(error)).toBe(true);
    expect((error as SerializationError).path).toBe(path);
    expect((error as Error).message).toContain(path);
    expect(received).toHaveLength(0);
  });

  test('a cycle throws SerializationError at the cycle', async () => {
    const order: Record<string, unknown> = { id: 1, lines: [{ sku: 'a' }] };
    (order.lines as Array<Record<string, unknown>>)[0]!.order = order;
    const error = await api.post('echo', { json: order }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as SerializationError).path).toBe('$.lines[0].order');
    expect(received).toHaveLength(0);
  });

  test("a getter that throws is a SerializationError with the getter's message; a caller's stringifyJson that fails still gets the path", async () => {
    const hostile = Object.defineProperty({}, 'total', {
      enumerable: true,
      get() {
        throw new Error('total is not ready');
      },
    });
    const error = await api.post('echo', { json: hostile }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toContain('total is not ready');
    const custom = createClient({
      baseUrl: 'https://api.test/',
      stringifyJson: (value) => JSON.stringify(value),
    });
    const bigint = await custom.post('echo', { json: { order: { total: 10n } } }).catch((e: unknown) => e);
    expect(bigint).toBeInstanceOf(SerializationError);
    expect((bigint as SerializationError).path).toBe('$.order.total');
    expect(received).toHaveLength(0);
  });

  test('the same object twice, side by side or nested apart, is not a cycle', async () => {
    const line = { sku: 'a' };
    const json = { lines: [line, line], nested: { again: { line } } };
    const data = await api.post('echo', { json }).json<{ body: string }>();
    expect(data.body).toBe(JSON.stringify(json));
  });

  test('a function at the top throws', async () => {
    const error = await api.post('echo', { json: () => 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect(received).toHaveLength(0);
  });

  test('json and body together throw SerializationError, nothing sent', async () => {
    const error = await api.post('echo', { json: { a: 1 }, body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toMatch(/either json or body/);
    expect(received).toHaveLength(0);
  });

  test('Dates and toJSON are honoured; undefined members are dropped as JSON does', async () => {
    const data = await api.post('echo', { json: { at: new Date(0), gone: undefined } }).json<{ body: string }>();
    expect(data.body).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});

describe('json responses', () => {
  test('204 resolves undefined', async () => {
    await expect(api.get('empty-204').json()).resolves.toBeUndefined();
  });

  test('an empty 200 body resolves undefined', async () => {
    await expect(api.get('empty-200').json()).resolves.toBeUndefined();
  });

  test('HTML with 200 throws ParseError with status, content type and a redacted snippet', async () => {
    const error = await api
      .get('html')
      .json()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(isParseError(error)).toBe(true);
    const parseError = error as ParseError;
    expect(parseError.status).toBe(200);
    expect(parseError.contentType).toMatch(/text\/html/);
    expect(parseError.snippet).toContain('<!doctype html>');
    expect(parseError.snippet).not.toContain('abc123secret');
    expect(parseError.snippet.length).toBeLessThanOrEqual(200);
    expect(JSON.stringify(parseError)).not.toContain('abc123secret');
  });

  test('application/problem+json error bodies land in HTTPError.data', async () => {
    const error = await api
      .get('problem')
      .json()
      .catch((e: unknown) => e);
    expect((error as { data: unknown }).data).toEqual({ error: 'nope' });
    expect((error as { response: Response }).response.status).toBe(422);
  });

  test('.result() resolves ok and error without rejecting', async () => {
    const ok = await api.post('echo', { json: { a: 1 } }).result<{ method: string }>();
    expect(ok.ok && ok.data.method).toBe('POST');
    const bad = await api.get('html').result();
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toBeInstanceOf(ParseError);
  });
});

describe('.json() reads a body that is plainly not JSON at most 1 MiB (a real server, endless bodies)', () => {
  /** Serves `first` then filler forever (up to 48 MiB), counting what went out before the client hung up. */
  const endless = async (contentType: string, first: string) => {
    const { startServer } = await import('./helpers/server.ts');
    const local = await startServer();
    const sent = { bytes: 0 };
    local.route('/endless', (_request, response) => {
      response.writeHead(200, { 'content-type': contentType });
      const filler = Buffer.alloc(64 * 1024, 'x');
      response.write(first);
      const pump = () => {
        while (sent.bytes < 48 * 1024 * 1024 && !response.destroyed) {
          sent.bytes += filler.byteLength;
          if (!response.write(filler)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    return { local, sent };
  };

  test.each([
    ['text/plain', 'not found '],
    ['text/plain', '404 page not found '],
    ['text/plain', '"temporarily unavailable '],
    ['text/plain', 'temporarily unavailable '],
    ['application/json', '<!doctype html><html><body>'],
  ])('%s starting %j: a ParseError after about 1 MiB, the rest never read', async (contentType, first) => {
    const { local, sent } = await endless(contentType, first);
    try {
      const client = createClient({ baseUrl: local.url, retry: false });
      const error = await client
        .get('endless')
        .json()
        .catch((caught: unknown) => caught);
      expect(isParseError(error)).toBe(true);
      // Not the whole 48 MiB read before the ParseError: socket buffers hold a few MiB at most.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sent.bytes).toBeLessThan(12 * 1024 * 1024);
    } finally {
      await local.close();
    }
  });
});
