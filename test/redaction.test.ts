/**
 * Redaction wherever an error is made: NDJSON record errors and validation issues go through the
 * client's redactor, a validation message never quotes the rejected value of a secret-named
 * field, a ParseError snippet is redacted before it is cut, the `redact` option of an extended
 * client, userinfo in a URL, and redaction never garbles sturdy's own words.
 */
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  AuthError,
  apiKey,
  basic,
  bearer,
  clientCredentials,
  createClient,
  HTTPError,
  isParseError,
  isValidationError,
  ParseError,
  ValidationError,
} from '../src/index.ts';
import { ndjsonRecords } from '../src/ndjson/index.ts';
import { parseSnippet, PARSE_SNIPPET_CHARS } from '../src/core/errors.ts';
import { createRedactor, defaultRedactor } from '../src/core/redact.ts';
import { validate } from '../src/core/schema.ts';
import { printed } from './helpers/printed.ts';
import { elapsed, modes, startServer, type TestServer } from './helpers/server.ts';

const KEY = 'rr-app-key-0123456789';
const TOKEN = 'rr-bearer-token-0123456789';
const mock = setupServer(
  http.get(
    'https://api.test/export',
    () => new HttpResponse('{"id":1}\n{"id":2,\n', { headers: { 'content-type': 'application/x-ndjson' } }),
  ),
  http.get('https://api.test/echo', ({ request }) => {
    const token = request.headers.get('authorization')?.replace('Bearer ', '') ?? '';
    return new HttpResponse(`${JSON.stringify({ id: token })}\n`, {
      headers: { 'content-type': 'application/x-ndjson' },
    });
  }),
  http.get('https://api.test/edge', ({ request }) => {
    const token = request.headers.get('authorization')?.replace('Bearer ', '') ?? '';
    return new HttpResponse(`${'x'.repeat(PARSE_SNIPPET_CHARS - 10)}${token}\n`, {
      headers: { 'content-type': 'application/x-ndjson' },
    });
  }),
  // The tests of what a real server sends (status pages, headers) use one on 127.0.0.1.
  http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
);
let server: TestServer;
beforeAll(async () => {
  mock.listen({ onUnhandledFrame: 'error' } as never);
  server = await startServer();
});
afterEach(() => mock.resetHandlers());
afterAll(async () => {
  mock.close();
  await server.close();
});

async function firstError(records: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _ of records) void _;
  } catch (error) {
    return error;
  }
  throw new Error('expected the records to fail');
}

describe("NDJSON record errors use the client's redactor", () => {
  test('apiKey({ query }): a bad line names the URL without the key', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', auth: apiKey({ key: KEY, query: 'appid' }) });
    const error = await firstError(ndjsonRecords(api.get('export')));
    expect(isParseError(error)).toBe(true);
    expect((error as ParseError).message).toContain('NDJSON record 1 of https://api.test/export?appid=[REDACTED]');
    expect(printed(error)).not.toContain(KEY);
  });

  test('the same for the awaited Response, and for a redact option of the client', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', redact: { query: ['session'] } });
    const error = await firstError(
      ndjsonRecords(await api.get('export', { searchParams: { session: 'rr-session-value-1' } })),
    );
    expect((error as Error).message).toContain('session=[REDACTED]');
    expect(printed(error)).not.toContain('rr-session-value-1');
  });

  test("a record's ValidationError quoting the server-echoed token hides it", async () => {
    const api = createClient({ baseUrl: 'https://api.test/', auth: bearer(TOKEN) });
    const error = await firstError(ndjsonRecords(api.get('echo'), v.object({ id: v.number() })));
    expect(isValidationError(error)).toBe(true);
    const { issues } = error as ValidationError;
    expect(issues).toEqual([{ path: '$[0].id', message: 'Invalid type: Expected number but received "[REDACTED]"' }]);
    expect(printed(error)).not.toContain(TOKEN);
  });

  test('a token at the 200-character edge of a snippet is redacted before the cut', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', auth: bearer(TOKEN) });
    const error = (await firstError(ndjsonRecords(api.get('edge')))) as ParseError;
    expect(error.snippet).toHaveLength(PARSE_SNIPPET_CHARS);
    expect(error.snippet.endsWith('x[REDACTED]')).toBe(true);
    expect(printed(error)).not.toContain(TOKEN.slice(0, 8));
  });
});

