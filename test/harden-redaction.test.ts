/**
 * Issue 13, items 2, 3 and 5 (snippet): every error from every module goes
 * through the client's redactor (NDJSON records, validation issues), a
 * validation message never quotes the rejected value of a secret-named field,
 * and a ParseError snippet is redacted before it is cut.
 */
import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  apiKey,
  bearer,
  createClient,
  isParseError,
  isValidationError,
  ParseError,
  ValidationError,
} from '../src/index.ts';
import { ndjsonRecords } from '../src/ndjson/index.ts';
import { parseSnippet, PARSE_SNIPPET_CHARS } from '../src/core/errors.ts';
import { createRedactor } from '../src/core/redact.ts';
import { validate } from '../src/core/schema.ts';

const KEY = 'rr-app-key-0123456789';
const TOKEN = 'rr-bearer-token-0123456789';
const server = setupServer(
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
);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const printed = (error: unknown) =>
  [
    (error as Error).message,
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    (error as Error).stack ?? '',
  ].join('\n');

async function firstError(records: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _ of records) void _;
  } catch (error) {
    return error;
  }
  throw new Error('expected the records to fail');
}

describe("NDJSON record errors use the client's redactor (item 2)", () => {
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

  test('a token at the 200-character edge of a snippet is redacted before the cut (item 5)', async () => {
    const api = createClient({ baseUrl: 'https://api.test/', auth: bearer(TOKEN) });
    const error = (await firstError(ndjsonRecords(api.get('edge')))) as ParseError;
    expect(error.snippet).toHaveLength(PARSE_SNIPPET_CHARS);
    expect(error.snippet.endsWith('x[REDACTED]')).toBe(true);
    expect(printed(error)).not.toContain(TOKEN.slice(0, 8));
  });
});

describe('validation issues are redacted (item 3)', () => {
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

  test('validate() words issues with the redactor it is given: a server-echoed token in message, issues and toJSON', async () => {
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

describe('ParseError snippets (item 5)', () => {
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
