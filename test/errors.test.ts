/**
 * Errors as users meet them: the classes and their guards, redaction in errors and events, bad
 * options as TypeErrors naming the option, printing that never throws whatever the server sent,
 * and the HTTPError for a 304 to the caller's own conditional GET.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  apiKey,
  AuthError,
  createClient,
  HTTPError,
  isAuthError,
  isSturdyError,
  isValidationError,
  ParseError,
  SerializationError,
  SturdyError,
  ValidationError,
  type SturdyEvent,
} from '../src/index.ts';
import { sanitizeError } from '../src/core/errors.ts';
import { createRedactor, defaultRedactor, REDACTED, redactData } from '../src/core/redact.ts';
import { printForms } from './helpers/printed.ts';
import { elapsed, modes, startServer, type TestServer } from './helpers/server.ts';

const server = setupServer(
  http.get('https://api.test/fail', () =>
    HttpResponse.json(
      { message: 'bad', password: 'hunter2-secret' },
      { status: 400, headers: { 'set-cookie': 'session=cookie-secret' } },
    ),
  ),
  http.get('https://api.test/huge', () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
        if (sent > 8 * 1024 * 1024) controller.close();
      },
    });
    return new HttpResponse(stream, { status: 500, headers: { 'content-type': 'text/plain' } });
  }),
  http.get('https://api.test/weather', () => HttpResponse.json({ error: 'no such city' }, { status: 404 })),
  http.get('https://api.test/huge-html', () => {
    const chunk = new TextEncoder().encode('<p>' + 'x'.repeat(64 * 1024) + '</p>');
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
        if (sent > 64 * 1024 * 1024) controller.close();
      },
    });
    return new HttpResponse(stream, { status: 200, headers: { 'content-type': 'text/html' } });
  }),
  http.get('https://api.test/unknown-key', () => HttpResponse.json({ error: 'unknown key="region"' }, { status: 400 })),
  http.get('https://api.test/secrets', () =>
    HttpResponse.json(
      {
        error: 'denied',
        clientSecret: 'pr-client-secret-1',
        nested: [{ 'api-key': 'pr-api-key-1', note: 'see access_token=pr-query-token-1' }],
      },
      { status: 403 },
    ),
  ),
  // The tests of what a real server sends (a 304) use one on 127.0.0.1.
  http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
);
let local: TestServer;
beforeAll(async () => {
  server.listen();
  local = await startServer();
});
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  await local.close();
});

describe('error classes', () => {
  test('all extend SturdyError and are recognised by their guards', () => {
    const errors = [
      new SerializationError('x'),
      new ParseError({ status: 200, contentType: null, snippet: '', url: 'u' }),
      new ValidationError('request', []),
      new AuthError('x'),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(SturdyError);
      expect(error).toBeInstanceOf(Error);
      expect(isSturdyError(error)).toBe(true);
      // The brand is not one of the fields printing shows.
      expect(inspect(error)).not.toContain('sturdy.error');
    }
    expect(isAuthError(errors[3])).toBe(true);
    expect(isAuthError(errors[0])).toBe(false);
    expect(isValidationError(errors[2])).toBe(true);
  });

  test('guards work across realms (a copy without the same prototype)', () => {
    const foreign = Object.assign(Object.create(Error.prototype), {
      name: 'AuthError',
      [Symbol.for('sturdy.error')]: true,
    });
    expect(foreign instanceof AuthError).toBe(false);
    expect(isAuthError(foreign)).toBe(true);
  });

  test('ValidationError lists the first issues with their paths', () => {
    const error = new ValidationError('request', [{ path: '$.customer.email', message: 'Invalid email' }], {
      what: 'request body',
    });
    expect(error.message).toBe('request body invalid at $.customer.email: Invalid email');
  });
});

describe('redaction in errors and events', () => {
  const secrets = ['hunter2-secret', 'cookie-secret', 'url-secret-token', 'header-secret-value'];
  const assertClean = (text: string) => {
    for (const secret of secrets) expect(text).not.toContain(secret);
  };

  test('HTTPError message, String, JSON and inspect carry no credential', async () => {
    const events: SturdyEvent[] = [];
    const api = createClient({
      baseUrl: 'https://api.test/',
      retry: false,
      onEvent: (e) => events.push(e),
      headers: { authorization: 'Bearer header-secret-value' },
    });
    const error = (await api
      .get('fail', { searchParams: { access_token: 'url-secret-token', page: 2 } })
      .catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.response.status).toBe(400);
    expect((error.data as { message: string }).message).toBe('bad');
    expect(error.message).toContain('access_token=[REDACTED]');
    expect(error.message).toContain('page=2');
    assertClean(error.message);
    assertClean(String(error));
    assertClean(error.stack ?? '');
    assertClean(JSON.stringify(error));
    assertClean(inspect(error, { depth: 10 }));
    assertClean(JSON.stringify(events));
    expect(events.map((e) => e.type)).toEqual(['request', 'response', 'error']);
  });

  test('HTTPError.data reads at most 1 MiB of a huge error body, then cancels the rest', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', retry: false });
    const error = (await api.get('huge').catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.data).toBeUndefined();
  });

  test('a huge HTML page is not read whole for a ParseError', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', retry: false });
    const error = (await api
      .get('huge-html')
      .json()
      .catch((e: unknown) => e)) as ParseError;
    expect(error).toBeInstanceOf(ParseError);
    expect(error.snippet.startsWith('<p>xxx')).toBe(true);
  });
});

describe('bad options are TypeErrors naming the option, before any request', () => {
  test.each([
    [{ baseUrl: 'not a url' }, 'baseUrl'],
    [{ timeout: -1 }, 'timeout'],
    [{ totalTimeout: Number.NaN }, 'totalTimeout'],
    [{ idleTimeout: '5s' }, 'idleTimeout'],
    [{ retry: -2 }, 'retry'],
    [{ retry: 1.5 }, 'retry'],
    [{ retry: { limit: -1 } }, 'retry.limit'],
    [{ retry: { methods: 'get' } }, 'retry.methods'],
    [{ retry: { statusCodes: 503 } }, 'retry.statusCodes'],
    [{ retry: { delay: 100 } }, 'retry.delay'],
    [{ retry: { jitter: 'full' } }, 'retry.jitter'],
    [{ retry: { maxRetryAfter: -1 } }, 'retry.maxRetryAfter'],
    [{ auth: { token: 'x' } }, 'auth'],
    [{ idempotencyKey: 'a\r\nb' }, 'idempotencyKey'],
    [{ headers: { 'x-evil': 'a\r\nSet-Cookie: x' } }, 'headers'],
    [{ onEvent: 'log' }, 'onEvent'],
  ])('%o', (options, name) => {
    expect(() => createClient(options as never)).toThrow(TypeError);
    expect(() => createClient(options as never)).toThrow(`option \`${name}\``);
  });

  test('a bad value without a JSON form (BigInt, cycle, symbol, function) is still a TypeError naming the option', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const [options, got] of [
      [{ timeout: 10n }, 'got bigint'],
      [{ hooks: cyclic }, 'got object'],
      [{ onEvent: Symbol('s') }, 'got symbol'],
      [{ timeout: () => 5 }, 'got function'],
      [{ timeout: 'x'.repeat(10_000) }, `got "${'x'.repeat(99)}`],
    ] as const) {
      const name = Object.keys(options)[0];
      // Bounded: a huge value is cut, never echoed whole.
      expect(() => createClient(options as never)).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          message: expect.stringMatching(new RegExp(`^.{0,80}option \`${name}\` must be .{0,80}${got}.{0,20}$`)),
        }),
      );
    }
  });

  test('per-call bad options throw at the call, as ky throws for its own, without a request', () => {
    let requests = 0;
    const api = createClient({ baseUrl: 'https://api.test/', fetch: async () => (requests++, new Response('{}')) });
    expect(() => api.get('x', { timeout: -5 })).toThrow(/timeout/);
    expect(requests).toBe(0);
  });

  test('a relative URL without baseUrl says to set baseUrl (at the call, where ky throws for a URL it cannot parse)', () => {
    const api = createClient();
    expect(() => api.get('orders')).toThrow(/baseUrl/);
  });
});

describe('network errors', () => {
  test("a cause with a getter that throws still comes back as the call's NetworkError, redacted and printable", async () => {
    const cause = Object.defineProperty(
      new Error('connect failed for https://api.test/x?token=getter-secret-1'),
      'boom',
      {
        enumerable: true,
        get() {
          throw new Error('getter');
        },
      },
    );
    const api = createClient({
      retry: false,
      fetch: async () => {
        throw new TypeError('fetch failed', { cause });
      },
    });
    const error = (await api.get('https://api.test/x').catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('NetworkError');
    expect(cause.message).toContain('token=[REDACTED]');
    for (const text of printForms(error)) expect(text).not.toContain('getter-secret-1');
  });

  test("a runtime's cause that names the URL is redacted too", async () => {
    const api = createClient({
      retry: false,
      fetch: async () => {
        throw new TypeError('fetch failed', {
          cause: new Error('connect failed for https://api.test/x?api_key=cause-secret-key'),
        });
      },
    });
    const error = (await api
      .get('https://api.test/x', { searchParams: { api_key: 'cause-secret-key' } })
      .catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('NetworkError');
    const cause = error.cause as Error;
    const rootCause = cause.cause as Error;
    expect(rootCause.message).toContain('api_key=[REDACTED]');
    for (const text of [
      error.message,
      error.stack ?? '',
      cause.message,
      rootCause.message,
      rootCause.stack ?? '',
      inspect(error, { depth: 10 }),
      JSON.stringify(error),
    ]) {
      expect(text).not.toContain('cause-secret-key');
    }
  });
});

test('a per-call idempotencyKey with a line break or NUL is a TypeError naming it, and nothing is sent', async () => {
  let sent = 0;
  const api = createClient({ baseUrl: 'https://api.example.com/', fetch: async () => (sent++, new Response('{}')) });
  for (const key of ['a\r\nX-Evil: 1', 'a\0b']) {
    let error: unknown;
    try {
      await api.post('orders', { json: {}, idempotencyKey: key });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('option `idempotencyKey` must be a per-call header value or false');
  }
  expect(sent).toBe(0);
});

describe('every property reachable from an error is redacted (loggers print them all)', () => {
  const deep = (value: unknown) => inspect(value, { showHidden: true, depth: 10 });

  test('HTTPError.response.url hides an apiKey query parameter (it held ?appid=<key> raw)', async () => {
    const api = createClient({
      baseUrl: 'https://api.test/',
      retry: 0,
      auth: apiKey({ key: 'key_weather_5521', query: 'appid' }),
    });
    const error = await api.get('weather').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.url).toBe('https://api.test/weather?appid=[REDACTED]');
    expect((error as HTTPError).request.url).not.toContain('key_weather_5521');
    expect(deep(error)).not.toContain('key_weather_5521');
    expect(JSON.stringify(error)).not.toContain('key_weather_5521');
  });

  test("a logger that copies an HTTPError's enumerable fields gets no request, response, options or data (ky's options hold the headers sent, data what the server echoed)", async () => {
    const api = createClient({
      baseUrl: 'https://api.test/',
      retry: false,
      headers: { authorization: 'Bearer enum-secret-token' },
    });
    const error = (await api.get('fail').catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(Object.keys(error)).not.toContain('request');
    expect(Object.keys(error)).not.toContain('response');
    expect(Object.keys(error)).not.toContain('options');
    expect(Object.keys(error)).not.toContain('data');
    // Still there for the caller.
    expect(error.response.status).toBe(400);
    expect(error.data).toEqual({ message: 'bad', password: 'hunter2-secret' });
    expect(error.request.url).toBe('https://api.test/fail');
    expect(deep({ ...error })).not.toContain('enum-secret-token');
    expect(deep({ ...error })).not.toContain('hunter2-secret');
  });

  test("a relative URL with ?token= and no baseUrl: no token in the message nor in the cause chain's input", () => {
    const api = createClient();
    let error: unknown;
    try {
      void api.get('search?token=tok_cause_chain_77');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(deep(error)).not.toContain('tok_cause_chain_77');
    expect(deep(error)).toContain('token=[REDACTED]');
  });
});

test("a header value whose String() holds CR/LF (an object with toString) is a TypeError naming `headers`, not the runtime's", () => {
  let sent = 0;
  const api = createClient({ baseUrl: 'https://api.test/', fetch: async () => (sent++, new Response('{}')) });
  const sneaky = { toString: () => 'v\r\nX-Evil: 1' };
  for (const make of [
    () => createClient({ headers: { 'x-id': sneaky as never } }),
    () => api.get('x', { headers: { 'x-id': sneaky as never } }),
  ]) {
    expect(make).toThrow(/option `headers` must be/);
  }
  expect(sent).toBe(0);
});

describe('printing an error never throws, whatever the server sent', () => {
  test('an error a beforeError hook froze reaches the caller as it is, not as a TypeError of sturdy', async () => {
    const api = createClient({
      baseUrl: 'https://api.test/',
      retry: false,
      hooks: { beforeError: [({ error }) => Object.freeze(error)] },
    });
    const error = await api.get('fail').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect(Object.isFrozen(error)).toBe(true);
    expect(() => printForms(error)).not.toThrow();
  });

  test('a server that echoes the token in its error body: printing shows neither, and `data` stays readable, raw', async () => {
    server.use(
      http.get('https://api.test/echo', ({ request }) =>
        HttpResponse.json(
          { error: 'denied', echoed: request.headers.get('authorization'), hint: 'Bearer pr-echoed-token-1' },
          { status: 401 },
        ),
      ),
    );
    const api = createClient({
      baseUrl: 'https://api.test/',
      retry: false,
      headers: { authorization: 'Bearer pr-echoed-token-1' },
    });
    const error = (await api.get('echo').catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    for (const text of printForms(error)) expect(text).not.toContain('pr-echoed-token-1');
    // Printing shows the name, the message (method and URL) and the error's own fields: nothing the server sent.
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'HTTPError' });
    expect(String(error)).toBe(
      'HTTPError: Request failed with status code 401 Unauthorized: GET https://api.test/echo',
    );
    expect(Object.keys(error)).not.toContain('data');
    expect(error.data).toEqual({
      error: 'denied',
      echoed: 'Bearer pr-echoed-token-1',
      hint: 'Bearer pr-echoed-token-1',
    });
    expect(error.response.status).toBe(401);
  });

  test('a cyclic or BigInt error body from parseJson: printing never throws, `data` is what parseJson gave', async () => {
    const cyclic: Record<string, unknown> = { token: 'pr-parsed-secret-1' };
    cyclic.self = cyclic;
    for (const parsed of [cyclic, { big: 10n, token: 'pr-parsed-secret-1' }]) {
      const api = createClient({ baseUrl: 'https://api.test/', retry: false, parseJson: () => parsed });
      const error = (await api.get('fail').catch((e: unknown) => e)) as HTTPError;
      expect(error).toBeInstanceOf(HTTPError);
      expect(error.data).toBe(parsed);
      for (const text of printForms(error)) expect(text).not.toContain('pr-parsed-secret-1');
    }
  });

  /** An HTTPError as sturdy hands it out (sanitized), carrying `data`. */
  const httpError = (data: unknown, message = 'boom') => {
    const error = new HTTPError(
      new Response(null, { status: 500 }),
      new Request('https://api.test/x', { headers: { authorization: 'Bearer pr-header-token-1' } }),
      {} as never,
    );
    error.message = message;
    error.data = data;
    return sanitizeError(error, defaultRedactor);
  };

  test('a body whose redacted text is no longer JSON: String, JSON.stringify, util.inspect and console.error', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', retry: false });
    const error = (await api.get('unknown-key').catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    const [asString, asJson, inspected] = printForms(error);
    expect(asString).toContain('HTTPError');
    expect(JSON.parse(asJson!)).toEqual({ name: 'HTTPError' });
    expect(inspected).toContain('400');
    // Out of enumeration, still on the error.
    expect(error.response.status).toBe(400);
    expect(error.data).toEqual({ error: 'unknown key="region"' });
    const original = console.error;
    console.error = (...args: unknown[]) => void inspect(args);
    try {
      expect(() => console.error(error)).not.toThrow();
    } finally {
      console.error = original;
    }
  });

  test('redactData copies data value by value: fields named like secrets in any spelling, secrets inside strings', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', retry: false });
    const error = (await api.get('secrets').catch((e: unknown) => e)) as HTTPError;
    expect(Object.keys(error)).not.toContain('data');
    expect(redactData(defaultRedactor, error.data)).toEqual({
      error: 'denied',
      clientSecret: REDACTED,
      nested: [{ 'api-key': REDACTED, note: `see access_token=${REDACTED}` }],
    });
    for (const text of printForms(error))
      for (const secret of ['pr-client-secret-1', 'pr-api-key-1', 'pr-query-token-1'])
        expect(text).not.toContain(secret);
    // The user's own `.data` stays what the server sent.
    expect((error.data as { clientSecret: string }).clientSecret).toBe('pr-client-secret-1');
  });

  test('cycles, BigInt, functions, throwing getters, huge and deep data: the error prints, redactData copies it bounded', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    let deep: unknown = 'bottom';
    for (let i = 0; i < 500; i++) deep = { deep };
    const cases: unknown[] = [
      new Date(0),
      { at: new Date(Number.NaN) },
      cyclic,
      { big: 10n, fn: () => 1, sym: Symbol('s') },
      hostile,
      deep,
      Array.from({ length: 100_000 }, (_, i) => i),
      'x'.repeat(2_000_000),
    ];
    for (const data of cases) {
      const error = httpError(data);
      const printed = printForms(error);
      for (const text of printed) expect(text.length).toBeLessThan(200_000);
      expect(JSON.stringify(redactData(defaultRedactor, data) ?? null).length).toBeLessThan(200_000);
    }
    expect(redactData(defaultRedactor, cyclic)).toEqual({ name: 'loop', self: '[Circular]' });
    expect(redactData(defaultRedactor, { big: 10n, fn: () => 1, sym: Symbol('s') })).toEqual({ big: '10' });
    expect(redactData(defaultRedactor, { at: new Date(0) })).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    expect(redactData(defaultRedactor, hostile)).toBe('[unprintable]');
    expect(redactData(defaultRedactor, { ok: 1, hostile })).toEqual({ ok: 1, hostile: '[unprintable]' });
    expect(
      JSON.stringify(redactData(defaultRedactor, JSON.parse('{"__proto__":{"password":"pr-proto-secret"}}'))),
    ).toBe('{"__proto__":{"password":"[REDACTED]"}}');
  });

  test('a huge body is cut by redactData; printing the error shows its own fields (retryAfter, timeout), not data', () => {
    const data = Array.from({ length: 5_000 }, (_, i) => ({ id: i }));
    const error = httpError(data);
    Object.assign(error, { retryAfter: 2_000 });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'HTTPError', retryAfter: 2_000 });
    expect(redactData(defaultRedactor, data)).toContain('[...]');
  });

  test('a long run of hex or hyphenated text prints in linear time (it was quadratic: minutes for 200 KB)', () => {
    const started = performance.now();
    const runs = ['a-'.repeat(100_000), '0123456789abcdef'.repeat(12_500), `${'a-'.repeat(100_000)}=x`];
    const data = { runs, [`${'a-'.repeat(100_000)}token`]: 'pr-long-name-secret' };
    const printed = printForms(httpError(data, runs.join(' '))).join('\n');
    expect(printed).not.toContain('pr-long-name-secret');
    expect(JSON.stringify(redactData(defaultRedactor, data))).not.toContain('pr-long-name-secret');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('property: for any JSON-ish data and message, String, JSON.stringify and util.inspect never throw and show no registered secret', () => {
    const redactor = createRedactor();
    redactor.addSecret('pr-registered-secret-1');
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true })),
        fc.string(),
        (data, message) => {
          const raw = new HTTPError(
            new Response(null, { status: 502 }),
            new Request('https://api.test/x'),
            {} as never,
          );
          raw.message = `${message} pr-registered-secret-1`;
          raw.data = { data, echoed: `${message}"pr-registered-secret-1\\` };
          const error = sanitizeError(raw, redactor);
          for (const text of printForms(error)) expect(text).not.toContain('pr-registered-secret-1');
          // The printable copy of that data (what sturdy/openapi validates an error body from) hides it too.
          expect(JSON.stringify(redactData(redactor, raw.data))).not.toContain('pr-registered-secret-1');
        },
      ),
      { numRuns: 300 },
    );
  });

  test("property: sturdy's own errors print whatever their message or fields hold", () => {
    fc.assert(
      fc.property(fc.string(), fc.anything(), (text, extra) => {
        const errors = [
          new SerializationError(text, text),
          new ParseError({ status: 200, contentType: text, snippet: text, url: text }),
          new ValidationError('response', [{ message: text, path: text }]),
          new AuthError(text, { error: text, errorDescription: text }),
        ];
        for (const error of errors) {
          // A field the caller adds prints as JSON.stringify prints it (a BigInt there throws, as on any Error:
          // sturdy's own fields are text, numbers and issues).
          Object.assign(error, { extra });
          printForms(error);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("a 304 to the caller's own conditional GET", () => {
  /** A document at `path` whose etag is "v1": a 304 to `If-None-Match: "v1"`. */
  const conditional = (path: string) =>
    local.route(path, (request, response) => {
      if (request.headers['if-none-match'] === '"v1"') return void response.writeHead(304, { etag: '"v1"' }).end();
      response.writeHead(200, { etag: '"v1"', 'content-type': 'application/json' }).end('{"v":1}');
    });

  test("is ky's HTTPError by default (status 304), and is not retried", async () => {
    conditional('/doc-default');
    const api = createClient({ baseUrl: local.url });
    const first = await api.get('doc-default');
    expect(await first.json()).toEqual({ v: 1 });
    const { error } = await elapsed(() =>
      api.get('doc-default', { headers: { 'if-none-match': first.headers.get('etag')! } }),
    );
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(304);
    expect(local.requestsTo('/doc-default')).toHaveLength(2);
  });

  test('throwHttpErrors: (status) => status !== 304 gives the 304 Response, with no body', async () => {
    conditional('/doc-allowed');
    const api = createClient({ baseUrl: local.url, throwHttpErrors: (status) => status !== 304 });
    const response = await api.get('doc-allowed', { headers: { 'if-none-match': '"v1"' } });
    expect(response.status).toBe(304);
    expect(response.headers.get('etag')).toBe('"v1"');
    expect(await response.text()).toBe('');
    // `.json()` on it is the empty-body rule: undefined.
    expect(await api.get('doc-allowed', { headers: { 'if-none-match': '"v1"' } }).json()).toBeUndefined();
    // Other errors still throw.
    local.route('/gone', modes.json(410, { error: 'gone' }));
    await expect(api.get('gone', { retry: 0 })).rejects.toBeInstanceOf(HTTPError);
    expect(local.requestsTo('/doc-allowed').map((request) => request.headers['if-none-match'])).toEqual([
      '"v1"',
      '"v1"',
    ]);
  });
});