describe('validation issues are redacted', () => {
  const Login = v.object({ user: v.string(), password: v.number(), pin: v.picklist(['1111', '2222']) });

  test("a request ValidationError never prints a rejected password's value", async () => {
    let requests = 0;
    const api = createClient({ baseUrl: 'https://api.test/', fetch: async () => (requests++, new Response('{}')) });
    const error = await api
      .post('login', { json: { user: 'ann', password: 'rr-hunter2-password', pin: '0000' } as never, schema: Login })
      .catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(requests).toBe(0);
    const { issues } = error as ValidationError;
    expect(issues.map((issue) => issue.path)).toEqual(['$.password', '$.pin']);
    expect(issues[0]!.message).toBe('Invalid type: Expected number but received [REDACTED]');
    // A field not named like a secret keeps its value: it is what the caller needs to see.
    expect(issues[1]!.message).toContain('"0000"');
    expect(printed(error)).not.toContain('rr-hunter2-password');
  });

  test('validate() words issues with the redactor it is given: a server-echoed token in message, issues and printing', async () => {
    const redactor = createRedactor();
    redactor.addSecret(TOKEN);
    const error = await validate(
      v.object({ count: v.number() }),
      { count: TOKEN },
      'response',
      { status: 200 },
      redactor,
    ).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect((error as ValidationError).issues[0]!.message).toBe(
      'Invalid type: Expected number but received "[REDACTED]"',
    );
    expect(printed(error)).not.toContain(TOKEN);
  });

  test('a rejected secret-named value is hidden in any quoting and nested paths, numbers too', async () => {
    const schema = v.object({ auth: v.object({ clientSecret: v.literal('x') }), apiKey: v.string() });
    const error = (await validate(
      schema,
      { auth: { clientSecret: 'rr-nested-secret' }, apiKey: 98765432 },
      'request',
    ).catch((e: unknown) => e)) as ValidationError;
    expect(error.issues.map((issue) => issue.path)).toEqual(['$.auth.clientSecret', '$.apiKey']);
    expect(printed(error)).not.toContain('rr-nested-secret');
    expect(printed(error)).not.toContain('98765432');
  });

  test('a ValidationError built by any module is redacted at least by the default rules', () => {
    const error = new ValidationError('response', [
      { path: '$.next', message: 'Invalid URL: https://x.test/?access_token=rr-query-token' },
    ]);
    expect(error.issues[0]!.message).toBe('Invalid URL: https://x.test/?access_token=[REDACTED]');
    expect(printed(error)).not.toContain('rr-query-token');
  });
});

describe('ParseError snippets are redacted, then cut', () => {
  test('parseSnippet redacts, then cuts; the constructor cuts what it is given', () => {
    const redactor = createRedactor();
    redactor.addSecret(TOKEN);
    const text = `${'x'.repeat(PARSE_SNIPPET_CHARS - 5)}${TOKEN}${'y'.repeat(1000)}`;
    expect(parseSnippet(text, redactor)).toBe(`${'x'.repeat(PARSE_SNIPPET_CHARS - 5)}[REDA`);
    const error = new ParseError({
      status: 200,
      contentType: 'text/html',
      snippet: redactor.text(text),
      url: 'https://api.test/',
    });
    expect(error.snippet).toHaveLength(PARSE_SNIPPET_CHARS);
    expect(printed(error)).not.toContain(TOKEN.slice(0, 5));
  });
});

describe('extend({ redact }) builds the extended client a redactor of its own', () => {
  test("a ?session= value hides in the extended client's errors, and still shows in the parent", async () => {
    server.route('/fail', modes.json(500, { error: 'boom' }));
    const parent = createClient({ baseUrl: server.url, retry: 0 });
    const child = parent.extend({ redact: { query: ['session'] } });
    const { error: childError } = await elapsed(() =>
      child.get('fail', { searchParams: { session: 'sess-value-99' } }),
    );
    expect(childError).toBeInstanceOf(HTTPError);
    expect(printed(childError)).not.toContain('sess-value-99');
    expect((childError as Error).message).toContain('session=[REDACTED]');
    // The control: the parent was not told `session` is secret.
    const { error: parentError } = await elapsed(() =>
      parent.get('fail', { searchParams: { session: 'sess-value-99' } }),
    );
    expect((parentError as Error).message).toContain('sess-value-99');
    // Names add up: the extended client keeps the parent's names too.
    const grand = createClient({ baseUrl: server.url, retry: 0, redact: { query: ['tenant'] } }).extend({
      redact: { query: ['session'] },
    });
    const { error: both } = await elapsed(() =>
      grand.get('fail', { searchParams: { tenant: 'tenant-x1', session: 'sess-y2' } }),
    );
    expect(printed(both)).not.toMatch(/tenant-x1|sess-y2/);
    expect(server.requestsTo('/fail')).toHaveLength(3);
  });
});

