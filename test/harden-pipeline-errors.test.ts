/**
 * Issue 13, errors as users meet them on the ky pipeline (DESIGN 1, 5): a NetworkError's request
 * is sanitized (4), extend({ redact }) takes effect (6), an unresolvable URL with onEvent is the
 * real TypeError (24), timeout and network errors say what and why (25), prefix and a relative
 * baseUrl as in ky (26), a 304 to the caller's own conditional GET (27), timeout: 0 refused (28),
 * and a body cut off after the headers is a sturdy NetworkError, not `TypeError: terminated`.
 */
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { apiKey, bearer, createClient, HTTPError, NetworkError, TimeoutError, type SturdyEvent } from '../src/index.ts';
import { elapsed, modes, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

/** Every way a user prints an error, with its causes. */
const printed = (error: unknown) => {
  const cause = (error as Error).cause as Error | undefined;
  return [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    (error as Error).stack ?? '',
    cause?.message ?? '',
  ].join('\n');
};

/** An origin nothing listens on: a server started and closed again. */
async function refusedOrigin(): Promise<string> {
  const closed = await startServer();
  await closed.close();
  return closed.url;
}

describe('4: a NetworkError carries a sanitized real Request', () => {
  test('no Authorization, no API key in its url, and none in any printed form', async () => {
    server.route('/drop', modes.drop());
    const bearerApi = createClient({ baseUrl: server.url, retry: 0, auth: bearer('bearer-secret-77') });
    const keyApi = createClient({
      baseUrl: server.url,
      retry: 0,
      auth: apiKey({ key: 'query-secret-88', query: 'appid' }),
    });
    for (const [api, secret] of [
      [bearerApi, 'bearer-secret-77'],
      [keyApi, 'query-secret-88'],
    ] as const) {
      const { error } = await elapsed(() => api.get('drop', { headers: { 'x-trace': 'trace-1' } }));
      expect(error).toBeInstanceOf(NetworkError);
      const { request } = error as NetworkError;
      expect(request).toBeInstanceOf(Request);
      expect(request.method).toBe('GET');
      expect(request.headers.get('authorization')).toBeNull();
      // What is not a credential stays, so the request is still useful to look at.
      expect(request.headers.get('x-trace')).toBe('trace-1');
      expect(request.url).toMatch(/\/drop/);
      expect(request.url).not.toContain(secret);
      expect(printed(error)).not.toContain(secret);
    }
    // The server did get the credentials: they were sent, then kept out of the error.
    expect(server.requests[0]!.headers.authorization).toBe('Bearer bearer-secret-77');
    expect(server.requests[1]!.url).toBe('/drop?appid=query-secret-88');
  });
});

describe('24: with onEvent set, a URL that cannot be resolved is the real TypeError', () => {
  test.each([
    [
      'a relative URL without baseUrl',
      'orders',
      /sturdy: cannot resolve url "orders": pass an absolute URL or set the baseUrl option/,
    ],
    ['a malformed absolute URL', 'http://[bad/x', /Failed to parse URL from http:\/\/\[bad\/x|Invalid URL/],
  ])('%s', async (_name, input, message) => {
    const events: SturdyEvent[] = [];
    const api = createClient({ onEvent: (event) => events.push(event) });
    const { error } = await elapsed(() => api.get(input).json());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/Cannot read properties/);
    expect(events.filter((event) => event.type === 'request')).toEqual([]);
    expect(events.filter((event) => event.type === 'error').map((event) => event.reason)).toEqual([
      `TypeError: ${(error as Error).message}`,
    ]);
  });
});

describe('25: timeout and network errors say what failed and why', () => {
  test('a NetworkError message names its cause: ECONNREFUSED', async () => {
    const origin = await refusedOrigin();
    const events: SturdyEvent[] = [];
    const api = createClient({ retry: 0, onEvent: (event) => events.push(event) });
    const { error } = await elapsed(() => api.get(`${origin}/x?api_key=net-secret-1`));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(
      `Request failed due to a network error: GET ${origin}/x?api_key=[REDACTED] (ECONNREFUSED)`,
    );
    expect((error as Error).stack).toContain('(ECONNREFUSED)');
    expect(printed(error)).not.toContain('net-secret-1');
    const [failure] = events.filter((event) => event.type === 'error');
    expect(failure!.reason).toContain('(ECONNREFUSED)');
    expect(typeof failure!.durationMs).toBe('number');
  });

  test('a NetworkError message names its cause: a name that does not resolve', async () => {
    // What a resolver answers for an unknown name differs by machine (ENOTFOUND, EAI_AGAIN, or a
    // hang where no resolver answers), so the lookup fetch's sockets use is made to fail as
    // getaddrinfo does; EAI_FAIL, which no resolver here gives, shows it was this lookup that ran.
    const dns = createRequire(import.meta.url)('node:dns') as { lookup: (...args: unknown[]) => void };
    const lookup = dns.lookup;
    const asked: string[] = [];
    dns.lookup = (host: unknown, ...rest: unknown[]) => {
      if (host !== 'no-such-host.invalid') return lookup.call(dns, host, ...rest);
      asked.push(host);
      const callback = rest.at(-1) as (error: Error) => void;
      process.nextTick(() =>
        callback(
          Object.assign(new Error(`getaddrinfo EAI_FAIL ${host}`), {
            code: 'EAI_FAIL',
            syscall: 'getaddrinfo',
            hostname: host,
          }),
        ),
      );
    };
    try {
      const api = createClient({ retry: 0 });
      const { error } = await elapsed(() => api.get('http://no-such-host.invalid/x'));
      expect(asked).toEqual(['no-such-host.invalid']);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as Error).message).toBe(
        'Request failed due to a network error: GET http://no-such-host.invalid/x (EAI_FAIL)',
      );
    } finally {
      dns.lookup = lookup;
    }
  });

  test('a retried NetworkError is named once, after the last attempt', async () => {
    const origin = await refusedOrigin();
    const events: SturdyEvent[] = [];
    const api = createClient({
      retry: { limit: 2, delay: () => 0, jitter: false },
      onEvent: (event) => events.push(event),
    });
    const { error } = await elapsed(() => api.get(`${origin}/x`));
    // Three attempts ran (so the cause was seen three times), and the message names it once.
    expect(events.filter((event) => event.type === 'request')).toHaveLength(3);
    expect((error as Error).message.match(/\(ECONNREFUSED\)/g)).toHaveLength(1);
  });
});

