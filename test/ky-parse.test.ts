/**
 * ky's JSON and context options as ky documents them (readme "parseJson", "stringifyJson",
 * "context", "HTTPError"): parseJson(text, { request, response }) for `.json()` and for
 * HTTPError.data, stringifyJson for `json`, context shallow-merged and visible in every hook,
 * through ky and through sturdy.
 *
 * sturdy cases that failed before the core ran on ky's pipeline (recorded on main 0bbb359; all pass now):
 * - parseJson for .json(): it gets no { request, response }, so a parser reading them throws, surfacing as a ParseError
 * - parseJson for HTTPError.data: not used
 * - HTTPError.data when a JSON body fails to parse: the raw text instead of undefined
 * - parseJson on an empty body: not called, .json() resolves undefined
 * - context {} in every hook: beforeRetry's options.context is undefined
 * - a call context merges over the instance context: it replaces it (and beforeRetry's context differs)
 * - extend merges context: the call's context replaces the instance's
 */
import { isHTTPError } from 'ky';
import { describe, expect, test } from 'vitest';
import { isParseError } from '../src/index.ts';
import { implementations, useServer } from './helpers/ky-compat.ts';
import { elapsed, modes } from './helpers/server.ts';

const server = useServer();

type ParseCall = { text: string; url: string; status: number };

/** A parseJson that records what it was given and tags what it returns. */
const recordingParser =
  (calls: ParseCall[]) =>
  (text: string, { request, response }: { request: Request; response: Response }) => {
    calls.push({ text, url: request.url, status: response.status });
    return { parsed: JSON.parse(text) as unknown };
  };