describe('a URL with userinfo (user:password@) never shows its password', () => {
  test("the runtime's refusal to send it is redacted, in the message and when printed", async () => {
    const api = createClient({ retry: 0 });
    const { error } = await elapsed(() => api.get('https://shop:s3cret-pass-9@api.example.com/x'));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain('s3cret-pass-9');
    expect(printed(error)).not.toContain('s3cret-pass-9');
  });

  test("an HTTPError's response headers (a token in Location, userinfo in Link) are not printed", async () => {
    server.route(
      '/moved',
      (_request, response) =>
        void response
          .writeHead(400, {
            'content-type': 'application/json',
            location: '/next?access_token=loc-token-123',
            link: '<https://u:link-pass-7@example.com/>; rel="next"',
          })
          .end('{}'),
    );
    const api = createClient({ baseUrl: server.url, retry: 0 });
    const { error } = await elapsed(() => api.get('moved').json());
    expect(error).toBeInstanceOf(HTTPError);
    expect(Object.keys(error as HTTPError)).not.toContain('response');
    expect(printed(error)).not.toContain('loc-token-123');
    expect(printed(error)).not.toContain('link-pass-7');
    // Out of enumeration, still on the error for the caller.
    expect((error as HTTPError).response.status).toBe(400);
  });
});

describe('text hides a parameter or field named like a secret in any spelling', () => {
  test.each([
    ['user[password]=rr-form-pass-1&next=/home', 'user[password]=[REDACTED]&next=/home'],
    ['{"clientSecret": "rr-camel-secret-1", "id": "a"}', '{"clientSecret": "[REDACTED]", "id": "a"}'],
    ['{"x-api-key":"rr-header-named-1"}', '{"x-api-key":"[REDACTED]"}'],
    ['?X-Amz-Credential=a&X-Amz-Signature=rr-sig-1', '?X-Amz-Credential=a&X-Amz-Signature=[REDACTED]'],
    [
      '{"a":"b","refresh_token":"rr-refresh-1"} accessToken=rr-at-1',
      '{"a":"b","refresh_token":"[REDACTED]"} accessToken=[REDACTED]',
    ],
  ])('%s', (text, expected) => {
    expect(defaultRedactor.text(text)).toBe(expected);
  });

  test('a credential header name matches in any spelling, an ordinary header does not', () => {
    for (const name of ['Authorization', 'X_Api_Key', 'xapikey', 'Set-Cookie'])
      expect(defaultRedactor.isSensitiveHeader(name)).toBe(true);
    for (const name of ['Idempotency-Key', 'Accept', 'X-Request-Id', 'Key'])
      expect(defaultRedactor.isSensitiveHeader(name)).toBe(false);
  });

  test("a child adds its names and secrets to its parent's; the parent does not learn them", () => {
    const parent = createRedactor({ fields: ['ssn'] });
    const child = createRedactor({ query: ['x-session'], headers: ['x-tenant-auth'] }, parent);
    parent.addSecret('rr-parent-secret-1');
    child.addSecret('rr-child-secret-1');
    expect(child.text('ssn=1234 a-x-session=s1 {"x_tenant_auth":"t1"} rr-parent-secret-1 rr-child-secret-1')).toBe(
      'ssn=[REDACTED] a-x-session=[REDACTED] {"x_tenant_auth":"[REDACTED]"} [REDACTED] [REDACTED]',
    );
    expect(child.isSensitiveHeader('X-Tenant-Auth') && child.isSensitiveHeader('cookie')).toBe(true);
    expect(parent.text('x-session=s1 rr-child-secret-1')).toBe('x-session=s1 rr-child-secret-1');
    expect(parent.isSensitiveHeader('x-tenant-auth')).toBe(false);
  });
});

describe('a secret that is not well-formed UTF-16 (a lone surrogate) is hidden and never makes redaction throw', () => {
  const secret = 'rr-lone-\uD800-pass-1';

  test('the redactor hides it, raw and percent-encoded as a URL carries it', () => {
    const redactor = createRedactor();
    redactor.addSecret(secret);
    expect(redactor.text(`a ${secret} b ?p=${encodeURIComponent('rr-lone-\uFFFD-pass-1')}`)).toBe(
      'a [REDACTED] b ?p=[REDACTED]',
    );
  });

  test("a basic password with one: the server's 500 is the HTTPError, not a URIError of the redactor", async () => {
    const api = createClient({
      baseUrl: 'https://api.test/',
      auth: basic({ username: 'ann', password: secret }),
      retry: 0,
      fetch: async () =>
        new Response('{"error":"boom"}', { status: 500, headers: { 'content-type': 'application/json' } }),
    });
    const error = await api.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect(printed(error)).not.toContain(secret);
  });
});

describe("redaction never garbles sturdy's own words", () => {
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
      expect(error.message).toBe(`${type} credentials need https (or allowInsecure) for http://api.example.com`);
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
