import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createClient, isParseError, isSerializationError, ParseError, SerializationError } from '../src/index.ts';

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
  test('serializes compactly with charset content-type and json accept', async () => {
    const data = await api
      .post('echo', { json: { a: 1, b: [1, 2] } })
      .json<{ contentType: string; accept: string; body: string }>();
    expect(data.body).toBe('{"a":1,"b":[1,2]}');
    expect(data.contentType).toBe('application/json; charset=utf-8');
    expect(data.accept).toBe('application/json');
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