describe.each(implementations)('%s', (_name, make) => {
  describe('parseJson', () => {
    test('.json() parses with it, and it gets the text with { request, response }', async () => {
      const route = server.route('parse', modes.json(200, { id: 1 }));
      const calls: ParseCall[] = [];
      const api = make({ baseUrl: server.url, parseJson: recordingParser(calls) });
      expect(await api.get(route.path.slice(1)).json()).toEqual({ parsed: { id: 1 } });
      expect(calls).toEqual([{ text: '{"id":1}', url: route.url, status: 200 }]);
    });

    test('HTTPError.data of a JSON error body is parsed with it too', async () => {
      const route = server.route(
        'parse-error',
        modes.json(422, { error: 'invalid' }, { 'content-type': 'application/problem+json' }),
      );
      const calls: ParseCall[] = [];
      const api = make({ baseUrl: server.url, retry: 0, parseJson: recordingParser(calls) });
      const { error } = await elapsed(() => api.get(route.path.slice(1)).json());
      expect(isHTTPError(error)).toBe(true);
      expect(isHTTPError(error) && error.data).toEqual({ parsed: { error: 'invalid' } });
      expect(calls).toEqual([{ text: '{"error":"invalid"}', url: route.url, status: 422 }]);
    });

    test('HTTPError.data is the text for a non-JSON error body, and undefined when parsing it fails', async () => {
      const text = server.route('data-text', modes.json(500, 'upstream exploded', { 'content-type': 'text/plain' }));
      const broken = server.route('data-broken', modes.json(500, '{"not json', { 'content-type': 'application/json' }));
      const api = make({ baseUrl: server.url, retry: 0 });
      const first = await elapsed(() => api.get(text.path.slice(1)).json());
      expect(isHTTPError(first.error) && first.error.data).toBe('upstream exploded');
      const second = await elapsed(() => api.get(broken.path.slice(1)).json());
      expect(isHTTPError(second.error)).toBe(true);
      expect(isHTTPError(second.error) && second.error.data).toBeUndefined();
    });

    test('custom handling of an empty body: parseJson decides what .json() resolves to', async () => {
      const route = server.route('parse-empty', modes.noContent());
      const api = make({
        baseUrl: server.url,
        parseJson: (text) => (text === '' ? { empty: true } : JSON.parse(text)),
      });
      expect(await api.get(route.path.slice(1)).json()).toEqual({ empty: true });
    });
    test('a parse failure comes before .json(schema) validation: the schema never runs', async () => {
      const valid = server.route('parse-before-schema', modes.json(200, { id: 1 }));
      const invalid = server.route(
        'parse-invalid-before-schema',
        modes.json(200, 'not json', { 'content-type': 'application/json' }),
      );
      const thrown = new Error('not our format');
      let validated = 0;
      const schema = {
        '~standard': {
          version: 1 as const,
          vendor: 'test',
          validate: (value: unknown) => {
            validated += 1;
            return { value };
          },
        },
      };
      const refusing = make({
        baseUrl: server.url,
        parseJson: () => {
          throw thrown;
        },
      });
      const fromParser = await elapsed(() => refusing.get(valid.path.slice(1)).json(schema));
      const fromBody = await elapsed(() => make({ baseUrl: server.url }).get(invalid.path.slice(1)).json(schema));
      expect(validated).toBe(0);
      // ky rejects with the parser's own error; sturdy with a ParseError carrying it as `cause` (its deliberate ParseError).
      const error = fromParser.error as Error;
      expect(error === thrown || (isParseError(error) && error.cause === thrown)).toBe(true);
      expect(fromBody.error instanceof SyntaxError || isParseError(fromBody.error)).toBe(true);
    });
  });

  test('stringifyJson makes the body of `json`', async () => {
    const route = server.route('stringify', modes.echo());
    const api = make({
      baseUrl: server.url,
      stringifyJson: (data) =>
        JSON.stringify(data, (key, value: unknown) => (key.endsWith('_at') ? `T${String(value)}` : value)),
    });
    await api.put(route.path.slice(1), { json: { created_at: 5, name: 'a' } }).json();
    const [received] = route.received();
    expect(received!.body).toBe('{"created_at":"T5","name":"a"}');
    expect(received!.headers['content-type']).toMatch(/^application\/json/);
  });

  describe('context', () => {
    test('is {} in every hook when none is given', async () => {
      const route = server.route('context-empty', modes.sequence([503, { status: 200, body: {} }]));
      const seen: unknown[] = [];
      const record = ({ options }: { options: { context: unknown } }) => void seen.push(options.context);
      const api = make({
        baseUrl: server.url,
        hooks: { beforeRequest: [record], beforeRetry: [record], afterResponse: [record] },
      });
      await api.get(route.path.slice(1)).json();
      expect(seen).toEqual([{}, {}, {}, {}]);
    });

    test('a call context merges shallowly over the instance context, and every hook sees the result', async () => {
      const route = server.route('context-merge', modes.sequence([503, 500]));
      const seen: Array<[string, unknown]> = [];
      const record =
        (hook: string) =>
        ({ options }: { options: { context: unknown } }) =>
          void seen.push([hook, options.context]);
      const api = make({
        baseUrl: server.url,
        retry: 1,
        context: { a: 1, b: { nested: true } },
        hooks: {
          beforeRequest: [record('beforeRequest')],
          afterResponse: [record('afterResponse')],
          beforeRetry: [record('beforeRetry')],
          beforeError: [(state) => (record('beforeError')(state), state.error)],
        },
      });
      await elapsed(() => api.get(route.path.slice(1), { context: { b: { updated: true }, c: 3 } }).json());
      const merged = { a: 1, b: { updated: true }, c: 3 };
      expect(seen).toEqual([
        ['beforeRequest', merged],
        ['afterResponse', merged],
        ['beforeRetry', merged],
        ['afterResponse', merged],
        ['beforeError', merged],
      ]);
    });

    test('extend merges context shallowly too; a hook reads a token from it', async () => {
      const route = server.route('context-extend', modes.echo());
      const api = make({
        baseUrl: server.url,
        context: { a: 1, b: { nested: true } },
        hooks: {
          beforeRequest: [
            ({ request, options }) => {
              const { token } = options.context as { token?: string };
              if (token) request.headers.set('authorization', `Bearer ${token}`);
              request.headers.set('x-context', JSON.stringify(options.context));
            },
          ],
        },
      });
      const extended = api.extend({ context: { b: { updated: true }, c: 3 } });
      await extended.get(route.path.slice(1), { context: { token: 'secret123' } }).json();
      const [received] = route.received();
      expect(received!.headers.authorization).toBe('Bearer secret123');
      expect(JSON.parse(received!.headers['x-context'] as string)).toEqual({
        a: 1,
        b: { updated: true },
        c: 3,
        token: 'secret123',
      });
    });
  });
});
