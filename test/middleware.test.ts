import { afterAll, beforeAll, expect, test } from 'vitest';
import { bearer, createClient, type CallInfo, type Middleware } from '../src/index.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  let flaky = 0;
  server.route(
    '/ok',
    (request, response) =>
      void response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ seen: request.headers['x-mw'] ?? null })),
  );
  server.route('/flaky', (_request, response) => {
    flaky += 1;
    if (flaky === 1) response.writeHead(503).end();
    else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
afterAll(() => server.close());

test('use: middleware run outermost first around every attempt, and may change the request', async () => {
  const order: string[] = [];
  const outer: Middleware = async (request, next) => {
    order.push('outer in');
    const response = await next(request);
    order.push('outer out');
    return response;
  };
  const inner: Middleware = async (request, next) => {
    order.push('inner in');
    const changed = new Request(request, { headers: new Headers([...request.headers, ['x-mw', 'inner']]) });
    return next(changed);
  };
  const api = createClient({ baseUrl: `${server.url}/`, use: [outer, inner] });
  expect(await api.get('ok').json()).toEqual({ seen: 'inner' });
  expect(order).toEqual(['outer in', 'inner in', 'outer out']);
});

test('use: one CallInfo per call, attempt counting up; a middleware may answer without calling next', async () => {
  const seen: Array<{ info: CallInfo; attempt: number }> = [];
  const spy: Middleware = (request, next, call) => {
    seen.push({ info: call, attempt: call.attempt });
    return next(request);
  };
  const api = createClient({ baseUrl: `${server.url}/`, use: [spy], retry: { limit: 2, delay: () => 1 } });
  expect(await api.get('flaky').json()).toEqual({ ok: true });
  expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
  expect(seen[0]!.info).toBe(seen[1]!.info);
  expect(seen[0]!.info.method).toBe('GET');

  const before = server.requests.length;
  const answering: Middleware = async () => Response.json({ from: 'middleware' });
  const local = createClient({ baseUrl: `${server.url}/`, use: [answering] });
  expect(await local.get('ok').json()).toEqual({ from: 'middleware' });
  expect(server.requests.length).toBe(before);
});

test("use: extend appends its middleware inside the parent client's; call info redacts and knows credential origins", async () => {
  const order: string[] = [];
  const named =
    (name: string): Middleware =>
    (request, next, call) => {
      order.push(
        `${name}:${call.redact.url(request.url)}:${call.isCredentialOrigin(request.url)}:${call.isCredentialOrigin('https://elsewhere.example')}`,
      );
      return next(request);
    };
  const api = createClient({ baseUrl: `${server.url}/`, auth: bearer('tok-123456'), use: [named('a')] }).extend({
    use: [named('b')],
  });
  await api.get('ok', { searchParams: { token: 'secret-value' } });
  expect(order).toEqual([
    `a:${server.url}/ok?token=[REDACTED]:true:false`,
    `b:${server.url}/ok?token=[REDACTED]:true:false`,
  ]);
});

test('use: anything but an array of functions is a TypeError naming the option', () => {
  expect(() => createClient({ use: [42 as never] })).toThrow(/option `use`/);
  expect(() => createClient({ use: (() => {}) as never })).toThrow(/option `use`/);
});

test("with credentials, a beforeRequest hook's replacement Request (and its body) is what the server gets", async () => {
  const bodies: string[] = [];
  server.route('/echo-body', (request, response) => {
    bodies.push(`${request.headers.authorization} ${request.body}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const api = createClient({ baseUrl: `${server.url}/`, auth: bearer('tok-abcdef12') });
  await api.post('echo-body', { json: { from: 'options' } });
  await api.post('echo-body', {
    json: { from: 'options' },
    hooks: { beforeRequest: [({ request }) => new Request(request, { body: JSON.stringify({ from: 'hook' }) })] },
  });
  expect(bodies).toEqual(['Bearer tok-abcdef12 {"from":"options"}', 'Bearer tok-abcdef12 {"from":"hook"}']);
});

test("with credentials and onUploadProgress, the upload is still counted (the body goes out through ky's own request)", async () => {
  server.route(
    '/upload',
    (request, response) =>
      void response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ length: request.body.length })),
  );
  const seen: number[] = [];
  const api = createClient({ baseUrl: `${server.url}/`, auth: bearer('tok-abcdef12') });
  const json = { data: 'x'.repeat(10_000) };
  expect(
    await api
      .post('upload', { json, onUploadProgress: (progress) => void seen.push(progress.transferredBytes) })
      .json(),
  ).toEqual({ length: JSON.stringify(json).length });
  expect(Math.max(...seen)).toBe(JSON.stringify(json).length);
});

test('a custom auth strategy brings the credential policy; without one it is refused before any request', async () => {
  const { credentialPolicy } = await import('../src/index.ts');
  server.route(
    '/custom',
    (request, response) =>
      void response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token: request.headers['x-token'] ?? null })),
  );
  const strategy = {
    kind: 'sturdy.auth' as const,
    type: 'custom',
    policy: credentialPolicy,
    authorize: ({ headers }: { headers: Headers }) => headers.set('x-token', 'custom-123'),
  };
  const api = createClient({ baseUrl: `${server.url}/`, auth: strategy });
  expect(await api.get('custom').json()).toEqual({ token: 'custom-123' });
  // The policy still scopes it: another origin (a second server, another port) gets nothing.
  const other = await startServer();
  try {
    other.route(
      '/custom',
      (request, response) =>
        void response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ token: request.headers['x-token'] ?? null })),
    );
    expect(await api.get(`${other.url}/custom`).json()).toEqual({ token: null });
  } finally {
    await other.close();
  }
  const { policy: _policy, ...withoutPolicy } = strategy;
  expect(() => createClient({ baseUrl: `${server.url}/`, auth: withoutPolicy as never })).toThrow(
    /policy: credentialPolicy/,
  );
});

test('call.credential names every header and query parameter the strategy set on this attempt, registered or not; undefined elsewhere', async () => {
  const { credentialPolicy, apiKey } = await import('../src/index.ts');
  const seen: Array<CallInfo['credential']> = [];
  const recorder: Middleware = (request, next, call) => {
    seen.push(call.credential);
    return next(request);
  };
  const custom = {
    kind: 'sturdy.auth' as const,
    type: 'custom',
    policy: credentialPolicy,
    authorize: ({ headers, url }: { headers: Headers; url: URL }) => {
      headers.set('x-token', 'tok_custom_1');
      url.searchParams.set('sig', 'abc123');
    },
  };
  const api = createClient({ baseUrl: `${server.url}/`, use: [recorder] });
  await api.get('ok', { auth: custom });
  await api.get('ok', { auth: apiKey({ key: 'key_12345', query: 'api_key' }) });
  await api.get('ok');
  expect(seen[0]?.headers).toContain('x-token');
  expect(seen[0]?.query).toEqual(['sig']);
  expect(seen[1]?.query).toEqual(['api_key']);
  expect(seen[2]).toBeUndefined();
});

test('call.credential does not name a query parameter the request repeats but the strategy left alone', async () => {
  const { bearer } = await import('../src/index.ts');
  const seen: Array<CallInfo['credential']> = [];
  const recorder: Middleware = (request, next, call) => {
    seen.push(call.credential);
    return next(request);
  };
  const api = createClient({ baseUrl: `${server.url}/`, use: [recorder], auth: bearer('tok_repeat_1') });
  await api.get('ok?tag=a&tag=b');
  expect(seen[0]?.query).toEqual([]);
  expect(seen[0]?.headers).toEqual(['authorization']);
});

test('call.credential prints no credential: inspected (hidden and getters too) or serialized, it shows names only', async () => {
  const { inspect } = await import('node:util');
  const printed: string[] = [];
  const recorder: Middleware = (request, next, call) => {
    printed.push(inspect(call.credential, { showHidden: true, getters: true, depth: 6 }));
    printed.push(JSON.stringify(call.credential) ?? '');
    printed.push(JSON.stringify(call.credential?.headers));
    return next(request);
  };
  const api = createClient({ baseUrl: `${server.url}/`, use: [recorder], auth: bearer('tok_printed_secret_1') });
  await api.get('ok');
  expect(printed.join('\n')).not.toContain('tok_printed_secret_1');
  expect(printed[2]).toBe('["authorization"]');
});
