/**
 * Issue 13, items 1 and 7: printing an error never throws whatever the server
 * sent (data is redacted value by value, not by re-parsing redacted JSON text),
 * and redaction never garbles sturdy's own words.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  AuthError,
  HTTPError,
  ParseError,
  SerializationError,
  ValidationError,
  apiKey,
  basic,
  bearer,
  clientCredentials,
  createClient,
} from '../src/index.ts';
import { sanitizeKyError } from '../src/core/errors.ts';
import { createRedactor, defaultRedactor, REDACTED } from '../src/core/redact.ts';

const server = setupServer(
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
);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Every way a user prints an error; none may throw. */
const printAll = (error: unknown) => [
  String(error),
  JSON.stringify(error),
  inspect(error, { depth: 10 }),
  inspect({ wrapped: error }, { depth: 10 }),
];

const httpError = (data: unknown, message = 'boom') => {
  const error = new HTTPError(
    new Response(null, { status: 500 }),
    new Request('https://api.test/x', { headers: { authorization: 'Bearer pr-header-token-1' } }),
    {} as never,
  );
  error.message = message;
  error.data = data;
  return sanitizeKyError(error, defaultRedactor, undefined);
};

describe('printing an HTTPError never throws (item 1)', () => {
  test('a body whose redacted text is no longer JSON: String, JSON.stringify, util.inspect and console.error', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', retry: false });
    const error = (await api.get('unknown-key').catch((e: unknown) => e)) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    const [asString, asJson, inspected] = printAll(error);
    expect(asString).toContain('HTTPError');
    expect(JSON.parse(asJson!).status).toBe(400);
    expect(inspected).toContain('400');
    const original = console.error;
    console.error = (...args: unknown[]) => void inspect(args);
    try {
      expect(() => console.error(error)).not.toThrow();
    } finally {
      console.error = original;
    }
  });

  test('data is redacted value by value: fields named like secrets in any spelling, secrets inside strings', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', retry: false });
    const error = (await api.get('secrets').catch((e: unknown) => e)) as HTTPError;
    const json = JSON.parse(JSON.stringify(error));
    expect(json.data).toEqual({
      error: 'denied',
      clientSecret: REDACTED,
      nested: [{ 'api-key': REDACTED, note: `see access_token=${REDACTED}` }],
    });
    for (const text of printAll(error))
      for (const secret of ['pr-client-secret-1', 'pr-api-key-1', 'pr-query-token-1'])
        expect(text).not.toContain(secret);
    // The user's own `.data` stays what the server sent.
    expect((error.data as { clientSecret: string }).clientSecret).toBe('pr-client-secret-1');
  });

  test('cycles, BigInt, functions, throwing getters, huge and deep data print, bounded', () => {
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
      const printed = printAll(error);
      for (const text of printed) expect(text.length).toBeLessThan(200_000);
    }
    expect(JSON.parse(JSON.stringify(httpError(cyclic))).data).toEqual({ name: 'loop', self: '[Circular]' });
    expect(JSON.parse(JSON.stringify(httpError({ big: 10n }))).data).toEqual({ big: '10' });
    expect(JSON.parse(JSON.stringify(httpError({ at: new Date(0) }))).data).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    expect(JSON.stringify(httpError(JSON.parse('{"__proto__":{"password":"pr-proto-secret"}}')))).toContain(
      '"__proto__":{"password":"[REDACTED]"}',
    );
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
          const error = sanitizeKyError(raw, redactor, undefined);
          for (const text of printAll(error)) expect(text).not.toContain('pr-registered-secret-1');
        },
      ),
      { numRuns: 300 },
    );
  });

  test("property: sturdy's own errors print whatever their message or fields hold", () => {
    fc.assert(
      fc.property(fc.string(), fc.anything({ withBigInt: true }), (text, value) => {
        const errors = [
          new SerializationError(text, text),
          new ParseError({ status: 200, contentType: text, snippet: text, url: text }),
          new ValidationError('response', [{ message: text, path: text }]),
          new AuthError(text, { error: text, errorDescription: text }),
        ];
        for (const error of errors) {
          Object.assign(error, { extra: value });
          printAll(error);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("redaction never garbles sturdy's own words (item 7)", () => {
  const strategies = [
    bearer('gw-bearer-token-1'),
    bearer(() => 'gw-bearer-token-2'),
    apiKey({ key: 'gw-api-key-1' }),
    basic({ username: 'ann', password: 'gw-password-1' }),
    clientCredentials({ tokenUrl: 'https://auth.test/token', clientId: 'gw', clientSecret: 'gw-client-secret-1' }),
  ];

  test.each(strategies.map((auth) => [auth.type, auth] as const))(
    'the insecure-transport AuthError of %s reads as written',
    async (type, auth) => {
      const api = createClient({ baseUrl: 'http://api.example.com/', auth, retry: false });
      const error = (await api.get('x').catch((e: unknown) => e)) as AuthError;
      expect(error).toBeInstanceOf(AuthError);
      expect(error.message).toBe(
        `refusing to send ${type} credentials over plain http to http://api.example.com: use https, or pass allowInsecure: true if this network is trusted`,
      );
    },
  );

  test.each([
    'refusing to send bearer credentials over plain http',
    'refusing to send basic credentials over plain http',
    'Basic authentication (RFC 7617) needs a username',
    'the Bearer provider failed; Bearer tokens expire',
    'WWW-Authenticate: Bearer error="invalid_token", error_description="expired"',
    'WWW-Authenticate: Basic realm="registry", charset="UTF-8"',
    'bearer token provider must return a token string or { token, expiresIn }; got null',
  ])('unchanged: %s', (text) => {
    expect(defaultRedactor.text(text)).toBe(text);
  });

  test.each([
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'Authorization: Bearer [REDACTED]'],
    ['Authorization: Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'Authorization: Basic [REDACTED]'],
    ['sent "Bearer ghp_abcdefghijklmnop" to the server', 'sent "Bearer [REDACTED]" to the server'],
    ['bearer opaque4711token', 'bearer [REDACTED]'],
    ['Bearer qwertyuiopasdfghjklzxcvb', 'Bearer [REDACTED]'],
    ['Bearer AbCdEfGhIj', 'Bearer [REDACTED]'],
  ])('still redacted: %s', (text, expected) => {
    expect(defaultRedactor.text(text)).toBe(expected);
  });
});