describe('26: prefix and baseUrl resolve as in ky', () => {
  test('prefix applies to string inputs, never to a URL object', async () => {
    server.route('/api/v1/items', modes.echo());
    server.route('/absolute', modes.echo());
    const api = createClient({ prefix: `${server.url}/api/v1/` });
    expect(await api.get('items').json()).toMatchObject({ url: '/api/v1/items' });
    expect(await api.get(new URL(`${server.url}/absolute`)).json()).toMatchObject({ url: '/absolute' });
    expect(server.requests.map((request) => request.url)).toEqual(['/api/v1/items', '/absolute']);
  });

  describe('a relative baseUrl on a page', () => {
    const undiciOrigin = Symbol.for('undici.globalOrigin.1');
    const global = globalThis as unknown as Record<PropertyKey, unknown>;
    beforeEach(() => {
      // What a browser page gives: `location`, and fetch resolving relative URLs against it.
      global.location = { href: `${server.url}/app/page`, origin: server.url };
      global[undiciOrigin] = new URL(`${server.url}/app/page`);
    });
    afterEach(() => {
      delete global.location;
      delete global[undiciOrigin];
    });

    test("baseUrl '/api/' resolves against the page, and the page origin receives credentials", async () => {
      server.route('/api/orders', modes.echo());
      const api = createClient({ baseUrl: '/api/', auth: bearer('page-token') });
      expect(await api.get('orders').json()).toMatchObject({ url: '/api/orders' });
      expect(server.requestsTo('/api/orders')[0]!.headers.authorization).toBe('Bearer page-token');
    });
  });

  test('without a page, a relative baseUrl is a TypeError naming baseUrl', () => {
    expect(() => createClient({ baseUrl: '/api/' })).toThrow(/option `baseUrl` must be an absolute URL/);
  });
});

describe('27: a 304 to the caller own conditional GET', () => {
  const conditional = (server: TestServer) =>
    server.route('/doc', (request, response) => {
      if (request.headers['if-none-match'] === '"v1"') return void response.writeHead(304, { etag: '"v1"' }).end();
      response.writeHead(200, { etag: '"v1"', 'content-type': 'application/json' }).end('{"v":1}');
    });

  test("is ky's HTTPError by default (status 304), and is not retried", async () => {
    conditional(server);
    const api = createClient({ baseUrl: server.url });
    const first = await api.get('doc');
    expect(await first.json()).toEqual({ v: 1 });
    const { error } = await elapsed(() => api.get('doc', { headers: { 'if-none-match': first.headers.get('etag')! } }));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(304);
    expect(server.requestsTo('/doc')).toHaveLength(2);
  });

  test('throwHttpErrors: (status) => status !== 304 gives the 304 Response, with no body', async () => {
    conditional(server);
    const api = createClient({ baseUrl: server.url, throwHttpErrors: (status) => status !== 304 });
    const response = await api.get('doc', { headers: { 'if-none-match': '"v1"' } });
    expect(response.status).toBe(304);
    expect(response.headers.get('etag')).toBe('"v1"');
    expect(await response.text()).toBe('');
    // `.json()` on it is the empty-body rule: undefined.
    expect(await api.get('doc', { headers: { 'if-none-match': '"v1"' } }).json()).toBeUndefined();
    // Other errors still throw.
    server.route('/gone', modes.json(410, { error: 'gone' }));
    await expect(api.get('gone', { retry: 0 })).rejects.toBeInstanceOf(HTTPError);
    expect(server.requestsTo('/doc').map((request) => request.headers['if-none-match'])).toEqual(['"v1"', '"v1"']);
  });
});

describe('a body cut off after the headers is a sturdy NetworkError', () => {
  /** Headers and a first chunk of a longer body, then the socket is destroyed. */
  const breakBody = (server: TestServer) =>
    server.route('/break', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"items":[1,2,');
      setTimeout(() => response.socket?.destroy(), 30);
    });

  test.each([
    ['.json()', (api: ReturnType<typeof createClient>) => api.get('break').json()],
    ['.text()', (api: ReturnType<typeof createClient>) => api.get('break').text()],
    [
      '.result()',
      async (api: ReturnType<typeof createClient>) => {
        const result = await api.get('break').result();
        if (!result.ok) throw result.error;
        return result.data;
      },
    ],
    ['response.text()', async (api: ReturnType<typeof createClient>) => (await api.get('break')).text()],
    [
      'response.body reader',
      async (api: ReturnType<typeof createClient>) => {
        const reader = (await api.get('break')).body!.getReader();
        for (;;) if ((await reader.read()).done) return;
      },
    ],
  ])('%s', async (_name, read) => {
    breakBody(server);
    const api = createClient({ baseUrl: server.url, auth: bearer('body-secret-4') });
    const { error, ms } = await elapsed(() => read(api));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(
      `Request failed due to a network error: GET ${server.url}/break (other side closed)`,
    );
    expect((error as NetworkError).request.headers.get('authorization')).toBeNull();
    expect(printed(error)).not.toContain('body-secret-4');
    // It failed when the socket closed, not at the idle timeout (15 s).
    expect(ms).toBeLessThan(10_000);
    // A body read is not retried by ky: one request.
    expect(server.requestsTo('/break')).toHaveLength(1);
  });
});
